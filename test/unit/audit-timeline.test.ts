// Decision timelines read from the committed golden histories alone (C12, C14): pure history
// interpretation, no server. Histories from time-skipping runs (recorded without the codec, so
// their payloads are plain) and from real dev-server runs (encrypted with the test keys).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { historyChain, INTERPRETERS, orderChain, timelineOf, type Timeline } from '../../src/audit';
import type { CustomerMonth } from '../../src/audit/billing-timeline';
import { formatTimeline } from '../../src/cli/audit';
import { decodeHistory, parseHistoryJson } from '../../src/audit/history';
import { genericReading, interpret } from '../../src/audit/interpret';
import { billingMonthReading } from '../../src/audit/billing-timeline';
import { divergingEvent } from '../../src/audit/replay';
import { AesGcmCodec, parseCodecKeys } from '../../src/codec';
import { testKeys } from '../helpers/codec';
import { HISTORIES_DIR } from '../helpers/histories';

const codecs = [new AesGcmCodec(testKeys())];
const read = (name: string) => parseHistoryJson(readFileSync(join(HISTORIES_DIR, `${name}.json`), 'utf8'));
const timeline = (name: string): Promise<Timeline> => timelineOf(read(name), codecs, name);
const kinds = (t: Timeline) => t.entries.map((e) => e.kind);
const entry = (t: Timeline, kind: string) => t.entries.find((e) => e.kind === kind)!;

describe('ticket timeline (C6–C8, C10–C13)', () => {
  it('L1 across a Friday 16:00 (I5): nothing over the weekend, the warning and the breach on Monday', async () => {
    const t = await timeline('ticketWorkflow-l1-across-friday');
    expect(t.facts.classification).toMatchObject({
      level: 'L1',
      ruleId: 'l1-how-do-i',
      phrase: 'comment puis-je',
    });
    expect(t.facts.clock).toMatchObject({
      clockStart: '2026-12-04T20:50:00.000Z',
      due: '2026-12-07T10:05:00.000Z',
    });
    expect(entry(t, 'warning')).toMatchObject({
      at: expect.stringMatching(/^2026-12-07T10:02/),
      outcome: 'ok',
    });
    expect(entry(t, 'breach').summary).toBe('response deadline breached (due 2026-12-07T10:05:00Z)');
    expect(entry(t, 'escalation').summary).toMatch(
      /^breach l1-breach-team-lead \(planned 2026-12-07T10:05:00Z\) to team-lead/,
    );
    expect(entry(t, 'acknowledgement').summary).toMatch(/→ breached, 20 coverage minutes$/);
    expect(entry(t, 'ledger-write').summary).toMatch(/written: L1, state breached, 20 coverage minutes/);
    // Nothing between Friday's opening and Monday's warning.
    const weekend = t.entries.filter((e) => e.at > '2026-12-04T21:00' && e.at < '2026-12-07T10:00');
    expect(weekend).toEqual([]);
  });

  it('data residency (I13): the suspension, its notice, and the refused assignees with the reason', async () => {
    const t = await timeline('ticketWorkflow-residency-suspended');
    expect(entry(t, 'routing').summary).toMatch(
      /^SLA suspended: data access restricted to Canada-based staff/,
    );
    expect(entry(t, 'suspension notice').summary).toMatch(
      /^suspension notice suspended to team-lead: lead\.toronto/,
    );
    const assignments = t.entries.filter((e) => e.kind === 'assignment');
    expect(assignments.map((a) => a.outcome)).toEqual(['rejected', 'rejected', 'ok']);
    expect(assignments[0]!.summary).toMatch(/not based in Canada/);
    expect(kinds(t)).not.toContain('breach');
  });

  it('reclassification (I11): the new level, its deadline from the original opening, the rule', async () => {
    const t = await timeline('ticketWorkflow-reclassified');
    const deadlines = t.entries.filter((e) => e.kind === 'deadline');
    expect(deadlines).toHaveLength(2);
    expect(entry(t, 'reclassification').summary).toMatch(
      /^reclassified to L1 by agent\.toronto: a how-to question → due /,
    );
    expect(t.facts.clock).toMatchObject({ level: 'L1' });
  });

  it('manual escalation, acknowledgement, double resolve, reopen: two outcomes written', async () => {
    const t = await timeline('ticketWorkflow-escalate-reopen');
    expect(kinds(t)).toEqual(
      expect.arrayContaining([
        'escalation-request',
        'manual escalation',
        'page',
        'email',
        'acknowledgement',
        'reopen',
      ]),
    );
    expect(t.entries.filter((e) => e.kind === 'ledger-write').map((e) => e.summary)).toEqual([
      expect.stringMatching(/^outcome of resolution 1 written/),
      expect.stringMatching(/^outcome of resolution 2 written/),
    ]);
    expect(t.entries.find((e) => e.kind === 'resolution' && e.outcome === 'rejected')).toBeDefined();
  });

  it('a real dev-server run, stored encrypted: decoded with the key, unreadable without it', async () => {
    const t = await timeline('ticketWorkflow-dev-l1-breach');
    expect(kinds(t)).toEqual(
      expect.arrayContaining(['warning', 'breach', 'escalation', 'page', 'email', 'ledger-write']),
    );
    expect(t.facts.ticket).toMatchObject({ requester: { email: expect.stringContaining('@') } });
    const stranger = new AesGcmCodec(parseCodecKeys('other:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='));
    await expect(timelineOf(read('ticketWorkflow-dev-l1-breach'), [stranger])).rejects.toThrow(
      /key "test-2", which is not in SLA_CODEC_KEYS/,
    );
  });
});

describe('session timeline (C13, I12)', () => {
  it.each(['sessionWorkflow-over-limit', 'sessionWorkflow-dev-over-limit'])(
    '%s: rules, warning, wrap-up, end',
    async (name) => {
      const t = await timeline(name);
      expect(t.status).toBe('completed');
      expect(kinds(t)).toEqual(['opened', 'rules', 'warning', 'wrap-up', 'ended', 'final']);
      expect(entry(t, 'final').summary).toMatch(/^final: over the limit, 2 notice\(s\)/);
    },
  );
});

const all = (t: Timeline, kind: string) => t.entries.filter((e) => e.kind === kind);

describe('outage timeline (C9, I7, C3/C4)', () => {
  it('a dev-server run through the webhooks: paged, acknowledged by the paging provider (C9 met), resolved', async () => {
    const t = await timeline('outageWorkflow-dev-webhooks-paged-acked-resolved');
    expect(t.status).toBe('completed');
    expect(kinds(t).filter((k) => k !== 'email' && k !== 'escalation')).toEqual([
      'detected',
      'report',
      'rules',
      'page',
      'report',
      'acknowledgement',
      'page-resolve',
      'resolution',
      'ledger-write',
      'resolution notice',
      'final',
    ]);
    // Ottawa was paged, Sydney acknowledged it (the provider's agent): Sydney is credited, and the
    // provider's time, seconds before the receipt, counted.
    expect(entry(t, 'acknowledgement').summary).toMatch(
      /^acknowledged by specialist\.ottawa \(agent Sydney L3 specialist\), received \S+, stating \S+ → engaged at \S+ by specialist\.sydney, [\d.]+ min after detection: C9 met$/,
    );
    expect(entry(t, 'resolution').summary).toMatch(/^resolved by alertmanager: .*C9 met/);
  });

  it('late acknowledgement: each page with its instant, the C9 breach at due, who engaged, the record', async () => {
    const t = await timeline('outageWorkflow-late-ack');
    expect(entry(t, 'detected').summary).toMatch(
      /^outage INC-LATE reported by alertmanager for ca-central: detected 2026-11-30T15:00:00Z/,
    );
    expect(entry(t, 'rules').summary).toMatch(
      /^C9: Level 3 engaged within 10 min of detection, 24\/7 \(I7\) → due 2026-11-30T15:10:00Z/,
    );
    // The chain's steps, each with its planned instant, recomputed with the workflow's own rule.
    expect(all(t, 'escalation').map((e) => e.summary.split(' (')[0])).toEqual([
      'step outage-primary',
      'step outage-status',
      'step outage-secondary',
      'step outage-eng-manager',
      'step outage-primary-r2',
      'step outage-status-r2',
    ]);
    expect(all(t, 'page').map((e) => [e.at.slice(0, 16), e.summary.split(',')[0]])).toEqual([
      ['2026-11-30T15:00', 'page outage-primary → specialist.ottawa (critical)'],
      ['2026-11-30T15:05', 'page outage-secondary → specialist.sydney (critical)'],
      ['2026-11-30T15:10', 'page outage-eng-manager → eng.manager (critical)'],
      ['2026-11-30T15:25', 'page outage-primary-r2 → specialist.ottawa (critical)'],
    ]);
    expect(entry(t, 'breach')).toMatchObject({
      at: expect.stringMatching(/^2026-11-30T15:10:00/),
      summary: 'C9 breached: nobody at Level 3 acknowledged by 2026-11-30T15:10:00Z',
    });
    const acks = all(t, 'acknowledgement');
    expect(acks.map((a) => a.outcome)).toEqual(['rejected', 'ok', 'ok']);
    expect(acks[0]!.summary).toMatch(/agent\.toronto — rejected: .*not a Level 3 responder/);
    // Sent at 27 min claiming 9; the receipt judged C9 (I7), the claim is shown beside it.
    expect(acks[1]!.summary).toBe(
      'acknowledged by specialist.sydney, received 2026-11-30T15:27:00Z, stating 2026-11-30T15:09:00Z (not counted: C9 takes the receipt) → engaged at 2026-11-30T15:27:00Z, 27 min after detection: C9 breached (due 2026-11-30T15:10:00Z)',
    );
    expect(acks[2]!.summary).toMatch(
      /specialist\.ottawa → already engaged by specialist\.sydney .*the first acknowledgement stands$/,
    );
    // Every page raised was resolved at the engagement.
    expect(all(t, 'page-resolve')).toHaveLength(4);
    expect(t.facts.pages).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          step: 'outage-secondary',
          responderId: 'specialist.sydney',
          resolvedAt: expect.stringMatching(/^2026-11-30T15:27/),
        }),
      ]),
    );
    expect(all(t, 'classification').map((e) => e.summary)).toEqual([
      expect.stringMatching(
        /^classified partial for ca-central by eng\.manager: .* recorded, not counted \(C3\/C4\)$/,
      ),
      expect.stringMatching(/^classified external for ca-central by specialist\.sydney: /),
    ]);
    expect(entry(t, 'ledger-write').summary).toMatch(
      /^outage record written: external, ca-central, .*C9 breached/,
    );
    expect(t.facts.engagement).toEqual({
      minutes: 10,
      due: expect.stringMatching(/^2026-11-30T15:10:00\.\d{3}Z$/),
      engagedAt: expect.stringMatching(/^2026-11-30T15:27:00\.\d{3}Z$/),
      engagedBy: 'specialist.sydney',
      ackReceivedAt: (t.facts.engagement as { engagedAt: string }).engagedAt,
      ackClaimedAt: expect.stringMatching(/^2026-11-30T15:09:00\.\d{3}Z$/),
      minutesToEngage: expect.closeTo(27, 1),
      met: false,
    });
  });

  it('a run without the ack-received-time marker reads as it ran: the stated time of the acknowledgement judged C9', async () => {
    const t = await timeline('outageWorkflow-before-ack-received-time-late-ack');
    expect(all(t, 'acknowledgement')[1]!.summary).toBe(
      'acknowledged by specialist.sydney at 2026-11-30T15:27:00Z → engaged at 2026-11-30T15:27:00Z, 27 min after detection: C9 breached (due 2026-11-30T15:10:00Z)',
    );
    expect(t.facts.engagement).toMatchObject({
      ackReceivedAt: null,
      ackClaimedAt: null,
      minutesToEngage: 27,
    });
  });
});

describe('maintenance timeline (C1, I9)', () => {
  it('ran as announced: the notice instant, qualifies yes with exactly 24 h, the timers, the record', async () => {
    const t = await timeline('maintenanceWorkflow-ran-as-announced');
    expect(all(t, 'notice').map((e) => e.summary)).toEqual([
      expect.stringMatching(
        /^scheduled notice v1 to initech \(1 administrator\(s\)\), accepted 2026-11-28T09:23:58Z/,
      ),
      expect.stringMatching(
        /^scheduled notice v1 to acme \(2 administrator\(s\)\), accepted 2026-11-28T09:23:58Z/,
      ),
    ]);
    expect(entry(t, 'qualification').summary).toBe(
      'notice v1 qualifies the window for exclusion: notice went out 24 h 00 min before the start (at least 24 h 00 min required, C1); last message accepted 2026-11-28T09:23:58Z',
    );
    expect(all(t, 'state').map((e) => e.summary)).toEqual([
      'the announced start passed: the window started as announced',
      'the announced end passed: the window ran as announced',
    ]);
    expect(entry(t, 'ledger-write').summary).toMatch(/^window record written: completed, .*qualifies yes$/);
  });

  it('rescheduled twice then cancelled: each round judged (12 h → no, 96 h → yes), withdrawals, nothing excluded', async () => {
    const t = await timeline('maintenanceWorkflow-rescheduled-cancelled');
    expect(all(t, 'qualification').map((e) => e.summary.split(':')[0])).toEqual([
      'notice v1 qualifies the window for exclusion',
      'notice v2 does not qualify the window for exclusion',
      'notice v3 qualifies the window for exclusion',
    ]);
    expect(all(t, 'qualification')[1]!.summary).toMatch(
      /11 h 59 min before the start, less than the 24 h 00 min required \(C1\)/,
    );
    // The workflow's recorded verdict and the recomputed one agree.
    expect(all(t, 'reschedule').map((e) => e.summary)).toEqual([
      expect.stringMatching(/→ notice v2, qualifies no: notice went out 11 h 59 min before the start/),
      expect.stringMatching(
        /in eu-west → notice v3, qualifies yes: notice went out 95 h 59 min before the start/,
      ),
    ]);
    expect(all(t, 'withdrawal').map((e) => e.summary.split(' (')[0])).toEqual([
      'withdrawal',
      'withdrawal',
      'cancellation v4 to globex',
    ]);
    expect(entry(t, 'cancellation').summary).toBe(
      'cancelled: Vendor patch withdrawn → v4, 1 customer(s) told; nothing excluded from uptime',
    );
    expect(entry(t, 'final').summary).toMatch(
      /^final: cancelled, .*qualifies no \(cancelled: no window to exclude\)/,
    );
    expect(t.facts.notices).toHaveLength(4);
  });

  it("each round's notices written per customer (I9): one failed, then a reschedule that reached both", async () => {
    const t = await timeline('maintenanceWorkflow-notices-per-customer-failed-rescheduled');
    expect(all(t, 'ledger-write').map((e) => e.summary)).toEqual([
      'notices v1 recorded for 2 customer(s): 1 reached, 1 failed; 2 written, 0 already there',
      'notices v2 recorded for 2 customer(s): 2 reached, 0 failed; 2 written, 0 already there',
      expect.stringMatching(/^window record written: completed, .*qualifies yes, 2 round\(s\) of notices$/),
    ]);
    expect(all(t, 'ledger-write')[0]!.detail).toMatchObject({
      notices: [
        { customerId: 'umbrella', version: 1, kind: 'announced', sentAt: null },
        { customerId: 'wayne', version: 1, kind: 'announced', sentAt: expect.any(String) },
      ],
    });
  });

  it('a dev-server window started early by the operator: too late a notice (C1), no "started as announced"', async () => {
    const t = await timeline('maintenanceWorkflow-dev-operator-unqualified');
    expect(entry(t, 'qualification').summary).toMatch(
      /^notice v1 does not qualify the window for exclusion: notice went out 0 h 00 min before the start/,
    );
    // The operator's start moved the window before its announced start: that is no timer's doing.
    expect(all(t, 'state')).toEqual([]);
    expect(kinds(t).filter((k) => ['started', 'ended', 'ledger-write', 'final'].includes(k))).toEqual([
      'started',
      'ended',
      'ledger-write',
      'final',
    ]);
    expect(entry(t, 'ended').summary).toMatch(/within the announced window$/);
    expect(t.facts.qualifies).toBe(false);
  });

  it('overrun: the operator’s start and end, the overrun counted as downtime, refused messages', async () => {
    const t = await timeline('maintenanceWorkflow-overrun');
    expect(entry(t, 'qualification').summary).toMatch(/^notice v1 qualifies .*24 h 59 min before the start/);
    expect(all(t, 'state').map((e) => e.summary)).toEqual([
      'the announced start passed: the window started as announced',
      'the announced end passed with the work not over: overrunning (I9: counted as downtime)',
    ]);
    expect(all(t, 'ended').map((e) => [e.outcome, e.summary])).toEqual([
      ['rejected', expect.stringMatching(/must not be in the future/)],
      [
        'ok',
        'operator: ended at 2026-12-01T14:55:01Z, 0 h 20 min past the announced end: counted as downtime (I9)',
      ],
    ]);
    expect(t.facts.window).toMatchObject({ overrunMs: 20 * 60_000, startedAt: '2026-12-01T12:40:01.729Z' });
  });
});

describe('billing month timeline (C2, C14; I8–I10, I14)', () => {
  const october = ['billingMonthWorkflow-october', 'billingMonthWorkflow-october-run2'];
  const chain = () => timelineOf(october.map(read), codecs, 'billing-month-2026-10');

  it('follows every run of the chain: each customer with uptime inputs, tier and credit, and the close', async () => {
    const t = await chain();
    expect(t.status).toBe('completed');
    expect(t.runs.map((r) => r.status)).toEqual(['continued-as-new', 'completed']);
    expect(all(t, 'batch')).toHaveLength(13);
    const customers = t.facts.customers as CustomerMonth[];
    expect(customers).toHaveLength(25);
    const byId = Object.fromEntries(customers.map((c) => [c.customerId, c]));
    expect(byId['a-central']).toMatchObject({
      region: 'ca-central',
      uptimePercent: '99.9328',
      downtimeMs: 30 * 60_000,
      outageIds: ['o-central'],
      creditPercent: 25,
      creditMinor: 25_000,
      written: { kind: 'credit', sequence: 1, amountMinor: 25_000 },
      run: 1,
    });
    expect(byId['b-west']).toMatchObject({ currency: 'EUR', creditPercent: 50, creditMinor: 50_000 });
    expect(byId['c-au']).toMatchObject({
      creditPercent: 100,
      excludedMs: 120 * 60_000,
      maintenanceIds: ['m-au'],
      creditMinor: 100_000,
    });
    // I14: only the boundary outage's October minutes count; 99.9776 % gets no credit.
    expect(byId['d-us']).toMatchObject({ uptimePercent: '99.9776', creditPercent: 0, creditMinor: 0 });
    expect(byId['e-central']).toMatchObject({ monthlyFeeMinor: 83_333, creditMinor: 20_833 });
    expect(byId['f-19']).toMatchObject({ run: 2, batch: 13 });
    expect(entry(t, 'customer').summary).toBe(
      'a-central  ca-central  uptime 99.9328 % (T 744 h, E 0 min, D 30 min; outages o-central) → tier 25 % of 1000.00 CAD = credit 250.00 CAD; credit #1 written: 250.00 CAD',
    );
    expect(entry(t, 'continued').run).toBe(2);
    expect(entry(t, 'ledger-write').summary).toMatch(/^month close written: 25 customer\(s\)/);
    expect(entry(t, 'final').summary).toMatch(
      /4 credited: 1458\.33 CAD, 500\.00 EUR; 4 notice\(s\); month close written$/,
    );
    expect(t.facts).toMatchObject({ month: '2026-10', runs: 2, timeZone: 'America/Toronto' });
  });

  it('the dev-server chain across a killed worker (I14): four runs, 600 customers each written once', async () => {
    const names = ['', '-run2', '-run3', '-run4'].map((r) => `billingMonthWorkflow-dev-worker-killed${r}`);
    // Given out of order, as files may be: orderChain follows each run's "continued from" link.
    const t = await timelineOf(orderChain([...names].reverse().map(read)), codecs, 'billing-month-2026-09');
    expect(t.runs.map((r) => r.status)).toEqual([
      'continued-as-new',
      'continued-as-new',
      'continued-as-new',
      'completed',
    ]);
    const customers = t.facts.customers as CustomerMonth[];
    expect(new Set(customers.map((c) => c.customerId)).size).toBe(600);
    expect(customers.every((c) => typeof c.written === 'object' && c.written !== null)).toBe(true);
    // The 30-minute outage hit ca-central only: half the customers credited, all of them there.
    expect(new Set(customers.filter((c) => c.creditPercent > 0).map((c) => c.region))).toEqual(
      new Set(['ca-central']),
    );
    expect(customers.filter((c) => c.creditPercent > 0)).toHaveLength(300);
    expect(entry(t, 'ledger-write').summary).toMatch(/^month close written: 600 customer\(s\)/);
    expect(t.facts).toMatchObject({ month: '2026-09', runs: 4 });
  });

  it('one run alone says what it has: its batches numbered as the month does, and the carried progress', async () => {
    const t = await timelineOf(read(october[1]!), codecs);
    expect(entry(t, 'continued').summary).toMatch(
      /^run 1 continues the month 2026-10 after customer f-14: 20 of 25 done/,
    );
    expect(all(t, 'batch')[0]!.summary).toMatch(/^batch 11: /);
  });

  it('a history recorded before batches carried figures: counted, not listed, and said so', async () => {
    const runs = await Promise.all(october.map((n) => decodeHistory(read(n), codecs, n)));
    for (const run of runs)
      for (const ev of run.events)
        if (ev.result && typeof ev.result === 'object') delete (ev.result as { figures?: unknown }).figures;
    const t = interpret(runs, billingMonthReading);
    expect(t.facts.customers).toEqual([]);
    expect(t.facts.missingFigures).toMatch(/^13 batch\(es\) recorded before/);
    expect(formatTimeline(t)).toContain('note: 13 batch(es) recorded before');
  });

  it('historyChain walks back from the latest run through each run’s "continued from" link', async () => {
    const byRun = new Map(
      october.map((n) => [
        read(n).events![0]!.workflowExecutionStartedEventAttributes!.originalExecutionRunId!,
        read(n),
      ]),
    );
    const latest = read(october[1]!);
    const fetched: (string | undefined)[] = [];
    const runs = await historyChain((runId) => {
      fetched.push(runId);
      return Promise.resolve(runId ? byRun.get(runId)! : latest);
    });
    expect(runs).toEqual([read(october[0]!), latest]);
    expect(fetched).toEqual([undefined, [...byRun.keys()][0]]);
  });

  it('exported runs given in any order are put in chain order; runs of different workflows are refused', () => {
    const [first, second] = october.map(read);
    expect(orderChain([second!, first!])).toEqual([first, second]);
    expect(() => orderChain([second!, read('outageWorkflow-late-ack')])).toThrow(
      'the histories are not one continue-as-new chain: 2 of them start it',
    );
  });

  it('the Schedule triggered twice on the dev server: the first closes the month, the second closes it again and writes nothing (I14)', async () => {
    const [closes, again] = await Promise.all([
      timeline('billingScheduleWorkflow-dev-trigger-closes'),
      timeline('billingScheduleWorkflow-dev-trigger-again-writes-nothing'),
    ]);
    expect([closes.facts.started, again.facts.started]).toEqual([true, true]);
    expect(closes.facts.month).toBe(again.facts.month);
    expect(entry(closes, 'month-closed').summary).toMatch(/finished: 30 customer\(s\)/);
    expect(entry(again, 'month-closed').summary).toMatch(
      /finished: 30 customer\(s\), 0 credited .*month close exists/,
    );
  });

  it('a second trigger recorded before the Schedule always closed (patch schedule-close-always-runs) started nothing', async () => {
    const again = await timeline('billingScheduleWorkflow-dev-trigger-again-starts-nothing');
    expect(again.facts.started).toBe(false);
    expect(all(again, 'start-month').at(-1)!.summary).toMatch(/not started: a run of the month exists/);
    expect(entry(again, 'final').summary).toMatch(/not started again \(already run\)$/);
  });

  it("the Schedule's trigger: the month, the grace timer (I14), the month's workflow started and finished", async () => {
    const t = await timeline('billingScheduleWorkflow-grace-then-close');
    expect(kinds(t)).toEqual([
      'triggered',
      'month',
      'grace',
      'grace',
      'start-month',
      'start-month',
      'month-closed',
      'final',
    ]);
    expect(entry(t, 'month').summary).toMatch(
      /^closes (\d{4}-\d{2}), the month before the trigger in America\/Toronto, from .* \(its end \+ 72 h grace, I14; policy /,
    );
    expect(t.facts).toMatchObject({ graceHours: 72, child: { started: true }, started: true });
  });
});

describe('text output', () => {
  it('aligned columns, each instant in UTC and in the policy zone, events numbered per run', async () => {
    const t = await timelineOf(
      ['billingMonthWorkflow-october', 'billingMonthWorkflow-october-run2'].map(read),
      codecs,
    );
    const text = formatTimeline(t);
    const lines = text.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(lines).toHaveLength(t.entries.length);
    expect(text).toContain('times: UTC and America/Toronto\n');
    expect(text).toMatch(/2 runs \(continue-as-new\): \S+ → \S+/);
    // The recording's instant (the time-skipping server starts at the real time), then the
    // same instant in Toronto: EST in late November, when the october histories are recorded.
    const first = t.entries[0]!.at;
    const local = DateTime.fromISO(first, { zone: 'America/Toronto' }).toFormat('yyyy-MM-dd HH:mm:ss ZZZZ');
    expect(lines[0]!.startsWith(`${first}  ${local}  1#1 `)).toBe(true);
    expect(lines[0]).toMatch(/ 1#1 +started +month 2026-10 closing/);
    expect(lines.some((l) => /EST {2}2#7 /.test(l))).toBe(true);
    // The kind and the summary columns start at the same place on every line.
    expect(new Set(lines.map((l, i) => l.lastIndexOf(t.entries[i]!.summary))).size).toBe(1);
    expect(new Set(lines.map((l, i) => l.indexOf(` ${t.entries[i]!.kind} `))).size).toBe(1);
  });

  it('a history without a recorded zone is shown in the given zone, said to be the current policy’s', async () => {
    const text = formatTimeline(
      await timeline('outageWorkflow-before-ack-received-time-late-ack'),
      'America/Toronto',
    );
    expect(text).toContain(
      "times: UTC and America/Toronto (the current policy's zone: this history does not record one)",
    );
    expect(text).toMatch(/2026-11-30T15:10:00\.259Z {2}2026-11-30 10:10:00 EST {2}#56 +breach +C9 breached/);
  });
});

describe('any workflow type', () => {
  it('has an interpreter for each workflow type with golden histories, and a generic trail otherwise', async () => {
    expect(Object.keys(INTERPRETERS).sort()).toEqual([
      'billingMonthWorkflow',
      'billingScheduleWorkflow',
      'maintenanceWorkflow',
      'outageWorkflow',
      'sessionWorkflow',
      'ticketWorkflow',
    ]);
    const decoded = await decodeHistory(read('ticketWorkflow-escalate-reopen'), codecs, 'x');
    const generic = interpret({ ...decoded, workflowType: 'someFutureWorkflow' }, genericReading);
    expect(kinds(generic)).toEqual(
      expect.arrayContaining(['openTicketFacts', 'sendEmail', 'sendPage', 'message']),
    );
  });

  it('finds the first diverging event from the SDK’s non-determinism messages', () => {
    // A history recorded before the breach audience was resolved ahead: its event ids are fixed.
    const h = read('ticketWorkflow-before-audience-ahead-escalate-reopen');
    expect(
      divergingEvent('Nondeterminism error: ... HistoryEvent(id: 19, ActivityTaskScheduled)', h),
    ).toEqual({
      eventId: 19,
      eventType: 'ActivityTaskScheduled',
    });
    // Local activity seq 1 is the opening (openTicketFacts), seq 2 the roster lookup of the
    // manual escalation, marker event 18.
    expect(divergingEvent('Missing associated machine for LocalActivity(2)', h)).toEqual({
      eventId: 18,
      eventType: 'MarkerRecorded',
    });
    expect(divergingEvent('Timer(1) does not match', h)).toEqual({ eventId: 7, eventType: 'TimerStarted' });
    // A local activity renamed in code: the SDK names the recorded type, whose first marker is 5.
    expect(
      divergingEvent(
        "Activity type of recorded marker 'openTicketFacts' does not match activity type of local activity command 'renamed'",
        h,
      ),
    ).toEqual({ eventId: 5, eventType: 'MarkerRecorded' });
    expect(divergingEvent('no event here', h)).toBeUndefined();
  });
});
