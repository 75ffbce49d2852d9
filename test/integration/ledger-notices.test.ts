// Each customer's maintenance notices in the ledger (I9 as amended), on every store: written once
// by (maintenance, customer, version), in bulk, refused when a key comes back with other facts;
// read per window for one customer or a batch of customers; the window's rounds kept with it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LedgerConflictError,
  LedgerInputError,
  WRITTEN_ONCE_SQLSTATE,
  type CustomerNotice,
  type MaintenanceRecord,
} from '../../src/ledger';
import { createTestLedger, type LedgerKind, type TestLedger } from '../helpers/ledger';

const START = '2026-04-14T04:00:00.000Z';
const END = '2026-04-14T06:00:00.000Z';

/** A notice of the window [START, END) that reached the customer, unless `over` says otherwise. */
const REACHED = {
  kind: 'announced',
  start: START,
  end: END,
  sentAt: '2026-04-10T09:00:00.000Z',
} as const;
const notice = (
  maintenanceId: string,
  customerId: string,
  version: number,
  over: Partial<CustomerNotice> = {},
): CustomerNotice => ({ ...REACHED, maintenanceId, customerId, version, ...over });

const windowRecord = (maintenanceId: string, over: Partial<MaintenanceRecord> = {}): MaintenanceRecord => ({
  maintenanceId,
  start: START,
  end: END,
  regions: ['ca-central'],
  announcedAt: '2026-04-10T09:00:00.000Z',
  qualifies: false,
  actualStart: null,
  actualEnd: null,
  status: 'completed',
  policyVersion: 'p1',
  workflowId: `maintenance-${maintenanceId}`,
  ...over,
});

describe.each<LedgerKind>(['pglite', 'served', 'postgres'])('maintenance notices on %s', (kind) => {
  let ledger: TestLedger;
  const count = async (sql: string) => Number((await ledger.driver.query<{ n: unknown }>(sql))[0]!.n);

  beforeAll(async () => {
    ledger = await createTestLedger(kind);
  });
  afterAll(() => ledger?.cleanup());

  it('writes 12,000 notices in one call; a repeat writes nothing', async () => {
    const ids = Array.from({ length: 12_000 }, (_, i) => `c${String(i).padStart(5, '0')}`);
    const round = ids.map((c, i) => notice('m-bulk', c, 1, i % 1000 === 7 ? { sentAt: null } : {}));
    expect(await ledger.recordMaintenanceNotices(round)).toEqual({ written: 12_000, existing: 0 });
    expect(await ledger.recordMaintenanceNotices(round.slice(0, 3))).toEqual({ written: 0, existing: 3 });
    expect(
      await count(
        `SELECT count(*) AS n FROM maintenance_notices WHERE maintenance_id = 'm-bulk' AND sent_at IS NULL`,
      ),
    ).toBe(12);
  });

  it('refuses a key that exists with other facts, and a bad row, writing nothing of the call', async () => {
    const first = notice('m-clash', 'acme', 1);
    await ledger.recordMaintenanceNotices([first]);
    const fresh = notice('m-clash', 'initech', 1);
    await expect(ledger.recordMaintenanceNotices([fresh, { ...first, sentAt: null }])).rejects.toThrow(
      LedgerConflictError,
    );
    await expect(ledger.recordMaintenanceNotices([fresh, { ...first, kind: 'withdrawn' }])).rejects.toThrow(
      /maintenance notice m-clash v1 to acme exists with other facts/,
    );
    await expect(ledger.recordMaintenanceNotices([fresh, notice('m-clash', 'globex', 0)])).rejects.toThrow(
      LedgerInputError,
    );
    await expect(ledger.recordMaintenanceNotices([fresh, notice('m-clash', 'globex', 0)])).rejects.toThrow(
      /\[1\], version/,
    );
    expect(await ledger.maintenanceNotices({ maintenanceIds: ['m-clash'] })).toEqual([first]);
    const refused = await ledger.driver
      .query(`UPDATE maintenance_notices SET sent_at = NULL WHERE maintenance_id = 'm-clash'`)
      .then(
        () => ({}),
        (err: { code?: string }) => err,
      );
    expect(refused).toMatchObject({ code: WRITTEN_ONCE_SQLSTATE });
  });

  it('reads the notices of some windows, for one customer or a batch (after, through]', async () => {
    const rows = [
      notice('m-read-a', 'acme', 1),
      notice('m-read-a', 'acme', 2, { kind: 'withdrawn', sentAt: null }),
      notice('m-read-a', 'globex', 1),
      notice('m-read-a', 'initech', 1),
      notice('m-read-b', 'acme', 1, { start: '2026-04-20T04:00:00.000Z', end: '2026-04-20T05:00:00.000Z' }),
      notice('m-read-c', 'acme', 1),
    ];
    await ledger.recordMaintenanceNotices([...rows].reverse());
    const ids = ['m-read-a', 'm-read-b'];
    expect(await ledger.maintenanceNotices({ maintenanceIds: ids })).toEqual(rows.slice(0, 5));
    expect(await ledger.maintenanceNotices({ maintenanceIds: ids, customerId: 'acme' })).toEqual([
      rows[0],
      rows[1],
      rows[4],
    ]);
    expect(
      await ledger.maintenanceNotices({
        maintenanceIds: ids,
        customerRange: { after: 'acme', through: 'globex' },
      }),
    ).toEqual([rows[2]]);
    expect(
      await ledger.maintenanceNotices({
        maintenanceIds: ids,
        customerRange: { after: null, through: 'acme' },
      }),
    ).toEqual([rows[0], rows[1], rows[4]]);
    expect(await ledger.maintenanceNotices({ maintenanceIds: [] })).toEqual([]);
  });

  it("keeps a window's rounds; a window recorded without them reads without them", async () => {
    const rounds = [
      {
        version: 1,
        kind: 'scheduled' as const,
        start: START,
        end: END,
        regions: ['ca-central'],
        publishedAt: '2026-04-10T09:00:00.000Z',
      },
      {
        version: 2,
        kind: 'cancelled' as const,
        start: START,
        end: END,
        regions: ['ca-central'],
        publishedAt: '2026-04-12T09:00:00.000Z',
      },
    ];
    await ledger.recordMaintenance(windowRecord('m-rounds', { status: 'cancelled', rounds }));
    await ledger.recordMaintenance(windowRecord('m-no-rounds'));
    const read = await ledger.maintenance({ from: '2026-04-01T00:00:00Z', to: '2026-05-01T00:00:00Z' });
    expect(read.find((m) => m.maintenanceId === 'm-rounds')).toEqual(
      windowRecord('m-rounds', { status: 'cancelled', rounds }),
    );
    expect(read.find((m) => m.maintenanceId === 'm-no-rounds')).toEqual(windowRecord('m-no-rounds'));
  });
});
