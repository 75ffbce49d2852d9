// A round's notices as the maintenance workflow writes them to the ledger (I9 as amended): one
// row per attempt, withdrawals as such, and a round of 10,000 customers in calls small enough
// for Temporal's 2 MB payload limit.
import { describe, expect, it } from 'vitest';
import type { NoticeDelivery, NoticeRound } from '../../src/messages/maintenance';
import { NOTICES_PER_CALL, roundNotices } from '../../src/workflows/maintenance';

const delivery = (customerId: string, sentAt: string | null): NoticeDelivery => ({
  customerId,
  messageId: `<maintenance-M.v1.${customerId}@sla-engine>`,
  ok: sentAt !== null,
  sentAt,
  recipients: sentAt ? 1 : 0,
  detail: sentAt ? 'sent' : 'SMTP 550',
});
const SENT = '2026-04-10T09:00:00.000Z';
const round = (over: Partial<NoticeRound>): NoticeRound => ({
  version: 2,
  kind: 'rescheduled',
  start: '2026-04-14T04:00:00.000Z',
  end: '2026-04-14T06:00:00.000Z',
  regions: ['ca-east'],
  requestedAt: SENT,
  sentAt: SENT,
  deliveries: [],
  withdrawals: [],
  done: true,
  ...over,
});

describe('roundNotices', () => {
  it('keeps every attempt: delivered, failed, and withdrawals with the round’s window', () => {
    const r = round({
      deliveries: [delivery('acme', SENT), delivery('initech', null)],
      withdrawals: [delivery('globex', SENT)],
    });
    const window = { maintenanceId: 'M', version: 2, start: r.start, end: r.end };
    expect(roundNotices('M', r)).toEqual([
      [
        { ...window, customerId: 'acme', kind: 'announced', sentAt: SENT },
        { ...window, customerId: 'initech', kind: 'announced', sentAt: null },
        { ...window, customerId: 'globex', kind: 'withdrawn', sentAt: SENT },
      ],
    ]);
  });

  it('writes a cancellation round as withdrawals, and an empty round not at all', () => {
    const cancelled = round({ kind: 'cancelled', deliveries: [delivery('globex', SENT)] });
    expect(
      roundNotices('M', cancelled)
        .flat()
        .map((n) => n.kind),
    ).toEqual(['withdrawn']);
    expect(roundNotices('M', round({}))).toEqual([]);
  });

  it('splits 10,000 customers into calls of at most 2,000 rows, in order, each well below 2 MB', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `customer-${String(i).padStart(5, '0')}`);
    const calls = roundNotices('M-LARGE', round({ deliveries: ids.map((c) => delivery(c, SENT)) }));
    expect(NOTICES_PER_CALL).toBe(2_000);
    expect(calls.map((c) => c.length)).toEqual([2_000, 2_000, 2_000, 2_000, 2_000]);
    expect(calls.flat().map((n) => n.customerId)).toEqual(ids);
    const largest = Math.max(...calls.map((c) => Buffer.byteLength(JSON.stringify({ notices: c }))));
    expect(largest).toBeLessThan(512 * 1024);
  });
});
