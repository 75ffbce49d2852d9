// I14: a manual month close inside the grace period is refused unless forced, with when it ends.
import { describe, expect, it } from 'vitest';
import { manualClose } from '../../src/rules/month-close';

// October 2026 in Toronto ends at 2026-11-01T04:00Z (EDT); 72 h of grace → 2026-11-04T04:00Z.
const base = {
  month: '2026-10',
  zone: 'America/Toronto',
  graceHours: 72,
  force: false,
  forceFlag: '--force',
};
const at = (iso: string) => Date.parse(iso);

describe('manualClose (I14)', () => {
  it('refuses a month that has not ended, forced or not', () => {
    for (const force of [false, true])
      expect(manualClose({ ...base, force, now: at('2026-11-01T03:59:59Z') })).toMatchObject({
        allowed: false,
        reason: 'not-ended',
        message: '2026-10 has not ended yet in America/Toronto',
      });
  });
  it('refuses inside the grace, saying when it ends (UTC and the zone) and how to force', () => {
    const r = manualClose({ ...base, now: at('2026-11-02T12:00:00Z') });
    expect(r).toMatchObject({ allowed: false, reason: 'in-grace', graceEnd: '2026-11-04T04:00:00.000Z' });
    expect(r.allowed || r.message).toContain('until 2026-11-04T04:00:00.000Z (2026-11-03 23:00 EST, 72 h');
    expect(r.allowed || r.message).toContain('--force closes it now');
  });
  it('allows a forced close inside the grace', () => {
    expect(manualClose({ ...base, force: true, now: at('2026-11-02T12:00:00Z') })).toEqual({ allowed: true });
  });
  it('allows a close from the grace end on', () => {
    expect(manualClose({ ...base, now: at('2026-11-04T04:00:00Z') })).toEqual({ allowed: true });
    expect(manualClose({ ...base, now: at('2026-11-04T03:59:59Z') })).toMatchObject({ reason: 'in-grace' });
  });
  it('a grace of 0 h allows the close as soon as the month has ended', () => {
    expect(manualClose({ ...base, graceHours: 0, now: at('2026-11-01T04:00:00Z') })).toEqual({
      allowed: true,
    });
  });
});
