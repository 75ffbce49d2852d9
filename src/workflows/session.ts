/**
 * One workflow per support session (chat, live meeting or phone; C13, I12). To keep the mean
 * first response under 15 minutes, a session is limited to the policy's limit: a warning some
 * minutes before it and a wrap-up notice at it, both on durable timers. The policy can switch the
 * limit off; the session then just records its length.
 */
import {
  condition,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import { endSession, sessionStatus, type SessionStatus } from '../messages/session';
import type { OpenSession } from '../model/ticket';

/** The session rules are a policy lookup: a local activity, recorded in history as a marker. */
const lookups = proxyLocalActivities<Activities>({ startToCloseTimeout: '10 seconds' });
const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    maximumAttempts: 10,
  },
});

export async function sessionWorkflow(input: OpenSession): Promise<SessionStatus> {
  const rules = await lookups.sessionRules();
  const startedAt = Date.now();
  const s: SessionStatus = {
    sessionId: input.sessionId,
    channel: input.channel,
    responderId: input.responderId,
    startedAt: new Date(startedAt).toISOString(),
    limitMinutes: rules.enabled ? rules.limitMinutes : null,
    policyVersion: rules.policyVersion,
    notices: [],
    endedAt: null,
    overLimit: false,
  };
  setHandler(sessionStatus, () => s);
  setHandler(endSession, () => {
    s.endedAt ??= new Date().toISOString();
    return { endedAt: s.endedAt, minutes: (Date.parse(s.endedAt) - startedAt) / 60_000 };
  });

  const notice = async (kind: 'warning' | 'wrap-up') => {
    const messageId = `<${workflowInfo().workflowId}.${kind}@sla-engine>`;
    await acts.sendSessionNotice({
      messageId,
      sessionId: s.sessionId,
      responderId: s.responderId,
      channel: s.channel,
      kind,
      limitMinutes: rules.limitMinutes,
    });
    s.notices.push({ kind, at: new Date().toISOString(), messageId });
  };

  if (rules.enabled) {
    const warnAt = startedAt + (rules.limitMinutes - rules.warningBeforeMinutes) * 60_000;
    const limitAt = startedAt + rules.limitMinutes * 60_000;
    if (!(await condition(() => s.endedAt !== null, warnAt - Date.now()))) await notice('warning');
    if (
      s.endedAt === null &&
      !(await condition(() => s.endedAt !== null, Math.max(0, limitAt - Date.now())))
    ) {
      s.overLimit = true;
      await notice('wrap-up');
    }
  }
  await condition(() => s.endedAt !== null);
  return s;
}
