// A ticket step's deliveries in one activity (C6–C8): the pages first, then the email; each
// outcome reported, a refusal told from what a retry can mend; a retry carries one delivery and
// throws for Temporal's retry policy; the step is counted once, by the first try. Driven through
// the real senders (the email and paging code) with an in-memory mailer and paging sink.
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { beforeEach, describe, expect, it } from 'vitest';
import { emailSender, type EmailMessage } from '../../src/activities/email';
import { pageSender, type PageEvent } from '../../src/activities/paging';
import { createStepDeliveryActivities, type DeliveryOutcome } from '../../src/activities/step-delivery';
import { registry } from '../../src/metrics/registry';
import { loadPolicy } from '../../src/policy';

const policy = loadPolicy({});
const STEP = 'l1-breach-team-lead';
const page = (responder: string): PageEvent => ({
  routingKey: `routing-${responder}`,
  action: 'trigger',
  dedupKey: `ticket-T-1:${STEP}:${responder}`,
  summary: 'SLA L1 ticket T-1 breached',
  customDetails: { ticketId: 'T-1', level: 'L1', step: STEP },
});
const email: EmailMessage = {
  messageId: `<ticket-T-1.${STEP}@sla-engine>`,
  to: ['lead@example.com'],
  subject: '[SLA L1] ticket T-1: escalation',
  text: 'breached',
};

describe('deliverStep', () => {
  let sent: string[];
  let pagingAnswer: (event: PageEvent) => void;
  let mailAnswer: () => void;
  beforeEach(() => {
    sent = [];
    pagingAnswer = () => {};
    mailAnswer = () => {};
  });
  const activities = () =>
    createStepDeliveryActivities({
      page: pageSender({
        sink: {
          send: async (event) => {
            pagingAnswer(event);
            sent.push(`page ${event.dedupKey}`);
          },
        },
        policy: () => policy,
      }),
      email: emailSender({
        mailer: {
          send: async (m) => {
            mailAnswer();
            sent.push(`email ${m.messageId}`);
          },
        },
        from: 'sla@example.com',
        policy: () => policy,
      }),
    });
  type Input = Parameters<ReturnType<typeof activities>['deliverStep']>[0];
  const run = (input: Input, attempt = 1): Promise<DeliveryOutcome[]> => {
    const step = activities();
    return new MockActivityEnvironment({ workflowType: 'ticketWorkflow', attempt }).run(
      (d: Input) => step.deliverStep(d),
      input,
    );
  };
  const stepsCounted = async () =>
    (await registry.getSingleMetric('sla_escalation_steps_total')!.get()).values
      .filter((v) => v.labels.level === 'L1' && v.labels.kind === 'breach')
      .reduce((n, v) => n + v.value, 0);

  it('sends the pages side by side, then the email, and reports each in the order given', async () => {
    const before = await stepsCounted();
    const outcomes = await run({ pages: [page('a'), page('b')], email, mode: 'once' });
    expect(sent).toEqual([
      `page ${page('a').dedupKey}`,
      `page ${page('b').dedupKey}`,
      `email ${email.messageId}`,
    ]);
    expect(outcomes.map((o) => [o.channel, o.key, o.ok])).toEqual([
      ['page', page('a').dedupKey, true],
      ['page', page('b').dedupKey, true],
      ['email', email.messageId, true],
    ]);
    expect((await stepsCounted()) - before).toBe(1);
  });

  it('sends the email when a page fails, and says which failure a retry can mend', async () => {
    pagingAnswer = (event) => {
      if (event.dedupKey.endsWith(':a')) throw new Error('paging endpoint answered 503');
      throw ApplicationFailure.nonRetryable('paging endpoint answered 400', 'PageRejected');
    };
    const outcomes = await run({ pages: [page('a'), page('b')], email, mode: 'once' });
    expect(sent).toEqual([`email ${email.messageId}`]);
    expect(outcomes).toEqual([
      {
        channel: 'page',
        key: page('a').dedupKey,
        ok: false,
        retryable: true,
        detail: 'Error: paging endpoint answered 503',
      },
      {
        channel: 'page',
        key: page('b').dedupKey,
        ok: false,
        retryable: false,
        detail: 'ApplicationFailure: paging endpoint answered 400',
      },
      { channel: 'email', key: email.messageId, ok: true, retryable: false, detail: email.messageId },
    ]);
  });

  it('counts the step before sending anything, so that an attempt lost midway has counted it', async () => {
    const before = await stepsCounted();
    let release = () => {};
    const hanging = new Promise<void>((r) => (release = r));
    const step = createStepDeliveryActivities({
      page: { count: () => {}, send: () => hanging },
      email: emailSender({ mailer: { send: async () => {} }, from: 'sla@example.com', policy: () => policy }),
    });
    const env = new MockActivityEnvironment({ workflowType: 'ticketWorkflow', attempt: 1 });
    const input: Input = { pages: [page('a')], email, mode: 'once' };
    const running = env.run((d: Input) => step.deliverStep(d), input);
    await new Promise((r) => setTimeout(r, 10));
    expect((await stepsCounted()) - before).toBe(1);
    release();
    await running;
  });

  it('tells an SMTP refusal (5xx) from a failure worth retrying (4xx)', async () => {
    mailAnswer = () => {
      throw Object.assign(new Error('451 try later'), { responseCode: 451 });
    };
    expect((await run({ pages: [], email, mode: 'once' }))[0]).toMatchObject({ ok: false, retryable: true });
    mailAnswer = () => {
      throw Object.assign(new Error('550 no such user'), { responseCode: 550 });
    };
    expect((await run({ pages: [], email, mode: 'once' }))[0]).toMatchObject({ ok: false, retryable: false });
  });

  it('a retry carries one delivery, throws its failure for the retry policy, and does not count the step again', async () => {
    const before = await stepsCounted();
    pagingAnswer = () => {
      throw new Error('paging endpoint answered 503');
    };
    await expect(run({ pages: [page('a')], email: null, mode: 'retry' })).rejects.toThrow(/503/);
    pagingAnswer = () => {};
    expect(await run({ pages: [page('a')], email: null, mode: 'retry' }, 2)).toEqual([
      { channel: 'page', key: page('a').dedupKey, ok: true, retryable: false, detail: page('a').dedupKey },
    ]);
    await expect(run({ pages: [page('a')], email, mode: 'retry' })).rejects.toThrow(/exactly one delivery/);
    expect(sent).toEqual([`page ${page('a').dedupKey}`]);
    expect((await stepsCounted()) - before).toBe(0);
  });
});
