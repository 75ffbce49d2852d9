// `sla uptime` as on-call and finance run it (C1, C3, C4, C14; I8, I9): the month's figure from
// what the ledger recorded, per region, with incidents and a per-day chart; bad flags exit 2.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLedger, type MaintenanceRecord, type OutageRecord } from '../../src/ledger';
import { sla } from '../helpers/cli';
import { seedLedgerDir } from '../helpers/ledger';

let dataDir: string;
const env = () => ({ SLA_DATA_DIR: dataDir, DATABASE_URL: '', SLA_LEDGER_DIR: '' });

const outage = (id: string, start: string, end: string, over: Partial<OutageRecord> = {}): OutageRecord => ({
  outageId: id,
  start,
  end,
  classification: 'unexpected',
  regions: ['ca-central'],
  engagedAt: null,
  engagedBy: null,
  engagementMet: true,
  classificationHistory: [],
  policyVersion: 'test',
  workflowId: `outage-${id}`,
  ...over,
});

const window = (id: string, over: Partial<MaintenanceRecord>): MaintenanceRecord => ({
  maintenanceId: id,
  start: '2026-10-10T06:00:00Z',
  end: '2026-10-10T08:00:00Z',
  regions: ['ca-central'],
  announcedAt: '2026-10-08T06:00:00Z',
  qualifies: true,
  actualStart: null,
  actualEnd: null,
  status: 'completed',
  policyVersion: 'test',
  workflowId: `maintenance-${id}`,
  ...over,
});

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sla-uptime-cli-'));
  const ledgerDir = await seedLedgerDir(dataDir);
  const ledger = await openLedger({ databaseUrl: undefined, ledgerDir });
  try {
    // October 2026 in Toronto: 31 days + the fall-back hour is in November, so 44,640 minutes.
    await ledger.recordOutage(outage('A', '2026-10-05T14:00:00Z', '2026-10-05T14:30:00Z'));
    // Overlaps A by 10 minutes: counted once (I9).
    await ledger.recordOutage(outage('B', '2026-10-05T14:20:00Z', '2026-10-05T14:40:00Z'));
    // Partial (C4) and in another region: recorded, not counted.
    await ledger.recordOutage(
      outage('C', '2026-10-06T10:00:00Z', '2026-10-06T12:00:00Z', { classification: 'partial' }),
    );
    await ledger.recordOutage(
      outage('D', '2026-10-07T10:00:00Z', '2026-10-07T11:00:00Z', { regions: ['eu-west'] }),
    );
    // Qualifying window that overran by 15 minutes: 2 h excluded, 15 min down.
    await ledger.recordMaintenance(
      window('M1', { actualStart: '2026-10-10T06:00:00Z', actualEnd: '2026-10-10T08:15:00Z' }),
    );
    // A cancelled window never ran.
    await ledger.recordMaintenance(
      window('M2', { maintenanceId: 'M2', status: 'cancelled', qualifies: false, announcedAt: null }),
    );
  } finally {
    await ledger.close();
  }
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('sla uptime', () => {
  it('computes a region month from the ledger: union of counted outages, excluded maintenance, overrun (I9)', async () => {
    const result = await sla(['uptime', '--month', '2026-10', '--region', 'ca-central', '--json'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout) as Record<string, unknown> & {
      days: { date: string; downtimeMs: number }[];
    };
    expect(answer).toMatchObject({
      month: '2026-10',
      timeZone: 'America/Toronto',
      region: 'ca-central',
      totalMs: 44_640 * 60_000,
      excludedMs: 120 * 60_000,
      downtimeMs: 55 * 60_000, // 40 min (A ∪ B) + 15 min overrun
      recordedOutages: 4,
      countedOutageIds: ['A', 'B'],
      qualifyingMaintenanceIds: ['M1'],
      targetPercent: '99.95',
      metTarget: false,
    });
    // (44,640 − 120 − 55) / (44,640 − 120) = 99.87646…
    expect(answer.uptimePercent).toBe('99.8764');
    expect(answer.days).toHaveLength(31);
    expect(answer.days.find((d) => d.date === '2026-10-05')!.downtimeMs).toBe(40 * 60_000);
    expect(answer.days.find((d) => d.date === '2026-10-10')!.downtimeMs).toBe(15 * 60_000);
  });

  it('counts an outage of another region only there', async () => {
    const result = await sla(['uptime', '--month', '2026-10', '--region', 'eu-west', '--json'], env());
    const answer = JSON.parse(result.stdout) as { downtimeMs: number; countedOutageIds: string[] };
    expect(answer.countedOutageIds).toEqual(['D']);
    expect(answer.downtimeMs).toBe(60 * 60_000);
  });

  it('prints a readable summary, the incidents and a per-day chart', async () => {
    const result = await sla(['uptime', '--month', '2026-10', '--region', 'ca-central'], env());
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('uptime       99.8764 %  (target 99.95 %: MISSED)');
    expect(result.stdout).toContain('downtime     55.0 min from 2 counted of 4 recorded outage(s)');
    expect(result.stdout).toMatch(/10-05 █+ 40\.0 min/);
    // I8: incidents in the month's zone (--json keeps the UTC instants).
    expect(result.stdout).toMatch(/^start \(America\/Toronto\)\s+end\s+downtime min/m);
    expect(result.stdout).toMatch(/^2026-10-05 10:00 EDT\s+2026-10-05 10:40 EDT\s+40\.0\s+A B/m);
  });

  it('names a bad flag and exits 2 without opening the ledger', async () => {
    const result = await sla(['uptime', '--month', '2026-13', '--region', 'CA Central'], env());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--month: expected a month "YYYY-MM"');
    expect(result.stderr).toContain('--region: expected letters, digits');
  });
});
