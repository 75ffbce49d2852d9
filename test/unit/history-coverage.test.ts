// The golden histories hold every path a running workflow can be on, so replay
// (test/workflow/replay.test.ts) tries each against the current code: both sides of every
// `patched()` — a history with its marker, and one from before it — and every update and signal
// each workflow handles. What the code asks for is read from its source
// (test/helpers/workflow-sources.ts), so a new patch or message fails here until a history
// holding it is added.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HISTORIES_DIR } from '../helpers/histories';
import { readWorkflowSources } from '../helpers/workflow-sources';

interface RawEvent {
  workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } };
  markerRecordedEventAttributes?: {
    markerName?: string;
    details?: Record<string, { payloads?: { data?: string }[] }>;
  };
  workflowExecutionSignaledEventAttributes?: { signalName?: string };
  workflowExecutionUpdateAcceptedEventAttributes?: { acceptedRequest?: { input?: { name?: string } } };
}

/** What replay of a history will meet: its workflow, patch markers, signals and updates. */
function summary(file: string) {
  const { events } = JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')) as { events: RawEvent[] };
  const patches = new Set<string>();
  const messages = new Set<string>();
  for (const e of events) {
    const marker = e.markerRecordedEventAttributes;
    // The SDK's patch marker: its details hold `{"id": "<patch>", …}` as a plain JSON payload.
    if (marker?.markerName === 'core_patch') {
      for (const { payloads } of Object.values(marker.details ?? {})) {
        for (const p of payloads ?? []) {
          patches.add(
            (JSON.parse(Buffer.from(p.data ?? '', 'base64').toString('utf8')) as { id: string }).id,
          );
        }
      }
    }
    const signal = e.workflowExecutionSignaledEventAttributes?.signalName;
    if (signal) messages.add(`signal ${signal}`);
    const update = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name;
    if (update) messages.add(`update ${update}`);
  }
  const workflow = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? '';
  return { file, workflow, patches, messages };
}

const histories = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map(summary);
const code = readWorkflowSources();

const patchCases = [...code.patches].flatMap(([id, uses]) =>
  uses.map((use) => ({ id, at: use.at, workflows: use.workflows })),
);
const messageCases = code.handlers
  .filter((h) => h.message.kind !== 'query') // queries leave nothing in history
  .flatMap((h) =>
    h.use.workflows.map((workflow) => ({
      workflow,
      kind: h.message.kind,
      name: h.message.name,
      at: h.use.at,
    })),
  );

describe('golden histories cover what the workflow code asks', () => {
  it('the source reader resolves every patch and handler, and finds them', () => {
    expect(code.unresolved, 'calls the coverage checks would miss').toEqual([]);
    // The reader itself works: the code has patches and messages, and every workflow is a type of history.
    expect(patchCases.length).toBeGreaterThan(0);
    expect(messageCases.length).toBeGreaterThan(0);
    expect(code.workflows).toEqual([...new Set(histories.map((h) => h.workflow))].sort());
  });

  it('every update and signal defined is handled by a workflow', () => {
    const handled = new Set(code.handlers.map((h) => `${h.message.file}#${h.message.constant}`));
    const unhandled = code.messages
      .filter((m) => m.kind !== 'query' && !handled.has(`${m.file}#${m.constant}`))
      .map((m) => `${m.kind} ${m.name} (${m.constant})`);
    expect(unhandled).toEqual([]);
  });

  it.each(patchCases)('patch $id ($at): a history with its marker and one from before it', (c) => {
    const ofWorkflow = histories.filter((h) => c.workflows.includes(h.workflow));
    expect(
      ofWorkflow.filter((h) => h.patches.has(c.id)).map((h) => h.file),
      `no history of ${c.workflows.join(' or ')} has the marker of '${c.id}': record one on the current code`,
    ).not.toEqual([]);
    expect(
      ofWorkflow.filter((h) => !h.patches.has(c.id)).map((h) => h.file),
      `every history of ${c.workflows.join(' or ')} has '${c.id}': add one recorded before the patch`,
    ).not.toEqual([]);
  });

  it.each(messageCases)('$workflow: the $kind $name ($at) is in a history', (c) => {
    expect(
      histories
        .filter((h) => h.workflow === c.workflow && h.messages.has(`${c.kind} ${c.name}`))
        .map((h) => h.file),
      `no history of ${c.workflow} holds the ${c.kind} '${c.name}'`,
    ).not.toEqual([]);
  });
});
