// With payload encryption on, a message the engine did not encrypt is refused (src/codec/
// worker-codec.ts, src/workflows/interceptors.ts; docs/deployment.md): a Temporal client without
// the engine's key, straight on the dev server's frontend, sends a running ticket an update, a
// signal, and a start of its own — in plaintext, and under a forged key. Each is refused or has no
// effect, the status the engine's client reads is unchanged, and the workflow is not wedged: an
// encrypted update afterwards still works.
import { Client, WorkflowFailedError } from '@temporalio/client';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketWorkflowId } from '../../src/messages/ticket';
import { REFUSE_UNVOUCHED_PATCH } from '../../src/workflows/interceptors';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory } from '../helpers/histories';
import { newTicket } from '../helpers/tickets';

let e: Engine;
/** An outsider's client: the same frontend, no codec. */
let bare: Client;
beforeAll(async () => {
  e = await startEngine({ server: 'dev' });
  bare = new Client({ connection: e.env.connection, namespace: e.env.namespace ?? 'default' });
});
afterAll(async () => e?.stop());

/** A payload that claims the engine's current key but was never encrypted with it. */
const forged = (): Payload => ({
  metadata: {
    encoding: Buffer.from('binary/encrypted'),
    'encryption-key-id': Buffer.from('test-2'),
    'encryption-cipher': Buffer.from('AES256GCM'),
  },
  data: Buffer.alloc(64, 7),
});

const COMPLETED =
  temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage
    .UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_COMPLETED;

const reply = (requestId: string) => ({ requestId, from: 'customer' as const });

/** The patch markers of the refusal in a workflow's history: a refused signal or start leaves one. */
async function refusalMarkers(workflowId: string): Promise<number> {
  const history = await e.env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((ev) => {
    const marker = ev.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') return false;
    // Core writes the patch id in a JSON payload of its own (not through the codec).
    const texts = Object.values(marker.details ?? {}).flatMap((d) =>
      (d.payloads ?? []).map((p) => Buffer.from(p.data ?? []).toString()),
    );
    return texts.some((t) => t.includes(REFUSE_UNVOUCHED_PATCH));
  }).length;
}

/** Workflow tasks that failed: a message that failed one would fail it again at every retry. */
async function failedTasks(workflowId: string): Promise<number> {
  const history = await e.env.client.workflow.getHandle(workflowId).fetchHistory();
  return (history.events ?? []).filter((ev) => ev.workflowTaskFailedEventAttributes).length;
}

/** An update as an outsider sends it, waiting for its outcome: the failure it was answered with. */
async function outsiderUpdate(workflowId: string, updateId: string, payload?: Payload) {
  const { outcome } = await bare.workflowService.updateWorkflowExecution({
    namespace: e.env.namespace ?? 'default',
    workflowExecution: { workflowId },
    request: {
      meta: { updateId, identity: 'outsider' },
      input: { name: 'reply', args: { payloads: payload ? [payload] : [] } },
    },
    waitPolicy: { lifecycleStage: COMPLETED },
  });
  return outcome;
}

describe('input the engine did not encrypt', () => {
  it('a plaintext or forged update is rejected and changes nothing; the ticket goes on', async () => {
    const { workflowId } = await e.client.openTicket(newTicket('T-PLAIN-1'));
    // The ticket takes updates once its first step has run; the request id makes retrying safe.
    expect(await e.waitFor(() => e.client.reply('T-PLAIN-1', reply('r-1')), 'the first reply')).toEqual({
      replies: 1,
    });
    const before = await e.client.ticketStatus('T-PLAIN-1');

    // Rejected, not accepted: the outcome is a failure and history gets no update at all. (The
    // outsider's SDK could not even read the failure's message: it is encrypted.)
    const plain = await outsiderUpdate(
      workflowId,
      'r-plain',
      defaultPayloadConverter.toPayload(reply('r-plain')),
    );
    expect(plain?.failure).toBeTruthy();
    expect(plain?.success).toBeFalsy();
    // Under a forged key the decode itself fails: still a rejection, never a failed workflow task.
    const forgedUpdate = await outsiderUpdate(workflowId, 'r-forged', forged());
    expect(forgedUpdate?.failure).toBeTruthy();
    // Without any argument there is nothing the engine encrypted either.
    const empty = await outsiderUpdate(workflowId, 'r-empty');
    expect(empty?.failure).toBeTruthy();
    const history = await e.env.client.workflow.getHandle(workflowId).fetchHistory();
    expect(history.events?.filter((ev) => ev.workflowExecutionUpdateAcceptedEventAttributes)).toHaveLength(1);

    expect(await e.client.ticketStatus('T-PLAIN-1')).toEqual(before);
    expect(await failedTasks(workflowId)).toBe(0);
    expect(await e.client.reply('T-PLAIN-1', reply('r-2'))).toEqual({ replies: 2 });
  });

  it('a plaintext or forged signal has no effect and does not wedge the ticket', async () => {
    const { workflowId } = await e.client.openTicket(newTicket('T-PLAIN-2'));
    await e.waitFor(() => e.client.reply('T-PLAIN-2', reply('r-1')), 'the first reply');
    const before = await e.client.ticketStatus('T-PLAIN-2');
    await bare.workflow.getHandle(workflowId).signal('lateRecord', { kind: 'outage', id: 'o-1' });
    await bare.workflowService.signalWorkflowExecution({
      namespace: e.env.namespace ?? 'default',
      workflowExecution: { workflowId },
      signalName: 'lateRecord',
      input: { payloads: [forged()] },
      identity: 'outsider',
    });
    await bare.workflow.getHandle(workflowId).signal('lateRecord');
    // Each was taken out before any handler (the marker says so in history, for replay).
    await e.waitFor(async () => (await refusalMarkers(workflowId)) >= 1, 'the refusal marker');
    // A failed workflow task would hold this update until the test timed out.
    expect(await e.client.ticketStatus('T-PLAIN-2')).toEqual(before);
    expect(await failedTasks(workflowId)).toBe(0);
    expect(await e.client.reply('T-PLAIN-2', reply('r-2'))).toEqual({ replies: 2 });
    // Replay drops the same signals (test/workflow/replay.test.ts).
    await saveHistory(e.env.client, workflowId, 'ticketWorkflow-dev-refused-signals');
  });

  it('a plaintext start of an engine workflow fails its run at once, and frees its id', async () => {
    const workflowId = ticketWorkflowId('T-PLAIN-3');
    await bare.workflow.start('ticketWorkflow', {
      taskQueue: e.taskQueue,
      workflowId,
      args: [{ ...newTicket('T-PLAIN-3'), openedAt: new Date().toISOString() }],
    });
    const failed = await e.env.client.workflow
      .getHandle(workflowId)
      .result()
      .catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect((failed as WorkflowFailedError).cause).toMatchObject({
      type: 'RefusedInput',
      message: expect.stringContaining('did not encrypt'),
    });
    // The engine's own open of the same ticket then starts a real one.
    expect(await e.client.openTicket(newTicket('T-PLAIN-3'))).toMatchObject({ created: true });
    expect(await e.client.ticketStatus('T-PLAIN-3')).toMatchObject({ ticketId: 'T-PLAIN-3' });
  });
});
