// I9 as amended: each customer's exclusion from the notices that reached them (noticeCover), and
// what it does to a month's figures.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { unionOf } from '../../src/calendar/intervals';
import { noticeCover, noticeCovers, type NoticeInput } from '../../src/rules/maintenance';
import { monthUptime, type MaintenanceInput } from '../../src/rules/uptime';

const ZONE = 'America/Toronto';
const H = 3_600_000;
const MINUTE = 60_000;
const et = (local: string) => DateTime.fromISO(local, { zone: ZONE }).toMillis();
const START = et('2026-04-12T02:00');
const END = et('2026-04-12T04:00');
const notice = (sentAt: number | null, start = START, end = END): NoticeInput => ({
  sentAt,
  window: { start, end },
});
const withdrawal = (sentAt: number | null): NoticeInput => ({ sentAt, window: null });

describe('noticeCover (I9 as amended)', () => {
  it('a notice exactly 24 h before its window qualifies; a millisecond less does not', () => {
    expect(noticeCover([notice(START - 24 * H)], 24)).toEqual([{ start: START, end: END }]);
    expect(noticeCover([notice(START - 24 * H + 1)], 24)).toEqual([]);
    expect(noticeCover([notice(null)], 24)).toEqual([]);
  });

  it('a reschedule keeps what the earlier notice still covers and withdraws the rest', () => {
    // Announced 02:00–04:00 two days ahead; moved to 03:00–05:00 two hours ahead.
    const notices = [notice(START - 48 * H), notice(START - H, START + H, END + H)];
    expect(noticeCover(notices, 24)).toEqual([{ start: START + H, end: END }]);
    expect(noticeCovers(notices, 24)).toEqual([
      { leadMs: 48 * H, qualifies: true, cover: { start: START + H, end: END }, withdrawnBy: 1 },
      { leadMs: 2 * H, qualifies: false, cover: null, withdrawnBy: null },
    ]);
  });

  it('a reschedule announced in time covers its own window too', () => {
    const later = notice(START - 30 * H, START + 24 * H, END + 24 * H);
    expect(noticeCover([notice(START - 48 * H), later], 24)).toEqual([
      { start: START + 24 * H, end: END + 24 * H },
    ]);
  });

  it('a cancellation withdraws everything, whether or not it reached the customer', () => {
    expect(noticeCover([notice(START - 48 * H), withdrawal(START - 2 * H)], 24)).toEqual([]);
    expect(noticeCovers([notice(START - 48 * H), withdrawal(null)], 24)[0]).toMatchObject({
      qualifies: true,
      cover: null,
      withdrawnBy: 1,
    });
  });

  it('a withdrawal followed by a new announcement covers only what the new one covers', () => {
    const again = notice(START - 25 * H, START + 30 * MINUTE, END);
    expect(noticeCover([notice(START - 48 * H), withdrawal(START - 40 * H), again], 24)).toEqual([
      { start: START + 30 * MINUTE, end: END },
    ]);
  });

  it('agrees with the union of what each notice covers (noticeCovers, the explanation)', () => {
    const instant = fc.integer({ min: -72 * 60, max: 12 * 60 }).map((m) => START + m * MINUTE);
    const anyNotice = fc.record({
      sentAt: fc.option(instant, { nil: null }),
      window: fc.option(
        fc
          .tuple(instant, fc.integer({ min: 0, max: 6 * 60 }))
          .map(([start, m]) => ({ start, end: start + m * MINUTE })),
        { nil: null },
      ),
    });
    fc.assert(
      fc.property(fc.array(anyNotice, { maxLength: 5 }), (notices) => {
        const covers = noticeCovers(notices, 24).flatMap((c) => (c.cover ? [c.cover] : []));
        expect(noticeCover(notices, 24)).toEqual(unionOf(covers));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses a negative notice', () => {
    expect(() => noticeCover([], -1)).toThrow(/noticeHours/);
    expect(() => noticeCovers([], Number.NaN)).toThrow(/noticeHours/);
  });
});

describe('a month on the notices that reached the customer (I9 as amended)', () => {
  const monthOf = (w: MaintenanceInput) =>
    monthUptime({ month: '2026-04', zone: ZONE, noticeHours: 24, outages: [], maintenance: [w] });
  const month = (notices: NoticeInput[], ran: { actualStart?: number; actualEnd?: number } = {}) =>
    monthOf({ id: 'mw', start: START, end: END, notices, ...ran });

  it('a 10-minute extension announced 2 h before the start: the announced 2 h stay excluded, only the 10 min are downtime', () => {
    const extended = notice(START - 2 * H, START, END + 10 * MINUTE);
    // The record's window is the one finally announced; the work ran all of it.
    const r = monthOf({
      id: 'mw',
      start: START,
      end: END + 10 * MINUTE,
      notices: [notice(START - 48 * H), extended],
    });
    expect(r).toMatchObject({ excludedMs: 2 * H, downtimeMs: 10 * MINUTE, qualifyingMaintenanceIds: ['mw'] });
    expect(r.incidents).toEqual([
      { start: END, end: END + 10 * MINUTE, downtimeMs: 10 * MINUTE, outageIds: [], maintenanceIds: ['mw'] },
    ]);
  });

  it('a rescheduled window that ran where finally announced: the part no in-time notice covers is downtime', () => {
    const r = monthOf({
      id: 'mw',
      start: START + H,
      end: END + H,
      notices: [notice(START - 48 * H), notice(START - H, START + H, END + H)],
    });
    expect(r).toMatchObject({ excludedMs: H, downtimeMs: H });
  });

  it('a cancelled window that ran anyway is downtime for all its running time', () => {
    const r = month([notice(START - 48 * H), withdrawal(START - H)], {
      actualStart: START,
      actualEnd: START + 20 * MINUTE,
    });
    expect(r).toMatchObject({ excludedMs: 0, downtimeMs: 20 * MINUTE });
  });

  it('an early end gives the rest of the window back as ordinary time', () => {
    expect(month([notice(START - 48 * H)], { actualEnd: START + H })).toMatchObject({
      excludedMs: H,
      downtimeMs: 0,
    });
  });

  it('names a bad notice by its place', () => {
    expect(() => month([notice(START - 48 * H), { sentAt: 1.5, window: null }])).toThrow(
      'maintenance[0].notices[1].sentAt: expected epoch milliseconds or null',
    );
    expect(() => month([notice(START - 48 * H, END, START)])).toThrow(
      'maintenance[0].notices[0].end: must not be before start',
    );
  });
});
