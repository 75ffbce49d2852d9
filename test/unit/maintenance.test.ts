// Planned maintenance rules (C1, I9) and input shapes, as plain functions.
import { describe, expect, it } from 'vitest';
import { RescheduleMaintenance, ScheduleMaintenance } from '../../src/model/maintenance';
import { noticeMessageId, noticeQualification, overrunMs } from '../../src/rules/maintenance';

const START = Date.parse('2026-03-08T07:00:00Z'); // the DST change in Toronto: hours stay real hours
const H = 3_600_000;

describe('C1: the notice qualifies a window for exclusion', () => {
  const check = (noticeAt: number | null, extra: Partial<Parameters<typeof noticeQualification>[0]> = {}) =>
    noticeQualification({ noticeAt, start: START, noticeHours: 24, affected: 2, failed: 0, ...extra });

  it('exactly 24 h ahead qualifies', () => {
    expect(check(START - 24 * H)).toEqual({
      qualifies: true,
      leadMinutes: 1440,
      reason: 'notice went out 24 h 00 min before the start (at least 24 h 00 min required, C1)',
    });
  });

  it('a millisecond less, or 23 h 59 min, does not', () => {
    expect(check(START - 24 * H + 1).qualifies).toBe(false);
    expect(check(START - 24 * H + 60_000)).toEqual({
      qualifies: false,
      leadMinutes: 1439,
      reason: 'notice went out 23 h 59 min before the start, less than the 24 h 00 min required (C1)',
    });
  });

  it('a notice after the start does not qualify', () => {
    expect(check(START + 60_000)).toMatchObject({
      qualifies: false,
      reason: expect.stringMatching(/after the start/),
    });
  });

  it('a notice that missed a customer, or reached nobody, does not qualify', () => {
    expect(check(START - 48 * H, { failed: 1 })).toMatchObject({
      qualifies: false,
      reason: 'the notice did not reach 1 of 2 customers',
    });
    expect(check(null, { affected: 0 })).toMatchObject({ qualifies: false, leadMinutes: null });
  });

  it('follows the policy: a 48-hour notice period', () => {
    expect(check(START - 30 * H, { noticeHours: 48 }).qualifies).toBe(false);
    expect(check(START - 48 * H, { noticeHours: 48 }).qualifies).toBe(true);
  });
});

describe('I9: overrun', () => {
  it('is the time past the announced end, never negative', () => {
    expect(overrunMs(START, START + 20 * 60_000)).toBe(20 * 60_000);
    expect(overrunMs(START, START - 1)).toBe(0);
    expect(overrunMs(START, null)).toBe(0);
  });
});

describe('notice Message-IDs', () => {
  it('are fixed per window, version and customer, with a valid local part', () => {
    expect(noticeMessageId('maintenance-M1', 2, 'acme')).toBe('<maintenance-M1.v2.acme@sla-engine>');
    expect(noticeMessageId('maintenance-M1', 2, 'org:acme')).toBe(
      '<maintenance-M1.v2.org=3Aacme@sla-engine>',
    );
  });
});

describe('maintenance inputs', () => {
  const valid = {
    maintenanceId: 'M-1',
    start: '2026-12-01T03:00:00-05:00',
    end: '2026-12-01T05:00:00-05:00',
    regions: ['ca-east'],
    description: 'Kernel patches',
  };

  it('accept a window with an offset, and a start in the past (a late notice)', () => {
    expect(ScheduleMaintenance.parse(valid)).toEqual(valid);
    expect(ScheduleMaintenance.safeParse({ ...valid, start: '2001-01-01T00:00:00Z' }).success).toBe(true);
  });

  it('name the bad field', () => {
    const issues = (v: unknown) =>
      ScheduleMaintenance.safeParse(v).error?.issues.map((i) => [i.path.join('.'), i.message]);
    expect(issues({ ...valid, end: valid.start })).toEqual([['end', 'must be after start']]);
    expect(issues({ ...valid, regions: [] })).toEqual([['regions', 'at least one region']]);
    expect(issues({ ...valid, regions: ['ca-east', 'ca-east'] })).toEqual([
      ['regions', 'regions must not repeat'],
    ]);
    expect(issues({ ...valid, start: '2026-12-01 03:00' })?.[0]?.[0]).toBe('start');
    expect(issues({ ...valid, description: '  ' })?.[0]?.[0]).toBe('description');
    expect(
      RescheduleMaintenance.safeParse({ start: valid.start, end: valid.end }).error?.issues.map(
        (i) => i.path[0],
      ),
    ).toEqual(['requestId']);
  });
});
