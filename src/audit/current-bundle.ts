/**
 * The workflow code a replay checks histories against (C12 audit): the bundle the worker runs —
 * the build's, else the sources bundled now (development). Bundling takes seconds, so a process
 * (the API) does it once; a failed bundling is tried again by the next replay.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export type WorkflowCode = { codePath: string } | { code: string };

let bundling: Promise<WorkflowCode> | undefined;

export function currentWorkflowBundle(): Promise<WorkflowCode> {
  bundling ??= (async (): Promise<WorkflowCode> => {
    const { WORKFLOW_BUNDLE, bundleWorkflows } = await import('../build/bundle-workflows');
    if (existsSync(WORKFLOW_BUNDLE)) return { codePath: WORKFLOW_BUNDLE };
    const { code } = await bundleWorkflows(join(__dirname, '..', 'workflows'), { quiet: true });
    return { code };
  })().catch((err: unknown) => {
    bundling = undefined;
    throw err;
  });
  return bundling;
}
