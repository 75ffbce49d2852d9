// The engine's workflows plus the bare baseline the ticket benchmark compares against.
import { sleep } from '@temporalio/workflow';

export * from '../src/workflows';

/** The least a workflow can be: one durable timer. */
export async function oneTimer(): Promise<void> {
  await sleep('1 day');
}

/** Sleeps until an instant and reports how late the workflow woke (the server's timer lateness). */
export async function wakeAt(targetMs: number): Promise<number> {
  await sleep(Math.max(1, targetMs - Date.now()));
  return Date.now() - targetMs;
}
