// Outages that outsiders could distort, on the time-skipping server (C9; I7, I9): a webhook's
// backdated start is a claim, counted from the receipt until an on-call confirms it; the on-call
// role's own report is trusted; an end at the counted start is refused; and an outage reported
// over and over continues as new, carrying its state, so Temporal's limits on one execution
// (updates, history size) are never reached.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timelineOf } from '../../src/audit';
import { AesGcmCodec } from '../../src/codec';
import { ConflictError, InvalidInputError } from '../../src/errors';
import type { ReceivedReport } from '../../src/model/outage';
import type { AcknowledgeAnswer, OutageStatus, ReportAnswer } from '../../src/messages/outage';
import { CLASSIFICATION_CHANGES_MAX, STATUS_KEPT } from '../../src/workflows/outage';
import { testKeys } from '../helpers/codec';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory, saveHistoryChain } from '../helpers/histories';
import { iso, minutes, nextWeekdayAt } from '../helpers/when';
import { scenario } from '../helpers/steps';

let e: Engine;
beforeAll(async () => {
  e = await startEngine();
  // Saturday 03:00 in Toronto: the on-call L3 primary is paged (C9/I7 is 24/7).
  await e.advanceTo(nextWeekdayAt(e.now(), 6, '03:00'));
});
afterAll(async () => {
  await saveHistory(e.env.client, 'outage-INC-BACKDATED', 'outageWorkflow-backdated-confirmed');
  await e?.stop();
});

const triggered = (key: string) => e.pager.triggers().filter((ev) => ev.dedup_key === key);
const recordOf = async (key: string, from: number, to: number) =>
  (await e.ledger.outages({ from: iso(from), to: iso(to) })).find((r) => r.outageId === key);
/** Instants as the audit writes them, to the second. */
const short = (t: number) => iso(t).replace(/\.\d{3}Z$/, 'Z');
const auditOf = async (workflowId: string, runId?: string) =>
  timelineOf(
    await e.env.client.workflow.getHandle(workflowId, runId).fetchHistory(),
    [new AesGcmCodec(testKeys())],
    workflowId,
  );
const refusal = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: unknown) => err,
  );

describe('a webhook report claiming a start long before its receipt (I7)', () => {
  const key = 'INC-BACKDATED';
  let received: number;

  const step = scenario();

  step('opens the outage at receipt and keeps the claimed start, unconfirmed', async () => {
    received = e.now();
    const claimed = received - minutes(60);
    const answer = await e.outages.reportOutage(
      { key, summary: 'Checkout fails', regions: ['ca-central'], source: 'uptime', startedAt: iso(claimed) },
      { via: 'webhook' },
    );
    expect(answer).toMatchObject({ created: true, state: 'open' });
    const status = await e.outages.outageStatus(key);
    expect(status).toMatchObject({
      detectedAt: iso(received),
      claimedStart: iso(claimed),
      startConfirmed: false,
      engagementDue: iso(received + minutes(10)),
      engagement: 'on-track',
    });
    expect(status.classificationHistory[0]).toMatchObject({ at: iso(received), by: 'uptime' });
    expect(status.classificationHistory[0]!.reason).toContain(`claiming a start at ${iso(claimed)}`);
  });

  step('a repeated report joins without moving the start, whatever start it claims', async () => {
    const again = await e.outages.reportOutage(
      {
        key,
        summary: 'Checkout fails',
        regions: ['ca-central'],
        source: 'uptime',
        startedAt: iso(received - minutes(600)),
      },
      { via: 'webhook' },
    );
    expect(again).toMatchObject({ created: false, reports: 2 });
    expect(await e.outages.outageStatus(key)).toMatchObject({
      detectedAt: iso(received),
      claimedStart: iso(received - minutes(60)),
    });
  });

  step(
    "an on-call's confirmation moves the counted start and the due instant, already past: a breach",
    async () => {
      await e.advanceTo(received + minutes(2));
      const confirmed = await e.outages.confirmStart(key, {
        by: 'oncall.toronto',
        reason: 'the error graphs start then',
      });
      expect(confirmed).toEqual({
        detectedAt: iso(received - minutes(60)),
        engagementDue: iso(received - minutes(50)),
        engagement: 'breached',
        met: false,
        alreadyConfirmed: false,
      });
      const twice = await e.outages.confirmStart(key, { by: 'eng.manager', reason: 'again' });
      expect(twice).toMatchObject({ detectedAt: iso(received - minutes(60)), alreadyConfirmed: true });
      const status = await e.outages.outageStatus(key);
      expect(status).toMatchObject({ startConfirmed: true, detectedAt: iso(received - minutes(60)) });
      expect(status.classificationHistory.at(-1)).toMatchObject({
        by: 'oncall.toronto',
        reason: `start confirmed at ${iso(received - minutes(60))} as the webhook claimed (I7): the error graphs start then`,
      });
      // The chain pages from the receipt: the confirmation fired no round it "missed".
      expect(status.stepsFired.map((f) => f.id)).toEqual(['outage-primary', 'outage-status']);
    },
  );

  step(
    'refuses an end at the counted start naming end; the record counts from the confirmed start',
    async () => {
      const start = received - minutes(60);
      const atStart = await refusal(
        e.outages.resolveOutage(key, { requestId: 'end-at-start', by: 'oncall.toronto', end: iso(start) }),
      );
      expect(atStart).toBeInstanceOf(InvalidInputError);
      expect((atStart as InvalidInputError).issues[0]!.path).toBe('end');
      await e.outages.resolveOutage(key, {
        requestId: 'end',
        by: 'oncall.toronto',
        end: iso(received + minutes(1)),
      });
      const record = await e.waitFor(() => recordOf(key, start, received + minutes(1)), 'the record');
      expect(record).toMatchObject({
        start: iso(start),
        end: iso(received + minutes(1)),
        engagementMet: false,
      });
      expect(record.classificationHistory.map((c) => c.by)).toEqual(['uptime', 'oncall.toronto']);
      // The audit shows the claim and its confirmation, with who and why.
      const audit = await auditOf(`outage-${key}`);
      const entries = audit.entries.filter((x) => x.kind === 'claimed-start' || x.kind === 'start-confirmed');
      expect(entries.map((x) => x.summary)).toEqual([
        `the webhook claimed a start at ${short(start)}, more than 15 min before its receipt: detected at the receipt ${short(received)} until an on-call confirms the claim (I7)`,
        expect.stringMatching(
          /^claimed start confirmed by oncall\.toronto: the error graphs start then → counts from \S+, engagement due \S+: C9 breached$/,
        ),
        expect.stringMatching(/^claimed start confirmed by eng\.manager: again → already confirmed/),
      ]);
    },
  );
});

describe("the on-call role's own report (API, CLI)", () => {
  it('is trusted with a start days before its receipt; there is nothing to confirm', async () => {
    const key = 'INC-OPERATOR';
    await e.advanceTo(0);
    const started = e.now() - minutes(3 * 24 * 60);
    await e.outages.reportOutage({
      key,
      summary: 'Reports export broken',
      regions: ['ca-central'],
      source: 'cli',
      startedAt: iso(started),
    });
    expect(await e.outages.outageStatus(key)).toMatchObject({
      detectedAt: iso(started),
      claimedStart: null,
      startConfirmed: null,
      engagementDue: iso(started + minutes(10)),
    });
    const confirm = await refusal(e.outages.confirmStart(key, { by: 'oncall.toronto', reason: 'sure' }));
    expect(confirm).toBeInstanceOf(ConflictError);
    await e.outages.resolveOutage(key, { requestId: 'r', by: 'oncall.toronto', end: iso(e.now()) });
  });

  it('a webhook start within the limit counts as claimed', async () => {
    const key = 'INC-RECENT';
    await e.advanceTo(0);
    const started = e.now() - minutes(14);
    await e.outages.reportOutage(
      { key, summary: 'Slow', regions: ['ca-central'], source: 'uptime', startedAt: iso(started) },
      { via: 'webhook' },
    );
    expect(await e.outages.outageStatus(key)).toMatchObject({ detectedAt: iso(started), claimedStart: null });
    // The end at the counted start is refused naming the field, as for any outage.
    const atStart = await refusal(
      e.outages.resolveOutage(key, { requestId: 'r0', by: 'oncall.toronto', end: iso(started) }),
    );
    expect((atStart as InvalidInputError).issues.map((i) => i.path)).toEqual(['end']);
    await e.outages.resolveOutage(key, { requestId: 'r1', by: 'oncall.toronto', end: iso(e.now()) });
  });
});

describe('an outage reported over and over continues as new (a run handles 3 messages here)', () => {
  const key = 'INC-REPEATED';
  const workflowId = `outage-${key}`;
  const report = (reportId: string): ReceivedReport => ({
    key,
    summary: 'Status page down',
    regions: ['ca-central'],
    source: 'uptime',
    reportId,
    receivedAt: iso(e.now()),
    via: 'webhook',
  });
  const send = (m: ReceivedReport) =>
    e.env.client.workflow
      .getHandle(workflowId)
      .executeUpdate<ReportAnswer, [ReceivedReport]>('report', { args: [m], updateId: m.reportId });
  const status = () => e.outages.outageStatus(key);

  it('carries the count, the pages, the acknowledgement and recent request ids across runs', async () => {
    await e.advanceTo(0);
    const detected = e.now();
    const first = report('r-1');
    // The engine's client starts it with the report alone; the second argument lowers the threshold.
    const handle = await e.env.client.workflow.start('outageWorkflow', {
      taskQueue: e.taskQueue,
      workflowId,
      args: [first, { updatesPerRun: 3 }],
      workflowTaskTimeout: '1 hour',
    });
    await send(first);
    for (let i = 2; i <= 7; i++) await send(report(`r-${i}`));
    await e.waitFor(async () => (await status()).run >= 2, 'a continue-as-new');
    // A retried delivery of a report counted in an earlier run is not counted again.
    expect(await send(report('r-2'))).toMatchObject({ reports: 7 });
    const primary = `${workflowId}:outage-primary:oncall.toronto`;
    await e.waitFor(() => triggered(primary).length, 'the primary page');

    await e.advanceTo(detected + minutes(3));
    const ack = await e.outages.acknowledgeOutage(key, { requestId: 'ack-1', responderId: 'oncall.toronto' });
    const runsBefore = (await status()).run;
    for (let i = 8; i <= 14; i++) await send(report(`r-${i}`));
    await e.waitFor(async () => (await status()).run > runsBefore, 'a continue-as-new while engaged');
    // The acknowledgement retried after the continue-as-new gets its first answer.
    const retried: AcknowledgeAnswer = await e.outages.acknowledgeOutage(key, {
      requestId: 'ack-1',
      responderId: 'oncall.toronto',
    });
    expect(retried).toEqual(ack);

    // Past the secondary's and the manager's steps: the engaged outage pages nobody more.
    await e.advanceTo(detected + minutes(30));
    await e.outages.resolveOutage(key, { requestId: 'end', by: 'oncall.toronto', end: iso(e.now()) });
    const final: OutageStatus = await handle.result();
    expect(final).toMatchObject({ reports: 14, state: 'resolved', met: true, recorded: 'written' });
    expect(final.run).toBeGreaterThanOrEqual(4);
    expect(final.stepsFired.map((f) => f.id)).toEqual(['outage-primary', 'outage-status']);
    expect(triggered(primary)).toHaveLength(1);
    expect(
      e.pager.events.filter((ev) => ev.dedup_key === primary && ev.event_action === 'resolve'),
    ).toHaveLength(1);
    expect(
      (await e.ledger.outages({ from: iso(detected), to: iso(e.now()) })).filter((r) => r.outageId === key),
    ).toHaveLength(1);
    // The audit of a later run starts from what the run before carried.
    const last = await auditOf(workflowId);
    expect(last.entries.find((x) => x.kind === 'resumed')?.summary).toMatch(
      /^outage INC-REPEATED continues \(run \d+\): engaged/,
    );
    await saveHistoryChain(
      e.env.client,
      workflowId,
      handle.firstExecutionRunId,
      'outageWorkflow-continued-as-new',
    );
  });
});

describe("an outsider's reports and classifications cannot grow an outage without bound", () => {
  const key = 'INC-REGIONS';
  /** 50 fresh region ids of 50 characters each for report `i`. */
  const regionsOf = (i: number) =>
    Array.from({ length: 50 }, (_, j) =>
      `r${String(i).padStart(3, '0')}-${String(j).padStart(3, '0')}-`.padEnd(50, 'x'),
    );

  it('refuses a report past REGIONS_MAX regions in all, naming regions; ack and resolve still work', async () => {
    const detected = e.now();
    const refusals: unknown[] = [];
    for (let i = 0; i < 45; i++) {
      const report = { key, summary: 'Flood', regions: regionsOf(i), source: 'uptime' };
      const err = await refusal(e.outages.reportOutage(report, { via: 'webhook' }));
      if (err) refusals.push(err);
    }
    // The first report's 50 regions fill the outage; every later one would pass the cap.
    expect(refusals).toHaveLength(44);
    for (const err of refusals) {
      expect(err).toBeInstanceOf(InvalidInputError);
      expect((err as InvalidInputError).issues.map((i) => i.path)).toEqual(['regions']);
    }
    const status = await e.outages.outageStatus(key);
    expect(status.regions).toHaveLength(50);
    expect(status.reports).toBe(1);
    expect(JSON.stringify(status).length).toBeLessThan(100_000);
    await e.outages.acknowledgeOutage(key, { requestId: 'ack', responderId: 'oncall.toronto' });
    await e.advanceTo(detected + minutes(20));
    await e.outages.resolveOutage(key, { requestId: 'end', by: 'oncall.toronto', end: iso(e.now()) });
    await e.waitFor(async () => (await e.outages.outageStatus(key)).recorded, 'the record');
    expect(
      (await e.ledger.outages({ from: iso(detected - minutes(1)), to: iso(e.now()) })).filter(
        (r) => r.outageId === key,
      ),
    ).toHaveLength(1);
  });

  it('refuses a classification change past CLASSIFICATION_CHANGES_MAX as a conflict', async () => {
    const k = 'INC-RECLASSIFIED';
    await e.outages.reportOutage({ key: k, summary: 'Flapping', regions: ['ca-central'], source: 'uptime' });
    const classify = (requestId: string) =>
      e.outages.classifyOutage(k, {
        requestId,
        classification: 'partial',
        regions: ['ca-central'],
        by: 'oncall.toronto',
        reason: 'only checkout',
      });
    for (let i = 0; i < CLASSIFICATION_CHANGES_MAX; i++) await classify(`c-${i}`);
    expect(await refusal(classify('c-over'))).toBeInstanceOf(ConflictError);
    // A retry of an accepted change still gets its first answer.
    expect(await classify('c-0')).toMatchObject({ changes: 1 });
    expect((await e.outages.outageStatus(k)).classificationHistory).toHaveLength(
      CLASSIFICATION_CHANGES_MAX + 1,
    );
    await e.outages.resolveOutage(k, { requestId: 'end', by: 'oncall.toronto' });
  });
});

describe('an outage nobody acknowledges keeps only the newest STATUS_KEPT steps, pages and emails in its status', () => {
  it('counts the ones it dropped, and still resolves and records once', async () => {
    const key = 'INC-UNATTENDED';
    const detected = e.now();
    await e.outages.reportOutage({
      key,
      summary: 'Nobody answers',
      regions: ['ca-central'],
      source: 'uptime',
    });
    // The default chain: four steps a round, a round every 25 minutes; step past 55 rounds.
    for (let round = 0; round < 55; round++) {
      await e.advanceTo(detected + minutes(round * 25 + 12));
      await e.waitFor(
        async () => {
          const s = await e.outages.outageStatus(key);
          return s.stepsFired.length + (s.dropped?.steps ?? 0) >= (round + 1) * 4;
        },
        `round ${round + 1}`,
      );
    }
    const status = await e.outages.outageStatus(key);
    expect(status.stepsFired).toHaveLength(STATUS_KEPT);
    expect(status.dropped?.steps).toBe(55 * 4 - STATUS_KEPT);
    expect(status.stepsFired.at(-1)?.id).toBe('outage-eng-manager-r55');
    expect(status.pages.length).toBeLessThanOrEqual(STATUS_KEPT);
    expect(JSON.stringify(status).length).toBeLessThan(400_000);
    await e.outages.resolveOutage(key, { requestId: 'end', by: 'oncall.toronto', end: iso(e.now()) });
    await e.waitFor(async () => (await e.outages.outageStatus(key)).recorded, 'the record');
  });
});
