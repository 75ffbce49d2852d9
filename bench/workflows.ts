// The engine's workflows plus the bare baselines the benchmarks compare against.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../src/activities';
import type { PageEvent } from '../src/activities/paging';

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

const { sendPage } = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds' });

/**
 * The least a breach can be: a durable timer due at an instant, then one activity sending one
 * page (how late the server's timer plus one activity round trip make a page).
 */
export async function wakeAndPage(targetMs: number, event: PageEvent): Promise<void> {
  await sleep(Math.max(1, targetMs - Date.now()));
  await sendPage(event);
}

/** The least a workflow that pages can be: one activity sending one page. */
export async function pageOnce(event: PageEvent): Promise<void> {
  await sendPage(event);
}
