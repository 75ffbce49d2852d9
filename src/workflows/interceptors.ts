/**
 * Refuses what the worker's codec marked as not the engine's (src/codec/worker-codec.ts): an
 * update, a signal or a start sent by a Temporal client without the engine's key. Nothing an
 * outsider sends in that way may change a workflow, nor wedge one.
 *
 * How the SDK (1.24) treats each message decides where the refusal sits:
 * - An update whose input cannot be converted is rejected before it is accepted, validator or
 *   not (WorkflowInternals.doUpdate): the marked input is swapped for an unreadable payload, so
 *   the caller gets a rejection and history gets nothing. Only while validating (a live update):
 *   updates replayed from history were accepted, and replay as they ran.
 * - A signal's input is converted outside any catch, and a failure there fails the workflow task,
 *   retried forever with the signal in history: a marked signal is taken out of the activation
 *   instead, so no handler sees it.
 * - A start's input likewise: the run is failed instead (non-retryable), which frees its id.
 * Signals and starts are in history, so replay must decide alike: behind patched(), histories
 * recorded before this check (some with plaintext payloads from before encryption) replay as
 * they ran.
 */
import type { Payload } from '@temporalio/common';
import { ApplicationFailure, log, patched, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { ascii, fromAscii, REFUSAL_METADATA, REFUSED_ENCODING } from '../codec/refusal';

export const REFUSE_UNVOUCHED_PATCH = 'refuse-unencrypted-input';

/**
 * The reason the codec marked one of these payloads, if it marked any. A message that must carry
 * input (every update and signal of the engine takes one argument) and carries none has nothing
 * the engine encrypted either. (A start may be empty: billingScheduleWorkflow takes no input.)
 */
function refusal(payloads: Payload[] | null | undefined, required = true): string | undefined {
  if (required && !payloads?.length) return 'no input the engine encrypted';
  for (const p of payloads ?? []) {
    const reason = p.metadata?.[REFUSAL_METADATA];
    if (reason) return fromAscii(reason);
  }
  return undefined;
}

const unreadable = (): Payload => ({ metadata: { encoding: ascii(REFUSED_ENCODING) } });

export const interceptors: WorkflowInterceptorsFactory = () => {
  let refusedStart: string | undefined;
  return {
    internals: [
      {
        activate(input, next) {
          const jobs = input.activation.jobs ?? [];
          const kept = jobs.filter((job) => {
            if (job.initializeWorkflow) refusedStart = refusal(job.initializeWorkflow.arguments, false);
            const update = job.doUpdate;
            if (update?.runValidator) {
              const reason = refusal(update.input);
              if (reason) {
                log.warn(`update ${update.name ?? ''} refused: ${reason}`);
                update.input = [unreadable()];
              }
            }
            const signal = job.signalWorkflow;
            const reason = signal ? refusal(signal.input) : undefined;
            if (reason && patched(REFUSE_UNVOUCHED_PATCH)) {
              log.warn(`signal ${signal!.signalName ?? ''} ignored: ${reason}`);
              return false;
            }
            return true;
          });
          // The runtime reads the jobs from this very activation (and shifts them itself).
          if (kept.length !== jobs.length) jobs.splice(0, jobs.length, ...kept);
          next(input);
        },
      },
    ],
    inbound: [
      {
        // async: a synchronous throw here would fail the workflow task, not the run.
        async execute(input, next) {
          if (refusedStart !== undefined && patched(REFUSE_UNVOUCHED_PATCH)) {
            throw ApplicationFailure.nonRetryable(`start refused: ${refusedStart}`, 'RefusedInput');
          }
          return await next(input);
        },
      },
    ],
  };
};
