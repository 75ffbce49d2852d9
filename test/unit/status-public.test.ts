// The public status page's pure parts (docs/status-page.md): a region's state from open outages
// (C4: partial) and announced maintenance in progress, the Statuspage rollup, and an outage's
// public steps made from its facts alone, never from who or why.
import { describe, expect, it } from 'vitest';
import {
  publicIncident,
  regionState,
  type PublicMaintenance,
  type PublicStatus,
} from '../../src/status/public';
import { statusSummary } from '../../src/status/summary';

const outage = (
  classification: 'unexpected' | 'partial' | 'external',
  regions: string[],
  end: string | null = null,
) =>
  publicIncident({
    workflowId: `outage-${classification}-${regions.join()}`,
    detectedAt: '2026-12-01T10:00:00.000Z',
    engagedAt: '2026-12-01T10:05:00.000Z',
    end,
    classification,
    regions,
    // The first entry is the report's own (unexpected), the second a responder's classification.
    classificationHistory: [
      { at: '2026-12-01T10:00:00.000Z', classification: 'unexpected', regions },
      { at: '2026-12-01T10:07:00.000Z', classification, regions },
    ],
  });

const window = (state: PublicMaintenance['state'], regions: string[]): PublicMaintenance => ({
  id: 'm1',
  regions,
  start: '2026-12-01T09:00:00.000Z',
  end: '2026-12-01T11:00:00.000Z',
  announcedAt: '2026-11-28T09:00:00.000Z',
  state,
});

describe('region state', () => {
  it('an outage outranks maintenance; partial (C4) is a partial outage; no regions is every region', () => {
    expect(regionState('ca', [outage('partial', ['ca'])], [window('in_progress', ['ca'])])).toBe(
      'partial_outage',
    );
    expect(regionState('ca', [outage('partial', ['ca']), outage('external', ['ca'])], [])).toBe(
      'major_outage',
    );
    expect(regionState('eu', [outage('unexpected', [])], [])).toBe('major_outage');
    expect(regionState('eu', [outage('unexpected', ['ca'])], [window('in_progress', ['eu'])])).toBe(
      'under_maintenance',
    );
    expect(regionState('eu', [], [window('scheduled', ['eu'])])).toBe('operational');
    expect(regionState('ca', [outage('unexpected', ['ca'], '2026-12-01T12:00:00.000Z')], [])).toBe(
      'operational',
    );
  });

  it('an outage’s public steps are its instants and kinds', () => {
    expect(outage('unexpected', ['ca'], '2026-12-01T12:00:00.000Z').updates.map((u) => u.kind)).toEqual([
      'reported',
      'acknowledged',
      'classified',
      'resolved',
    ]);
  });
});

describe('the Statuspage rollup', () => {
  const status = (states: PublicStatus['regions'][number]['state'][]): PublicStatus => ({
    generatedAt: '2026-12-01T10:30:00.000Z',
    timeZone: 'America/Toronto',
    targetPercent: '99.95',
    tiers: [],
    regions: states.map((state, k) => ({
      name: `r${k}`,
      state,
      days: [],
      month: { month: '2026-12', uptimePercent: '100.0000', targetPercent: '99.95', metTarget: true },
    })),
    incidents: [],
    maintenance: [],
  });
  it.each([
    [['major_outage', 'major_outage'], 'critical'],
    [['major_outage', 'operational'], 'major'],
    [['partial_outage', 'under_maintenance'], 'minor'],
    [['under_maintenance', 'operational'], 'maintenance'],
    [['operational'], 'none'],
  ] as const)('%j → %s', (states, indicator) => {
    expect(statusSummary(status([...states]), 'http://x/status').status.indicator).toBe(indicator);
  });
});
