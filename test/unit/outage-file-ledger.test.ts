// The worker's interim outage store (until the SQL ledger is merged): one line per outage id,
// a repeated write is 'exists', concurrent writes of one outage leave one line, and a range
// query returns the outages that overlap it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outageFileLedger } from '../../src/ledger/outage-file';
import type { OutageRecord } from '../../src/ledger/types';

const outage = (outageId: string, start: string, end: string): OutageRecord => ({
  outageId,
  start,
  end,
  classification: 'unexpected',
  regions: ['ca-central'],
  engagedAt: null,
  engagedBy: null,
  engagementMet: false,
  classificationHistory: [],
  policyVersion: 'test',
  workflowId: `outage-${outageId}`,
});

describe('outage file ledger', () => {
  it('writes each outage once, even when the same write races itself', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sla-outages-')), 'outages.jsonl');
    const ledger = outageFileLedger(file);
    const a = outage('A', '2026-11-30T15:00:00.000Z', '2026-11-30T15:40:00.000Z');
    const results = await Promise.all([
      ledger.recordOutage(a),
      ledger.recordOutage(a),
      ledger.recordOutage(a),
    ]);
    expect(results.sort()).toEqual(['exists', 'exists', 'written']);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(1);
    await ledger.recordOutage(outage('B', '2026-12-01T04:55:00.000Z', '2026-12-01T05:10:00.000Z'));
    const november = await ledger.outages({
      from: '2026-11-01T04:00:00.000Z',
      to: '2026-12-01T05:00:00.000Z',
    });
    expect(november.map((o) => o.outageId)).toEqual(['A', 'B']);
    expect(
      await ledger.outages({ from: '2026-12-01T05:10:00.000Z', to: '2027-01-01T05:00:00.000Z' }),
    ).toEqual([]);
    await expect(ledger.creditEntries({})).rejects.toThrow(/needs the SQL ledger/);
  });
});
