// I15: when terms take effect, as people give it — a day is 00:00 in the month zone, an instant
// is taken as given; anything else is refused with one message naming what is expected.
import { describe, expect, it } from 'vitest';
import { EFFECTIVE_HINT, EffectiveInstant, effectiveAt } from '../../src/model/terms';

const at = (value: string, zone = 'America/Toronto') => effectiveAt(EffectiveInstant.parse(value), zone);

describe('effective instants (I15)', () => {
  it('reads a day as 00:00 in the month zone, through DST', () => {
    expect(at('2026-03-01')).toBe('2026-03-01T05:00:00.000Z');
    expect(at('2026-07-01')).toBe('2026-07-01T04:00:00.000Z');
    expect(at('2026-07-01', 'UTC')).toBe('2026-07-01T00:00:00.000Z');
    // Santiago skips 00:00 on its spring-forward day: the day begins at 01:00 local.
    expect(at('2026-09-06', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
  });

  it('takes an instant with an offset as given', () => {
    expect(at('2026-03-01T10:00:00+02:00')).toBe('2026-03-01T08:00:00.000Z');
    expect(at('2026-03-01T10:00:00.123Z')).toBe('2026-03-01T10:00:00.123Z');
  });

  it('refuses anything else with one message', () => {
    for (const bad of [
      '2026-13-01',
      '2026-02-30',
      '1969-12-31',
      '0000-01-01T00:00:00Z',
      '2026-03-01T10:00:00',
      'tomorrow',
      '',
    ]) {
      const result = EffectiveInstant.safeParse(bad);
      expect(result.success, bad).toBe(false);
      expect(
        result.error?.issues.map((i) => i.message),
        bad,
      ).toEqual([EFFECTIVE_HINT]);
    }
  });
});
