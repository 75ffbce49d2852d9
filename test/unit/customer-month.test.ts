// One customer's month from the ledger's records (I9 as amended, I10, I15): terms in force, the
// notices that reached them, the fee's proration, and the explanation that redoes it by hand.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type {
  CustomerNotice,
  CustomerTerms,
  CustomerVersion,
  MaintenanceRecord,
} from '../../src/ledger/types';
import { loadPolicy } from '../../src/policy';
import { monthlyFeeMinor } from '../../src/rules/credits';
import { customerMonth, regionMonth, type CustomerMonthInput } from '../../src/rules/customer-month';
import { maintenanceInputs, outageInputs } from '../../src/rules/ledger-inputs';
import { monthUptime } from '../../src/rules/uptime';
import { maintenanceRecord, outageRecord } from '../helpers/billing';

const { policy } = loadPolicy({});
const ZONE = policy.month.timeZone;
const H = 3_600_000;
const DAY = 24 * H;
const MINUTE = 60_000;
const iso = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toUTC().toISO()!;

const TERMS: CustomerTerms = {
  name: 'Acme',
  annualFeeMinor: 1_200_000,
  currency: 'CAD',
  region: 'ca-east',
  administrators: ['ops@acme.example'],
  canadaOnlyDataAccess: false,
};
const version = (effective: string, terms: Partial<CustomerTerms> | null = {}): CustomerVersion => ({
  customerId: 'acme',
  effectiveAt: iso(effective),
  recordedAt: iso(effective),
  terms: terms === null ? null : { ...TERMS, ...terms },
});
const april = (fields: Partial<CustomerMonthInput> = {}): CustomerMonthInput => ({
  month: '2026-04',
  zone: ZONE,
  noticeHours: 24,
  tiers: policy.uptime.creditTiers,
  customerId: 'acme',
  versions: [version('2026-01-01T00:00')],
  outages: [],
  maintenance: [],
  notices: [],
  ...fields,
});
/** A window of `minutes` from a local time, with rounds (notices kept per customer). */
const window = (
  id: string,
  local: string,
  minutes: number,
  over: Parameters<typeof maintenanceRecord>[4] = {},
) => {
  const m = maintenanceRecord(id, iso(local), minutes, ['ca-east'], over);
  return {
    ...m,
    rounds: [
      {
        version: 1,
        kind: 'scheduled' as const,
        start: m.start,
        end: m.end,
        regions: m.regions,
        publishedAt: m.announcedAt!,
      },
    ],
  };
};
const noticeTo = (
  customerId: string,
  m: MaintenanceRecord,
  sentAt: string | null,
  over: Partial<CustomerNotice> = {},
): CustomerNotice => ({
  maintenanceId: m.maintenanceId,
  customerId,
  version: 1,
  kind: 'announced',
  start: m.start,
  end: m.end,
  sentAt,
  ...over,
});

describe('terms in force (I15)', () => {
  it('a contract from mid-month: T is the part in force and the fee is prorated once', () => {
    const r = customerMonth(
      april({
        versions: [version('2026-04-16T00:00')],
        outages: [
          outageRecord('before', iso('2026-04-10T10:00'), 60, ['ca-east']),
          outageRecord('after', iso('2026-04-20T10:00'), 60, ['ca-east']),
        ],
      }),
    )!;
    expect(r.uptime.totalMs).toBe(15 * DAY);
    expect(r.uptime.downtimeMs).toBe(H);
    expect(r.fee).toEqual({
      annualFeeMinor: 1_200_000,
      currency: 'CAD',
      versionEffectiveAt: iso('2026-04-16T00:00'),
      coveredMs: 15 * DAY,
      monthMs: 30 * DAY,
      monthlyFeeMinor: 50_000,
    });
    expect(r.explanation.fee.prorated).toBe(true);
    const [before, after] = r.explanation.outages;
    expect(before).toMatchObject({ counted: false, inForceMs: 0, clippedMs: H });
    expect(before!.reason).toMatch(/outside the month or the contract/);
    expect(after).toMatchObject({ counted: true, inForceMs: H, soleMs: H });
  });

  it('a region move mid-month: each outage counts only while its region is in force', () => {
    const r = customerMonth(
      april({
        versions: [version('2026-01-01T00:00'), version('2026-04-16T00:00', { region: 'eu-west' })],
        outages: [
          outageRecord('east-early', iso('2026-04-10T10:00'), 60, ['ca-east']),
          outageRecord('east-late', iso('2026-04-20T10:00'), 60, ['ca-east']),
          outageRecord('west-late', iso('2026-04-21T10:00'), 30, ['eu-west']),
          outageRecord('across', iso('2026-04-15T23:00'), 120, ['eu-west']),
        ],
      }),
    )!;
    expect(r.uptime.totalMs).toBe(30 * DAY);
    expect(r.uptime.downtimeMs).toBe(H + 30 * MINUTE + H);
    expect(r.uptime.countedOutageIds).toEqual(['east-early', 'west-late', 'across']);
    expect(r.regions).toEqual(['ca-east', 'eu-west']);
    expect(r.explanation.periods.map((p) => [p.region, p.ms])).toEqual([
      ['ca-east', 15 * DAY],
      ['eu-west', 15 * DAY],
    ]);
    const across = r.explanation.outages.find((o) => o.outageId === 'across')!;
    expect(across).toMatchObject({ inForceMs: H, otherRegionMs: H, clippedMs: 0 });
    expect(r.explanation.outages.find((o) => o.outageId === 'east-late')!.reason).toMatch(/region in force/);
    // The fee of the version in force at the month's first instant, not prorated.
    expect(r.fee).toMatchObject({ monthlyFeeMinor: 100_000, coveredMs: 30 * DAY });
  });

  it('a contract ending mid-month, and none in force: null', () => {
    const ended = customerMonth(
      april({ versions: [version('2026-01-01T00:00'), version('2026-04-11T00:00', null)] }),
    )!;
    expect(ended.uptime.totalMs).toBe(10 * DAY);
    expect(ended.fee.monthlyFeeMinor).toBe(33_333); // 1,200,000 × 10 / 360 = 33,333.33
    expect(customerMonth(april({ versions: [version('2026-05-01T00:00')] }))).toBeNull();
    expect(customerMonth(april({ versions: [] }))).toBeNull();
  });

  it('the fee is that of the first instant in force; a later change of fee waits for the next month', () => {
    const r = customerMonth(
      april({
        versions: [version('2026-01-01T00:00'), version('2026-04-20T00:00', { annualFeeMinor: 2_400_000 })],
      }),
    )!;
    expect(r.fee).toMatchObject({ annualFeeMinor: 1_200_000, monthlyFeeMinor: 100_000 });
  });
});

describe('notices per customer (I9 as amended)', () => {
  const m = window('mw', '2026-04-12T02:00', 60, { noticeHours: 48 });

  it('one customer of 500 not reached: only that one gets the window as downtime', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `c-${String(i).padStart(3, '0')}`);
    const notices = ids.map((id) => noticeTo(id, m, id === 'c-137' ? null : m.announcedAt));
    const figures = ids.map((customerId) => {
      const r = customerMonth(april({ customerId, maintenance: [m], notices }))!;
      return [r.uptime.excludedMs, r.uptime.downtimeMs, r.credit.creditPercent];
    });
    expect(figures.filter(([e]) => e === H)).toHaveLength(499);
    expect(figures[137]).toEqual([0, H, 50]); // 60 min of April's 43,200: 99.8611 %, the 50 % tier
  });

  it('a window run wholly before the one its notice in time announced: downtime, and said so', () => {
    const early = window('m-early', '2026-04-14T02:00', 60);
    const ran = { ...early, actualStart: iso('2026-04-12T02:00'), actualEnd: iso('2026-04-12T03:00') };
    const r = customerMonth(
      april({ maintenance: [ran], notices: [noticeTo('acme', ran, ran.announcedAt)] }),
    )!;
    expect([r.uptime.excludedMs, r.uptime.downtimeMs]).toEqual([0, H]);
    expect(r.explanation.maintenance[0]!.reason).toContain(
      'ran wholly outside the window its notices in time announced',
    );
    expect(r.explanation.maintenance[0]!.notices[0]!.qualifies).toBe(true);
  });

  it('explains each notice: when it reached the customer, its lead, and what withdrew it', () => {
    const moved = { ...m, start: iso('2026-04-12T02:30'), end: iso('2026-04-12T03:30') };
    const notices = [
      noticeTo('acme', m, m.announcedAt),
      noticeTo('acme', m, iso('2026-04-12T00:00'), { version: 2, start: moved.start, end: moved.end }),
    ];
    const r = customerMonth(april({ maintenance: [moved], notices }))!;
    expect(r.uptime).toMatchObject({ excludedMs: 30 * MINUTE, downtimeMs: 30 * MINUTE });
    const [w] = r.explanation.maintenance;
    expect(w).toMatchObject({ noticesFrom: 'customer', excludedMs: 30 * MINUTE, downtimeMs: 30 * MINUTE });
    expect(w!.notices).toEqual([
      {
        index: 0,
        windowStart: m.start,
        windowEnd: m.end,
        sentAt: m.announcedAt,
        leadMinutes: 48 * 60,
        qualifies: true,
        coverFrom: moved.start,
        coverTo: m.end,
        withdrawnBy: 1,
        reason:
          'reached the customer 48 h 00 min before the start (at least 24 h, C1); notice 1 withdrew part of its window',
      },
      {
        index: 1,
        windowStart: moved.start,
        windowEnd: moved.end,
        sentAt: iso('2026-04-12T00:00'),
        leadMinutes: 150,
        qualifies: false,
        coverFrom: null,
        coverTo: null,
        withdrawnBy: null,
        reason: 'reached the customer 2 h 30 min before the start, less than the 24 h required (C1)',
      },
    ]);
  });

  it('a window with rounds but no notice for the customer: none reached them', () => {
    const r = customerMonth(april({ maintenance: [m], notices: [noticeTo('other', m, m.announcedAt)] }))!;
    expect(r.uptime).toMatchObject({ excludedMs: 0, downtimeMs: H });
  });

  it('a customer without administrators takes each round as published', () => {
    const r = customerMonth(
      april({ versions: [version('2026-01-01T00:00', { administrators: [] })], maintenance: [m] }),
    )!;
    expect(r.uptime).toMatchObject({ excludedMs: H, downtimeMs: 0 });
    expect(r.explanation.maintenance[0]!.noticesFrom).toBe('publication');
  });

  it('a record written before notices were kept: its own notice for every customer', () => {
    const { rounds: _r, ...old } = m;
    expect(customerMonth(april({ maintenance: [old] }))!.uptime).toMatchObject({
      excludedMs: H,
      downtimeMs: 0,
    });
    const late = { ...old, qualifies: false };
    const r = customerMonth(april({ maintenance: [late] }))!;
    expect(r.uptime).toMatchObject({ excludedMs: 0, downtimeMs: H });
    expect(r.explanation.maintenance[0]).toMatchObject({ noticesFrom: 'record' });
    expect(r.explanation.maintenance[0]!.notices[0]).toMatchObject({
      sentAt: null,
      reason: 'never reached the customer',
    });
  });

  it('a cancelled window that never ran is listed, neither excluded nor downtime', () => {
    const cancelled = { ...m, status: 'cancelled' as const };
    const r = customerMonth(april({ maintenance: [cancelled] }))!;
    expect(r.uptime).toMatchObject({ excludedMs: 0, downtimeMs: 0 });
    expect(r.explanation.maintenance[0]!.reason).toMatch(/cancelled before it ran/);
  });
});

describe('the explanation redoes the figure (I9, I10)', () => {
  it('states T, E, D, the exact ratio, the tier, the fee and the credit', () => {
    const m = window('mw', '2026-04-12T02:00', 120, { noticeHours: 48, actualEnd: iso('2026-04-12T04:30') });
    const r = customerMonth(
      april({
        maintenance: [m],
        notices: [noticeTo('acme', m, m.announcedAt)],
        outages: [
          outageRecord('o-1', iso('2026-04-12T03:00'), 120, ['ca-east']),
          outageRecord('o-2', iso('2026-04-12T04:15'), 30, []),
          outageRecord('partial', iso('2026-04-20T10:00'), 30, ['ca-east'], 'partial'),
        ],
      }),
    )!;
    const e = r.explanation;
    // E = 2 h; D = 04:00–05:00 from o-1, the overrun to 04:30 and o-2 to 04:45 inside it: 1 h.
    expect([e.totalMs, e.excludedMs, e.downtimeMs]).toEqual([30 * DAY, 2 * H, H]);
    expect(e.uptime).toEqual({
      numerator: String(30 * DAY - 3 * H),
      denominator: String(30 * DAY - 2 * H),
      percent: '99.8607',
    });
    expect(e.tier).toEqual({ below: '99.9', creditPercent: 50 });
    expect([e.creditPercent, e.monthlyFeeMinor, e.creditMinor]).toEqual([50, 100_000, 50_000]);
    const [o1, o2, partial] = e.outages;
    expect(o1).toMatchObject({ counted: true, inForceMs: 2 * H, underExclusionMs: H, soleMs: 15 * MINUTE });
    expect(o1!.overlappedMs).toBe(45 * MINUTE);
    expect(o2).toMatchObject({ counted: true, soleMs: 0, overlappedMs: 30 * MINUTE });
    expect(partial).toMatchObject({ counted: false });
    expect(partial!.reason).toMatch(/C4/);
    expect(e.maintenance[0]).toMatchObject({
      excludedMs: 2 * H,
      downtimeMs: 30 * MINUTE,
      overlappedMs: 30 * MINUTE,
    });
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });

  it('the credit is the tier × the monthly fee it states, rounded half-up once (I10)', () => {
    const r = customerMonth(
      april({
        versions: [version('2026-01-01T00:00', { annualFeeMinor: 1_234_567 })],
        outages: [outageRecord('o', iso('2026-04-10T10:00'), 60, ['ca-east'])],
      }),
    )!;
    // 50 % of the 102,881 stated is 51,440.5: 51,441, not 50 % of 1,234,567 / 12 (51,440).
    expect(r.credit).toMatchObject({ creditPercent: 50, monthlyFeeMinor: 102_881, creditMinor: 51_441 });
    expect(r.explanation.tier).toEqual({ below: '99.9', creditPercent: 50 });
  });
});

describe('region-level figures', () => {
  it('agree with a customer in force all month without administrators', () => {
    const m = window('mw', '2026-04-12T02:00', 60, { noticeHours: 48 });
    const outages = [outageRecord('o', iso('2026-04-10T10:00'), 60, ['ca-east'])];
    const region = regionMonth({
      month: '2026-04',
      zone: ZONE,
      noticeHours: 24,
      region: 'ca-east',
      outages,
      maintenance: [m],
    });
    const customer = customerMonth(
      april({ versions: [version('2026-01-01T00:00', { administrators: [] })], outages, maintenance: [m] }),
    )!;
    expect([region.totalMs, region.excludedMs, region.downtimeMs]).toEqual([
      customer.uptime.totalMs,
      customer.uptime.excludedMs,
      customer.uptime.downtimeMs,
    ]);
    expect(
      monthUptime({
        month: '2026-04',
        zone: ZONE,
        noticeHours: 24,
        region: 'ca-east',
        outages: outageInputs(outages),
        maintenance: maintenanceInputs([m], { region: 'ca-east' }),
      }).excludedMs,
    ).toBe(H);
  });

  it('a round that moves the window out of a region withdraws it there', () => {
    const m = window('mw', '2026-04-12T02:00', 60, { noticeHours: 48, regions: ['eu-west'] });
    const rounds = [
      ...m.rounds,
      {
        ...m.rounds[0]!,
        version: 2,
        kind: 'rescheduled' as const,
        regions: ['eu-west'],
        publishedAt: iso('2026-04-11T00:00'),
      },
    ];
    const ranEverywhere = { ...m, regions: [], rounds };
    const east = regionMonth({
      month: '2026-04',
      zone: ZONE,
      noticeHours: 24,
      region: 'ca-east',
      outages: [],
      maintenance: [ranEverywhere],
    });
    expect(east).toMatchObject({ excludedMs: 0, downtimeMs: H });
    const west = regionMonth({
      month: '2026-04',
      zone: ZONE,
      noticeHours: 24,
      region: 'eu-west',
      outages: [],
      maintenance: [ranEverywhere],
    });
    expect(west).toMatchObject({ excludedMs: H, downtimeMs: 0 });
  });
});

describe('fee proration (I10, I15)', () => {
  it.each([
    [1_200_000, 15 * DAY, 30 * DAY, 50_000],
    [1_234_567, 1, 2, 51_440], // one rounding: 1,234,567 / 24 = 51,440.29 (two roundings said 51,441)
    [6, 1, 1, 1], // 0.5 rounds half-up
    [5, 1, 1, 0], // 0.4166… rounds down
    [1_200_000, 0, 30 * DAY, 0],
  ])('annual %i over %i of %i ms → %i', (annual, coveredMs, monthMs, monthly) => {
    expect(monthlyFeeMinor(annual, { coveredMs, monthMs })).toBe(monthly);
  });

  it('refuses a share outside the month', () => {
    expect(() => monthlyFeeMinor(1, { coveredMs: 2, monthMs: 1 })).toThrow(/coveredMs/);
    expect(() => monthlyFeeMinor(1, { coveredMs: 0, monthMs: 0 })).toThrow(/monthMs/);
  });
});
