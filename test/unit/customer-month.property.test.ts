// Properties of a customer's month (fast-check) over random terms in force, outages, windows and
// notices (I9 as amended, I10, I15), each against something other than the code under test:
// a per-minute bitmap that reads the notices and periods literally, the bigint rounding of I10,
// and the single-region whole-month figures of monthUptime.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type {
  CustomerNotice,
  CustomerVersion,
  MaintenanceRecord,
  NoticeRoundRecord,
  OutageRecord,
} from '../../src/ledger/types';
import { loadPolicy } from '../../src/policy';
import { computeCredit } from '../../src/rules/credits';
import { customerMonth, type CustomerMonth } from '../../src/rules/customer-month';
import { maintenanceInputs, outageInputs } from '../../src/rules/ledger-inputs';
import type { NoticeInput } from '../../src/rules/maintenance';
import {
  accountingMonth,
  monthUptime,
  type MaintenanceInput,
  type UptimeInput,
} from '../../src/rules/uptime';
import { outageRecord } from '../helpers/billing';
import { bitmapUptime } from '../helpers/uptime-bitmap';

const { policy } = loadPolicy({});
const ZONE = policy.month.timeZone;
const MONTH = '2026-03'; // the DST month: T is 743 h
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const { start: FROM, end: TO } = accountingMonth(MONTH, ZONE);
const REGIONS = ['ca-east', 'eu-west'];
const RUNS = { numRuns: 200 };
const iso = (t: number) => new Date(t).toISOString();

const instant = fc
  .integer({ min: (FROM - 2 * 24 * HOUR) / MINUTE, max: (TO + 2 * 24 * HOUR) / MINUTE })
  .map((m) => m * MINUTE);
const regions = fc.subarray(REGIONS);
const window = fc
  .tuple(instant, fc.integer({ min: 0, max: 6 * 60 }))
  .map(([start, minutes]) => ({ start, end: start + minutes * MINUTE }));

/** 1–3 versions of one customer's terms; some end the contract (I15). */
const versions: fc.Arbitrary<CustomerVersion[]> = fc
  .array(
    fc.record({
      at: instant,
      ended: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      region: fc.constantFrom(...REGIONS),
      annualFeeMinor: fc.integer({ min: 0, max: 1_000_000_000 }),
      administrators: fc.boolean().map((b) => (b ? ['ops@example.com'] : [])),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((vs) =>
    vs.map((v) => ({
      customerId: 'c',
      effectiveAt: iso(v.at),
      recordedAt: iso(v.at),
      terms: v.ended
        ? null
        : {
            name: 'C',
            annualFeeMinor: v.annualFeeMinor,
            currency: 'CAD',
            region: v.region,
            administrators: v.administrators,
            canadaOnlyDataAccess: false,
          },
    })),
  );

const outages: fc.Arbitrary<OutageRecord[]> = fc
  .array(
    fc.record({
      w: window,
      regions,
      classification: fc.constantFrom('unexpected', 'unexpected', 'partial', 'external'),
    }),
    { maxLength: 12 },
  )
  .map((specs) =>
    specs.map(({ w, regions: r, classification }, i) =>
      outageRecord(`o-${i}`, iso(w.start), (w.end - w.start) / MINUTE, r, classification),
    ),
  );

/**
 * A window with 1–3 rounds (a reschedule may move it, the last may cancel it), each customer's
 * notice of a round reaching them some minutes after it was published, or never.
 */
const maintenance = fc
  .array(
    fc.record({
      rounds: fc.array(
        fc.record({
          w: window,
          lead: fc.integer({ min: 0, max: 60 * 60 }).map((m) => m * MINUTE),
          delay: fc.option(
            fc.integer({ min: 0, max: 120 }).map((m) => m * MINUTE),
            { nil: null },
          ),
          cancel: fc.boolean(),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      shift: fc.tuple(fc.integer({ min: -90, max: 90 }), fc.integer({ min: -90, max: 90 })),
      regions,
      kept: fc.boolean(),
    }),
    { maxLength: 5 },
  )
  .map((windows) => {
    const records: MaintenanceRecord[] = [];
    const notices: CustomerNotice[] = [];
    windows.forEach((spec, i) => {
      const id = `m-${i}`;
      const rounds: NoticeRoundRecord[] = spec.rounds.map((r, k) => ({
        version: k + 1,
        kind:
          k > 0 && r.cancel && k === spec.rounds.length - 1
            ? 'cancelled'
            : k === 0
              ? 'scheduled'
              : 'rescheduled',
        start: iso(r.w.start),
        end: iso(r.w.end),
        regions: spec.regions,
        publishedAt: iso(r.w.start - r.lead),
      }));
      const last = rounds.filter((r) => r.kind !== 'cancelled').pop()!;
      const cancelled = rounds[rounds.length - 1]!.kind === 'cancelled';
      const [early, late] = spec.shift;
      const actualStart = Date.parse(last.start) + early * MINUTE;
      const actualEnd = Math.max(actualStart, Date.parse(last.end) + late * MINUTE);
      records.push({
        maintenanceId: id,
        start: last.start,
        end: last.end,
        regions: spec.regions,
        announcedAt: rounds[rounds.length - 1]!.publishedAt,
        qualifies: spec.rounds[spec.rounds.length - 1]!.lead >= 24 * HOUR,
        actualStart: cancelled && early > 0 ? null : iso(actualStart),
        actualEnd: cancelled && early > 0 ? null : iso(actualEnd),
        status: cancelled ? 'cancelled' : 'completed',
        policyVersion: 'p',
        workflowId: id,
        ...(spec.kept ? { rounds } : {}),
      });
      if (!spec.kept) return;
      rounds.forEach((r, k) => {
        const delay = spec.rounds[k]!.delay;
        notices.push({
          maintenanceId: id,
          customerId: 'c',
          version: r.version,
          kind: r.kind === 'cancelled' ? 'withdrawn' : 'announced',
          start: r.start,
          end: r.end,
          sentAt: delay === null ? null : iso(Date.parse(r.publishedAt) + delay),
        });
      });
    });
    return { records, notices };
  });

const month = fc
  .record({ versions, outages, maintenance })
  .map(({ versions: v, outages: o, maintenance: m }) => ({
    month: MONTH,
    zone: ZONE,
    noticeHours: policy.maintenanceNoticeHours,
    tiers: policy.uptime.creditTiers,
    customerId: 'c',
    versions: v,
    outages: o,
    maintenance: m.records,
    notices: m.notices,
  }));

/** The uptime math's input with random periods (I15) and notices (I9): the bitmap's ground. */
const notice: fc.Arbitrary<NoticeInput> = fc.record({
  sentAt: fc.option(instant, { nil: null }),
  window: fc.option(window, { nil: null }),
});
const uptimeInput: fc.Arbitrary<UptimeInput> = fc
  .record({
    cuts: fc.uniqueArray(instant, { maxLength: 4 }),
    periodRegions: fc.array(fc.option(fc.constantFrom(...REGIONS), { nil: undefined }), {
      minLength: 5,
      maxLength: 5,
    }),
    gaps: fc.array(fc.boolean(), { minLength: 5, maxLength: 5 }),
    outages,
    windows: fc.array(
      fc.record({
        w: window,
        notices: fc.array(notice, { maxLength: 3 }),
        regions,
        late: fc.integer({ min: -60, max: 60 }),
      }),
      { maxLength: 5 },
    ),
  })
  .map(({ cuts, periodRegions, gaps, outages: o, windows }) => {
    const bounds = [FROM, ...cuts.filter((t) => t > FROM && t < TO).sort((a, b) => a - b), TO];
    const periods = bounds
      .slice(1)
      .map((end, k) => ({ start: bounds[k]!, end, region: periodRegions[k] }))
      .filter((_, k) => !gaps[k]);
    const maintenance: MaintenanceInput[] = windows.map(({ w, notices, regions: r, late }) => ({
      start: w.start,
      end: w.end,
      notices,
      actualEnd: Math.max(w.start, w.end + late * MINUTE),
      regions: r,
    }));
    return { month: MONTH, zone: ZONE, noticeHours: 24, periods, outages: outageInputs(o), maintenance };
  });

describe('customer month properties (fast-check)', () => {
  it('monthUptime with periods and notices agrees with a per-minute bitmap read literally', () => {
    fc.assert(
      fc.property(uptimeInput, (i) => {
        const r = monthUptime(i);
        expect([r.totalMs, r.excludedMs, r.downtimeMs]).toEqual(Object.values(bitmapUptime(i)));
      }),
      RUNS,
    );
  });

  /** `check` holds for the month of every generated customer in force in it. */
  const everyMonth = (check: (r: CustomerMonth) => void, months = month) =>
    fc.assert(
      fc.property(months, (input) => {
        const r = customerMonth(input);
        if (r) check(r);
      }),
      RUNS,
    );

  it('E + D ≤ T, and E for the customer lies inside the windows’ running time in force', () => {
    everyMonth(({ explanation: e }) => {
      expect(e.excludedMs + e.downtimeMs).toBeLessThanOrEqual(e.totalMs);
      for (const w of e.maintenance) {
        expect(w.excludedMs + w.downtimeMs).toBe(w.inForceMs);
        expect(w.inForceMs + w.otherRegionMs + w.clippedMs).toBe(Date.parse(w.ranTo) - Date.parse(w.ranFrom));
      }
      expect(e.excludedMs).toBeLessThanOrEqual(e.maintenance.reduce((s, w) => s + w.excludedMs, 0));
      expect(e.periods.reduce((s, p) => s + p.ms, 0)).toBe(e.totalMs);
    });
  });

  it('credit = round-half-up(tier × the monthly fee stated) on every output (I10)', () => {
    everyMonth((r) => {
      const { creditPercent, monthlyFeeMinor, creditMinor } = r.explanation;
      expect(BigInt(creditMinor)).toBe((2n * BigInt(creditPercent * monthlyFeeMinor) + 100n) / 200n);
      const { annualFeeMinor, coveredMs, monthMs } = r.fee;
      expect(BigInt(monthlyFeeMinor)).toBe(
        (2n * BigInt(annualFeeMinor) * BigInt(coveredMs) + 12n * BigInt(monthMs)) / (24n * BigInt(monthMs)),
      );
    });
  });

  it('every notice delivered 24 h ahead and no change: the whole announced window in force is excluded', () => {
    const announcedInTime = fc
      .tuple(month, fc.integer({ min: 24 * 60, max: 72 * 60 }))
      .map(([input, leadMinutes]) => {
        const maintenance = input.maintenance.map((m) => ({
          ...m,
          status: 'completed' as const,
          actualStart: null,
          actualEnd: null,
          rounds: undefined,
        }));
        const notices = maintenance.map((m) => ({
          maintenanceId: m.maintenanceId,
          customerId: 'c',
          version: 1,
          kind: 'announced' as const,
          start: m.start,
          end: m.end,
          sentAt: iso(Date.parse(m.start) - leadMinutes * MINUTE),
        }));
        return { ...input, maintenance, notices };
      });
    everyMonth((r) => {
      for (const w of r.explanation.maintenance) {
        expect(w).toMatchObject({ noticesFrom: 'customer', excludedMs: w.inForceMs, downtimeMs: 0 });
      }
    }, announcedInTime);
  });

  it('agrees with monthUptime and computeCredit for one region all month on records of before notices were kept', () => {
    const wholeMonth = month
      .filter((input) => input.versions.some((v) => v.terms))
      .map((input) => ({
        ...input,
        // One version in force from before the month to after it.
        versions: [{ ...input.versions.find((v) => v.terms)!, effectiveAt: iso(FROM - 24 * HOUR) }],
        maintenance: input.maintenance.map(({ rounds: _r, ...m }) => m),
        notices: [],
      }));
    fc.assert(
      fc.property(wholeMonth, (input) => {
        const terms = input.versions[0]!.terms!;
        const r = customerMonth(input);
        const u = monthUptime({
          month: MONTH,
          zone: ZONE,
          noticeHours: input.noticeHours,
          region: terms.region,
          outages: outageInputs(input.outages),
          maintenance: maintenanceInputs(input.maintenance),
        });
        expect(r!.uptime).toEqual(u);
        expect(r!.credit).toEqual(computeCredit(u.uptime, terms.annualFeeMinor, input.tiers));
      }),
      RUNS,
    );
  });
});
