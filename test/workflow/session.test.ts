// Support sessions (C13, I12): a warning before the 15-minute limit and a wrap-up notice at it;
// a policy with the limit switched off sends neither.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import defaultPolicy from '../../src/policy/default-policy.json';
import { parsePolicy } from '../../src/policy';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory } from '../helpers/histories';
import { minutes } from '../helpers/when';

describe('support session with the limit on', () => {
  let e: Engine;
  beforeAll(async () => {
    e = await startEngine();
  });
  afterAll(async () => {
    await saveHistory(e?.env.client, 'session-S-1', 'sessionWorkflow-over-limit');
    await e?.stop();
  });

  it('warns 3 minutes before the limit and sends the wrap-up notice at 15 minutes', async () => {
    const started = e.now();
    expect(
      await e.client.openSession({ sessionId: 'S-1', channel: 'chat', responderId: 'agent.toronto' }),
    ).toEqual({ workflowId: 'session-S-1', created: true });
    await e.waitFor(() => e.client.sessionStatus('S-1'), 'the session');

    await e.advanceTo(started + minutes(11));
    expect(e.smtp.byMessageId('<session-S-1.warning@sla-engine>')).toEqual([]);
    await e.advanceTo(started + minutes(12) + 1000);
    const warning = await e.waitFor(
      () => e.smtp.byMessageId('<session-S-1.warning@sla-engine>')[0],
      'the warning',
    );
    expect(warning).toMatchObject({
      to: ['agent.toronto@support.example'],
      subject: '[SLA session] S-1: limit approaching',
    });

    await e.advanceTo(started + minutes(15) + 1000);
    const wrapUp = await e.waitFor(
      () => e.smtp.byMessageId('<session-S-1.wrap-up@sla-engine>')[0],
      'the wrap-up notice',
    );
    expect(wrapUp.text).toContain('reached its 15-minute limit');
    // The mail server has the notice a moment before the workflow records the send's completion.
    const status = await e.waitFor(async () => {
      const now = await e.client.sessionStatus('S-1');
      return now.notices.length === 2 ? now : null;
    }, 'the wrap-up notice recorded');
    expect(status).toMatchObject({ limitMinutes: 15, overLimit: true, policyVersion: e.policy.version });
    expect(status.notices.map((n) => n.kind)).toEqual(['warning', 'wrap-up']);

    await e.advanceTo(started + minutes(17));
    const ended = await e.client.endSession('S-1', 'end-1');
    expect(ended.minutes).toBeCloseTo(17, 0);
    expect(await e.client.endSession('S-1', 'end-1')).toEqual(ended);
  });

  it('a session that ends before the warning gets no notice', async () => {
    const started = e.now();
    await e.client.openSession({ sessionId: 'S-2', channel: 'phone', responderId: 'agent.london' });
    await e.waitFor(() => e.client.sessionStatus('S-2'), 'the session');
    await e.advanceTo(started + minutes(5));
    await e.client.endSession('S-2', 'end-2');
    await e.advanceTo(started + minutes(20));
    expect(e.smtp.received.filter((m) => m.messageId.startsWith('<session-S-2'))).toEqual([]);
    expect((await e.client.sessionStatus('S-2')).overLimit).toBe(false);
  });
});

describe('support session with the limit switched off by policy', () => {
  let e: Engine;
  beforeAll(async () => {
    const policy = parsePolicy(
      { ...defaultPolicy, session: { ...defaultPolicy.session, enabled: false } },
      'test: no session limit',
    );
    e = await startEngine({ policy });
  });
  afterAll(async () => e?.stop());

  it('sends no notice and records no limit', async () => {
    const started = e.now();
    await e.client.openSession({ sessionId: 'S-3', channel: 'meeting', responderId: 'agent.toronto' });
    await e.waitFor(() => e.client.sessionStatus('S-3'), 'the session');
    await e.advanceTo(started + minutes(30));
    await e.client.endSession('S-3', 'end-3');
    expect(e.smtp.received).toEqual([]);
    expect(await e.client.sessionStatus('S-3')).toMatchObject({
      limitMinutes: null,
      overLimit: false,
      notices: [],
    });
  });
});
