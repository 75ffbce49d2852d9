// Each region's daily uptime as the embeddable fragment of SVG charts (C1; I8, I9).
import { describe, expect, it } from 'vitest';
import { regionUptimeFigure } from '../../src/report/uptime-chart';
import type { RegionDays } from '../../src/report/uptime';
import { dailyUptime } from '../../src/rules/uptime';

const ZONE = 'America/Toronto';
const days = (outages: { start: number; end: number }[]) =>
  dailyUptime({
    month: '2026-11',
    zone: ZONE,
    noticeHours: 72,
    outages: outages.map((o, i) => ({
      id: `o-${i}`,
      ...o,
      classification: 'unexpected',
      regions: ['ca-central'],
    })),
    maintenance: [],
  });

const series = (regions: RegionDays['regions']): RegionDays => ({
  month: '2026-11',
  timeZone: ZONE,
  policyVersion: 'p1',
  targetPercent: '99.9',
  regions,
});

describe('regionUptimeFigure', () => {
  it('one chart per region, one bar per local day, its styles once, every text escaped', () => {
    const down = days([
      { start: Date.parse('2026-11-03T15:00:00Z'), end: Date.parse('2026-11-03T17:00:00Z') },
    ]);
    const html = regionUptimeFigure(
      series([
        { region: 'ca-central', uptimePercent: '99.7222', downtimeMs: 7_200_000, excludedMs: 0, days: down },
        { region: '<eu-west>', uptimePercent: '100.0000', downtimeMs: 0, excludedMs: 0, days: days([]) },
      ]),
    );
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html.match(/<style>/g)).toHaveLength(1);
    // November 2026 in Toronto has 30 local days (one of 25 hours): 30 bars a chart.
    expect(html.match(/<rect /g)).toHaveLength(60);
    expect(html).toContain('2026-11-03: 91.6666 % (down 120.0 min');
    expect(html).toContain('ca-central — 99.7222 % (120.0 min down, 0.0 min excluded)');
    expect(html).toContain('&lt;eu-west&gt;');
    expect(html).not.toContain('<eu-west>');
    expect(html).not.toMatch(/<script|https?:/);
  });

  it('says so when no region has anything in the month', () => {
    expect(regionUptimeFigure(series([]))).toContain('no region has customers or records in 2026-11');
  });
});
