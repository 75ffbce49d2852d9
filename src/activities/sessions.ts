/** Facts and notices of support sessions (C13 / I12). */
import { ApplicationFailure } from '@temporalio/activity';
import type { LoadedPolicy } from '../policy/load';
import type { Roster } from '../roster/schema';
import type { EmailMessage } from './email';

export interface SessionDeps {
  policy: () => LoadedPolicy;
  roster: () => Roster;
  sendEmail: (message: EmailMessage) => Promise<unknown>;
}

export function createSessionActivities(deps: SessionDeps) {
  return {
    async sessionRules() {
      const loaded = deps.policy();
      return { ...loaded.policy.session, policyVersion: loaded.version };
    },

    /** The warning before the limit and the wrap-up at it, to the responder running the session. */
    async sendSessionNotice(input: {
      messageId: string;
      sessionId: string;
      responderId: string;
      channel: string;
      kind: 'warning' | 'wrap-up';
      limitMinutes: number;
    }) {
      const responder = deps.roster().responders.find((r) => r.id === input.responderId);
      if (!responder)
        throw ApplicationFailure.nonRetryable(
          `responderId: ${input.responderId} is not in the roster`,
          'InvalidResponder',
        );
      const text =
        input.kind === 'warning'
          ? `Session ${input.sessionId} (${input.channel}) is nearing its ${input.limitMinutes}-minute limit: please start wrapping up (C13).`
          : `Session ${input.sessionId} (${input.channel}) reached its ${input.limitMinutes}-minute limit: please wrap up now and follow up by ticket if needed (C13).`;
      return deps.sendEmail({
        messageId: input.messageId,
        to: [responder.email],
        subject: `[SLA session] ${input.sessionId}: ${input.kind === 'warning' ? 'limit approaching' : 'limit reached'}`,
        text,
      });
    },
  };
}
