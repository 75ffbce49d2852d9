// The month close's invariants as an auditor states them (C2, C14; I9, I10, I14, I15), checked on
// generated histories against the engine's own billing activities and a real ledger (PGlite and
// PostgreSQL):
// - every entry is self-consistent: the month's entries up to and including it add up to
//   round-half-up(its tier × its monthly fee) (I10);
// - the entries of a month add up, per customer, to what `sla credits explain` computes;
// - after customer imports, contract ends and policy changes that bring no new fact about a
//   closed month, closing it again writes nothing (I15: terms and policy of a closed month are
//   fixed; an import effective inside it is refused naming `effective`);
// - a late fact (an outage recorded after the close) writes exactly the difference, and only for
//   the customers whose figure it changes.
import { MockActivityEnvironment } from '@temporalio/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBillingActivities, type BillingBatchResult } from '../../src/activities/billing';
import { SlaError } from '../../src/errors';
import type { CustomerNotice, CustomerRecord, NoticeRoundRecord } from '../../src/ledger';
import { loadPolicy, parsePolicy, type LoadedPolicy } from '../../src/policy/load';
import { monthPolicies } from '../../src/ledger/month-policy';
import { creditExplanation } from '../../src/report/explanation';
import { creditMinor } from '../../src/rules/credits';
import { maintenanceRecord, MINUTE, outageRecord } from '../helpers/billing';
import { createTestLedger, testCustomer, type LedgerKind, type TestLedger } from '../helpers/ledger';

const MONTH = '2026-03';
const MONTH_START = Date.parse('2026-03-01T05:00:00Z');
const MONTH_END = Date.parse('2026-04-01T04:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const REGIONS = ['r1', 'r2'] as const;
const iso = (t: number) => new Date(t).toISOString();

const DEFAULT = loadPolicy({});
/** Another policy: a 10 % tier below 99.99 and a one-hour notice; a different version. */
const OTHER = parsePolicy(
  {
    ...DEFAULT.policy,
    maintenanceNoticeHours: 1,
    uptime: {
      ...DEFAULT.policy.uptime,
      creditTiers: [{ below: '99.99', creditPercent: 10 }, ...DEFAULT.policy.uptime.creditTiers],
    },
  },
  'test: another policy',
);

// ---- generated histories ------------------------------------------------------------------

const version = fc.record({
  /** Days from the month's start (negative: before it), whole hours so instants stay readable. */
  hours: fc.integer({ min: -20 * 24, max: 31 * 24 }),
  annualFeeMinor: fc.integer({ min: 0, max: 5_000_000 }),
  region: fc.constantFrom(...REGIONS),
  ends: fc.boolean(),
});
const customer = fc.uniqueArray(version, { minLength: 1, maxLength: 3, selector: (v) => v.hours });
const outage = fc.record({
  minute: fc.integer({ min: -DAY / MINUTE, max: (MONTH_END - MONTH_START) / MINUTE }),
  minutes: fc.integer({ min: 1, max: 3_000 }),
  regions: fc.subarray([...REGIONS], { minLength: 1 }),
  classification: fc.constantFrom<'unexpected' | 'partial' | 'external'>(
    'unexpected',
    'unexpected',
    'partial',
    'external',
  ),
});
/** Per customer: hours of notice for round 1 (null: never reached) and whether a reschedule reached them. */
const delivery = fc.record({
  leadHours: fc.constantFrom(null, 2, 30, 48),
  rescheduleReached: fc.boolean(),
});
const window = fc.record({
  day: fc.integer({ min: 2, max: 27 }),
  minutes: fc.integer({ min: 30, max: 240 }),
  region: fc.constantFrom(...REGIONS),
  /** A reschedule 3 h before the start that extends the window by this many minutes (0: none). */
  extendedBy: fc.constantFrom(0, 0, 10, 60),
  deliveries: fc.array(delivery, { minLength: 6, maxLength: 6 }),
});
/** What happens after the close: imports at any instant, contract ends, a policy change. */
const noise = fc.oneof(
  fc.record({
    kind: fc.constant('import' as const),
    hours: fc.integer({ min: -40 * 24, max: 80 * 24 }),
    fee: fc.integer({ min: 0, max: 9_000_000 }),
  }),
  fc.record({ kind: fc.constant('end' as const), hours: fc.integer({ min: -40 * 24, max: 80 * 24 }) }),
  fc.record({ kind: fc.constant('policy' as const) }),
);
const history = fc.record({
  customers: fc.array(customer, { minLength: 1, maxLength: 6 }),
  outages: fc.array(outage, { maxLength: 4 }),
  windows: fc.array(window, { maxLength: 2 }),
  batchSize: fc.integer({ min: 1, max: 4 }),
  noise: fc.array(noise, { minLength: 1, maxLength: 4 }),
  late: outage,
});
type History = typeof history extends fc.Arbitrary<infer T> ? T : never;

const idOf = (c: number) => `c${c}`;

/** The generated history, written as the engine writes it: imports, ends, outages, windows with notices. */
async function seed(ledger: TestLedger, h: History): Promise<void> {
  const byInstant = new Map<number, { rows: CustomerRecord[]; ends: string[] }>();
  h.customers.forEach((versions, c) => {
    [...versions]
      .sort((a, b) => a.hours - b.hours)
      .forEach((v, k) => {
        const at = MONTH_START + v.hours * HOUR;
        const slot = byInstant.get(at) ?? { rows: [], ends: [] };
        byInstant.set(at, slot);
        // The first version opens the contract; a later one may end it.
        if (k > 0 && v.ends) slot.ends.push(idOf(c));
        else slot.rows.push(testCustomer(idOf(c), { annualFeeMinor: v.annualFeeMinor, region: v.region }));
      });
  });
  for (const at of [...byInstant.keys()].sort((a, b) => a - b)) {
    const { rows, ends } = byInstant.get(at)!;
    if (rows.length) await ledger.importCustomers(rows, { effectiveAt: iso(at) });
    for (const id of ends) await ledger.endContract(id, { effectiveAt: iso(at) });
  }
  for (const [i, o] of h.outages.entries()) {
    await ledger.recordOutage(
      outageRecord(`o${i}`, iso(MONTH_START + o.minute * MINUTE), o.minutes, o.regions, o.classification),
    );
  }
  for (const [w, spec] of h.windows.entries()) {
    const start = MONTH_START + spec.day * DAY;
    const base = maintenanceRecord(`m${w}`, iso(start), spec.minutes, [spec.region]);
    const rounds: NoticeRoundRecord[] = [
      {
        version: 1,
        kind: 'scheduled',
        start: base.start,
        end: base.end,
        regions: [spec.region],
        publishedAt: iso(start - 48 * HOUR),
      },
    ];
    if (spec.extendedBy) {
      rounds.push({
        version: 2,
        kind: 'rescheduled',
        start: base.start,
        end: iso(Date.parse(base.end) + spec.extendedBy * MINUTE),
        regions: [spec.region],
        publishedAt: iso(start - 3 * HOUR),
      });
    }
    const last = rounds[rounds.length - 1]!;
    await ledger.recordMaintenance({ ...base, end: last.end, rounds });
    const notices: CustomerNotice[] = [];
    h.customers.forEach((_, c) => {
      const d = spec.deliveries[c]!;
      for (const r of rounds) {
        const sentAt =
          r.version === 1
            ? d.leadHours === null
              ? null
              : iso(start - d.leadHours * HOUR)
            : d.rescheduleReached
              ? r.publishedAt
              : null;
        notices.push({
          maintenanceId: base.maintenanceId,
          customerId: idOf(c),
          version: r.version,
          kind: 'announced',
          start: r.start,
          end: r.end,
          sentAt,
        });
      }
    });
    await ledger.recordMaintenanceNotices(notices);
  }
}

// ---- the close, as the billing workflow drives its activities -------------------------------

interface Harness {
  ledger: TestLedger;
  current: LoadedPolicy;
  closes: number;
}

/** One close of the month: batches until the customers run out; the entries each wrote. */
async function closeMonth(t: Harness, batchSize: number): Promise<number> {
  const acts = createBillingActivities({
    ledger: t.ledger,
    policy: () => t.current,
    sendEmail: () => Promise.resolve(),
    // Only billingMonthStart asks Temporal (for open outages); the batches never do.
    temporal: undefined as never,
  });
  const env = new MockActivityEnvironment();
  t.closes += 1;
  const writtenAt = iso(MONTH_END + 72 * HOUR + t.closes * 1_000);
  let after: string | null = null;
  let written = 0;
  for (;;) {
    const r: BillingBatchResult = await env.run((input) => acts.closeBillingBatch(input), {
      month: MONTH,
      after,
      limit: batchSize,
      workflowId: `billing-month-${MONTH}`,
      writtenAt,
    });
    if (r.through === null) break;
    written += r.written;
    after = r.through;
    if (r.customers < batchSize) break;
  }
  if (t.closes === 1) {
    await t.ledger.recordMonthClose({
      month: MONTH,
      closedAt: writtenAt,
      workflowId: `billing-month-${MONTH}`,
      customers: 0,
      totalCreditMinor: 0,
    });
  }
  return written;
}

async function explainAll(t: Harness, customers: number) {
  const policies = monthPolicies(t.ledger, () => t.current);
  return Promise.all(
    Array.from({ length: customers }, (_, c) =>
      creditExplanation(t.ledger, policies, () => t.current, { month: MONTH, customerId: idOf(c) }),
    ),
  );
}

/** I10: each entry's running total is its tier × its monthly fee, rounded half-up. */
async function expectSelfConsistent(t: Harness): Promise<void> {
  const entries = await t.ledger.creditEntries({ month: MONTH });
  const running = new Map<string, number>();
  for (const e of entries) {
    const total = (running.get(e.customerId) ?? 0) + e.creditMinor;
    running.set(e.customerId, total);
    expect(total, `${e.customerId} ${e.kind} #${e.sequence}`).toBe(
      creditMinor(e.creditPercent, e.monthlyFeeMinor),
    );
  }
}

/** The entries add up to what explain computes, for every customer. */
async function expectExplained(t: Harness, customers: number): Promise<void> {
  for (const x of await explainAll(t, customers)) {
    expect(x.outstandingMinor, `${x.customerId}: entries ${x.creditedMinor}`).toBe(0);
    if (!x.computed) expect(x.entries).toEqual([]);
  }
}

async function applyNoise(t: Harness, h: History): Promise<void> {
  for (const [k, n] of h.noise.entries()) {
    if (n.kind === 'policy') {
      t.current = t.current.version === DEFAULT.version ? OTHER : DEFAULT;
      continue;
    }
    const at = MONTH_START + n.hours * HOUR;
    const id = idOf(k % h.customers.length);
    // A thunk, so nothing is written (or refused unhandled) before the history below is read.
    const attempt = () =>
      n.kind === 'import'
        ? t.ledger.importCustomers([testCustomer(id, { annualFeeMinor: n.fee, region: 'r2' })], {
            effectiveAt: iso(at),
          })
        : t.ledger.endContract(id, { effectiveAt: iso(at) });
    if (at < MONTH_END) {
      // I15: the month's close has begun, its terms are fixed: a write that would change them is
      // refused, one that changes nothing (a contract already ended then, the terms in force
      // then) answers so and writes nothing.
      const before = await t.ledger.customerHistory(id);
      const answer = await attempt().then(
        (result) => ({ result }),
        (err: unknown) => ({ err }),
      );
      if ('err' in answer) {
        expect(answer.err).toBeInstanceOf(SlaError);
        expect((answer.err as SlaError).issues.map((i) => i.path)).toContain('effective');
      } else expect([{ inserted: 0, updated: 0 }, 'exists']).toContainEqual(answer.result);
      expect(await t.ledger.customerHistory(id)).toEqual(before);
    } else {
      await attempt().catch((err: unknown) => {
        // Another version at that very instant (a repeated generated instant) is a conflict, named.
        expect((err as SlaError).issues.map((i) => i.path)).toContain('effective');
      });
    }
  }
}

describe.each<LedgerKind>(['pglite', 'postgres'])('month close invariants on %s', (kind) => {
  let template: TestLedger;
  beforeAll(async () => {
    // Opened once so the PostgreSQL cluster (or PGlite's template) is warm for the runs below.
    template = await createTestLedger(kind);
  });
  afterAll(async () => {
    await template?.cleanup();
  });

  it('closing again writes nothing, a late fact writes exactly its difference, every entry adds up', async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const t: Harness = { ledger: await createTestLedger(kind), current: DEFAULT, closes: 0 };
        try {
          await seed(t.ledger, h);
          // One entry per customer in force for some part of the month, written even at 0 (I14, I15).
          const inForce = (await explainAll(t, h.customers.length)).filter((x) => x.computed).length;
          expect(await closeMonth(t, h.batchSize)).toBe(inForce);
          await expectSelfConsistent(t);
          await expectExplained(t, h.customers.length);

          await applyNoise(t, h);
          expect(await closeMonth(t, h.batchSize)).toBe(0);

          const o = h.late;
          await t.ledger.recordOutage(
            outageRecord(
              'late',
              iso(MONTH_START + o.minute * MINUTE),
              o.minutes,
              o.regions,
              o.classification,
            ),
          );
          // The customers whose figure the fact changes: each gets one adjustment, nobody else any.
          const moved = (await explainAll(t, h.customers.length)).filter(
            (x) => x.outstandingMinor !== 0,
          ).length;
          expect(await closeMonth(t, h.batchSize)).toBe(moved);
          await expectSelfConsistent(t);
          await expectExplained(t, h.customers.length);
        } finally {
          await t.ledger.cleanup();
        }
      }),
      { numRuns: 15 },
    );
    // Each run opens its own ledger and closes the month three times: PGlite is CPU-bound, so with
    // the whole suite beside it on two cores the 15 runs need more than the default minute.
  }, 240_000);
});
