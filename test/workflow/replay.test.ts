// Every golden history under test/histories/ replays against the current workflow code: a change
// that would break running tickets, sessions, outages, maintenance windows, billing months or
// the month-close trigger (non-determinism) fails here, in CI.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { testWorkerDataConverter } from '../helpers/codec';
import { WORKFLOWS } from '../helpers/engine';
import { HISTORIES_DIR } from '../helpers/histories';
import { workflowBundle } from '../helpers/temporal';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('golden histories', () => {
  const TYPES = [
    'billingMonthWorkflow',
    'billingScheduleWorkflow',
    'maintenanceWorkflow',
    'outageWorkflow',
    'sessionWorkflow',
    'ticketWorkflow',
  ];
  const typeOf = (file: string) => file.split('-')[0];

  it('cover every workflow type', () => {
    expect([...new Set(files.map(typeOf))].sort()).toEqual(TYPES);
  });

  // Time-skipping runs alone could hide what only a real server records (real
  // timers, retries after a killed worker, a Schedule's trigger); `npm run histories:dev` writes
  // the `<type>-dev-*.json` files.
  it('cover every workflow type with a real dev-server run', () => {
    const dev = files.filter((f) => f.includes('-dev-'));
    expect([...new Set(dev.map(typeOf))].sort()).toEqual(TYPES);
  });

  // Under load the opening's local activity can outlast the first workflow task, which is then
  // completed with only what came before it (the patch marker, asked before the first await) and a
  // second task records the lookup's marker and what follows; a new worker replays such a ticket
  // from scratch (the worker-kill drill). Built from the dev run's history by moving the lookup's
  // marker, and the commands after it, into a second task. (When `patched()` was asked after the
  // lookup, its marker landed in the second task and a fresh replay answered false: every task failed.)
  it('a ticket whose first workflow task the opening lookup outlasted replays', async () => {
    type Event = Record<string, unknown> & { eventId: string; eventType: string };
    const raw = JSON.parse(
      readFileSync(join(HISTORIES_DIR, 'ticketWorkflow-dev-l1-breach.json'), 'utf8'),
    ) as { events: Event[] };
    const [started, scheduled, taskStarted, completed, lookup, patch, ...rest] = raw.events;
    expect([lookup!.eventType, patch!.eventType]).toEqual([
      'EVENT_TYPE_MARKER_RECORDED',
      'EVENT_TYPE_MARKER_RECORDED',
    ]);
    // Every id and reference past the first task moves up by the three events of the second task.
    const shifted = (node: unknown): unknown =>
      Array.isArray(node)
        ? node.map(shifted)
        : node && typeof node === 'object'
          ? Object.fromEntries(
              Object.entries(node).map(([k, v]) =>
                (k === 'eventId' || k.endsWith('EventId')) && typeof v === 'string' && Number(v) >= 4
                  ? // The commands after the lookup now complete the second task (8).
                    [k, k === 'workflowTaskCompletedEventId' && v === '4' ? '8' : String(Number(v) + 3)]
                  : [k, shifted(v)],
              ),
            )
          : node;
    const marker = (e: Event, eventId: number, taskCompleted: number) => ({
      ...e,
      eventId: String(eventId),
      markerRecordedEventAttributes: {
        ...(e.markerRecordedEventAttributes as object),
        workflowTaskCompletedEventId: String(taskCompleted),
      },
    });
    const events = [
      started,
      scheduled,
      taskStarted,
      completed,
      marker(patch!, 5, 4),
      { ...scheduled, eventId: '6' },
      {
        ...taskStarted,
        eventId: '7',
        workflowTaskStartedEventAttributes: {
          ...(taskStarted!.workflowTaskStartedEventAttributes as object),
          scheduledEventId: '6',
        },
      },
      {
        ...completed,
        eventId: '8',
        workflowTaskCompletedEventAttributes: {
          ...(completed!.workflowTaskCompletedEventAttributes as object),
          scheduledEventId: '6',
          startedEventId: '7',
        },
      },
      marker(lookup!, 9, 8),
      ...rest.map(shifted),
    ];
    expect(events.map((e) => Number((e as Event).eventId))).toEqual(events.map((_, i) => i + 1));
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(WORKFLOWS), dataConverter: testWorkerDataConverter() },
      historyFromJSON({ ...raw, events }),
      'ticket-split-first-task',
    );
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')));
    expect(history.events?.length).toBeGreaterThan(10);
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(WORKFLOWS), dataConverter: testWorkerDataConverter() },
      history,
      file,
    );
  });
});
