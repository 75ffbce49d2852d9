// `replayHistories` (src/audit/replay.ts, C12 audit) runs several replay workers on one queue of
// histories: the outcomes must be those of one worker, in the order the histories came in,
// whatever order they finish in, with each failure's first diverging event found in its own
// history even when histories of the same workflow id are in flight at once.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHistoryJson } from '../../src/audit/history';
import { replayHistories, type HistoryToReplay } from '../../src/audit/replay';
import { testWorkerDataConverter } from '../helpers/codec';
import { WORKFLOWS } from '../helpers/engine';
import { HISTORIES_DIR } from '../helpers/histories';
import { workflowBundle } from '../helpers/temporal';

const golden = (): HistoryToReplay[] =>
  readdirSync(HISTORIES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ workflowId: f, history: parseHistoryJson(readFileSync(join(HISTORIES_DIR, f), 'utf8')) }));

const isLocalActivityMarker = (e: {
  markerRecordedEventAttributes?: { markerName?: string | null } | null;
}) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity';

/**
 * The history with its first local activity marker claiming another activity type: the code
 * schedules the real one there, which the SDK reports as non-determinism at that marker.
 */
function tampered(h: HistoryToReplay): { item: HistoryToReplay; markerEventId: number } {
  const events = [...h.history.events!];
  const i = events.findIndex(isLocalActivityMarker);
  const marker = events[i]!.markerRecordedEventAttributes!;
  const payload = marker.details!.data!.payloads![0]!;
  const data = JSON.parse(Buffer.from(payload.data!).toString('utf8')) as { activity_type: string };
  const renamed = Buffer.from(JSON.stringify({ ...data, activity_type: 'notTheOpeningLookup' }));
  events[i] = {
    ...events[i],
    markerRecordedEventAttributes: {
      ...marker,
      details: { ...marker.details, data: { payloads: [{ ...payload, data: renamed }] } },
    },
  };
  return {
    item: { workflowId: h.workflowId, history: { ...h.history, events } },
    markerEventId: Number(events[i].eventId),
  };
}

describe('audit replay on several replay workers', () => {
  it('outcomes in input order, same as one worker, with each failure at its own diverging event', async () => {
    const bundle = await workflowBundle(WORKFLOWS);
    // A run that continued a ticket may have asked no lookup (a patch marker is no activity).
    const tickets = golden().filter(
      (h) => h.workflowId.startsWith('ticketWorkflow-') && h.history.events!.some(isLocalActivityMarker),
    );
    // Every golden history, then each ticket history twice more: once tampered, once intact, so
    // that a failing and a passing run of the same workflow id can be replayed at the same time.
    const expected: ({ ok: true } | { ok: false; at: number })[] = [];
    const histories: HistoryToReplay[] = [];
    for (const h of golden()) {
      histories.push(h);
      expected.push({ ok: true });
    }
    for (const h of tickets) {
      const { item, markerEventId } = tampered(h);
      histories.push(item, h);
      expected.push({ ok: false, at: markerEventId }, { ok: true });
    }

    const progress: [string, number][] = [];
    const pooled = await replayHistories(histories, {
      workflowBundle: bundle,
      dataConverter: testWorkerDataConverter(),
      concurrency: 3,
      onOutcome: (o, n) => progress.push([o.workflowId, n]),
    });
    expect(pooled).toMatchObject({
      replayed: histories.length,
      passed: histories.length - tickets.length,
      failed: tickets.length,
    });
    expect(pooled.outcomes.map((o) => o.workflowId)).toEqual(histories.map((h) => h.workflowId));
    for (const [i, o] of pooled.outcomes.entries()) {
      const want = expected[i]!;
      if (want.ok) expect(o, o.workflowId).toEqual({ workflowId: histories[i]!.workflowId, ok: true });
      else {
        expect(o.error?.name, o.workflowId).toBe('DeterminismViolationError');
        expect(o.divergedAt, `${o.workflowId}: ${o.error?.message}`).toEqual({
          eventId: want.at,
          eventType: 'MarkerRecorded',
        });
      }
    }
    // Progress: one call per history, counting 1…N as they finish.
    expect(progress.map(([, n]) => n)).toEqual(histories.map((_, i) => i + 1));
    expect(progress.map(([id]) => id).sort()).toEqual(histories.map((h) => h.workflowId).sort());

    const single = await replayHistories(histories, {
      workflowBundle: bundle,
      dataConverter: testWorkerDataConverter(),
      concurrency: 1,
    });
    expect(single).toEqual(pooled);
  }, 120_000);

  it('more workers than histories, and none at all', async () => {
    const bundle = await workflowBundle(WORKFLOWS);
    const [one] = golden();
    const summary = await replayHistories([one!], {
      workflowBundle: bundle,
      dataConverter: testWorkerDataConverter(),
      concurrency: 8,
    });
    expect(summary).toEqual({
      replayed: 1,
      passed: 1,
      failed: 0,
      outcomes: [{ workflowId: one!.workflowId, ok: true }],
    });
    expect(
      await replayHistories([], { workflowBundle: bundle, dataConverter: testWorkerDataConverter() }),
    ).toEqual({
      replayed: 0,
      passed: 0,
      failed: 0,
      outcomes: [],
    });
  }, 120_000);

  it('a history that cannot be read stops the replay with its error', async () => {
    const bundle = await workflowBundle(WORKFLOWS);
    async function* histories() {
      yield* golden().slice(0, 2);
      throw new Error('history fetch failed');
    }
    await expect(
      replayHistories(histories(), {
        workflowBundle: bundle,
        dataConverter: testWorkerDataConverter(),
        concurrency: 2,
      }),
    ).rejects.toThrow('history fetch failed');
  }, 120_000);
});
