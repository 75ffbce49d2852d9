// A deliberately non-deterministic change to a workflow is caught by replay: the ticket
// workflow is copied, patched to sleep before its opening lookup (a timer where history recorded the
// opening's local activity marker: classification, clock and routing), bundled, and every committed ticket history replayed against it fails with
// DeterminismViolationError at the first diverging event, while the unchanged code passes.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflows } from '../../src/build/bundle-workflows';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseHistoryJson } from '../../src/audit/history';
import { replayHistories, type HistoryToReplay } from '../../src/audit/replay';
import { testWorkerDataConverter } from '../helpers/codec';
import { WORKFLOWS } from '../helpers/engine';
import { HISTORIES_DIR } from '../helpers/histories';
import { workflowBundle } from '../helpers/temporal';

const SRC = join(__dirname, '..', '..', 'src');
// Beside the sources, so that webpack resolves the workflow's packages from this repository.
const dir = mkdtempSync(join(SRC, 'workflows', '.patched-'));

const ticketHistories = (): HistoryToReplay[] =>
  readdirSync(HISTORIES_DIR)
    // A run continued as new (`…-run2.json`) starts from its carried state: it has no opening lookup.
    .filter((f) => f.startsWith('ticketWorkflow-') && f.endsWith('.json') && !/-run\d+\.json$/.test(f))
    .sort()
    .map((f) => ({ workflowId: f, history: parseHistoryJson(readFileSync(join(HISTORIES_DIR, f), 'utf8')) }));

/** Where each history's opening marker is: the event the patched code no longer matches. */
const openingEventId = (h: HistoryToReplay) =>
  Number(
    h.history.events!.find((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')!
      .eventId,
  );

describe('replay catches a non-deterministic change (DeterminismViolationError)', () => {
  let patched: { code: string };
  beforeAll(async () => {
    const source = readFileSync(join(SRC, 'workflows', 'ticket.ts'), 'utf8');
    const anchor = '  const { classification, route, clock } = await lookups.openTicketFacts({';
    expect(source).toContain(anchor);
    // The workflow imports `sleep` (its pages' head start): the change needs nothing more.
    expect(source).toContain('  sleep,\n');
    const changed = source
      .replace(anchor, `  await sleep('1 second'); // the deliberate change\n${anchor}`)
      .replaceAll("from '../", `from '${SRC}/`)
      // Sibling modules (the update validator) stay where they are.
      .replaceAll("from './", `from '${SRC}/workflows/`);
    writeFileSync(join(dir, 'ticket.ts'), changed);
    writeFileSync(join(dir, 'index.ts'), "export { ticketWorkflow } from './ticket';\n");
    patched = await bundleWorkflows(join(dir, 'index.ts'), { quiet: true });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every committed ticket history fails against the patched code, at its opening marker', async () => {
    const histories = ticketHistories();
    expect(histories.length).toBeGreaterThanOrEqual(4);
    const summary = await replayHistories(histories, {
      workflowBundle: patched,
      dataConverter: testWorkerDataConverter(),
    });
    expect(summary).toMatchObject({ replayed: histories.length, passed: 0, failed: histories.length });
    for (const [i, o] of summary.outcomes.entries()) {
      expect(o.error?.name, o.workflowId).toBe('DeterminismViolationError');
      expect(o.divergedAt, `${o.workflowId}: ${o.error?.message}`).toEqual({
        eventId: openingEventId(histories[i]!),
        eventType: 'MarkerRecorded',
      });
    }
  });

  it('the unchanged code replays the same histories', async () => {
    const histories = ticketHistories();
    const summary = await replayHistories(histories, {
      workflowBundle: await workflowBundle(WORKFLOWS),
      dataConverter: testWorkerDataConverter(),
    });
    expect(summary).toMatchObject({ replayed: histories.length, passed: histories.length, failed: 0 });
  });
});
