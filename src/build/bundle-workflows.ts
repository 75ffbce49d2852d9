/**
 * Bundles the workflows once at build time into dist/workflow-bundle.js, so that a worker starts
 * in a second instead of running webpack at every start (and replay uses the very same code).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec';

export const WORKFLOW_BUNDLE = join(__dirname, '..', 'workflow-bundle.js');

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../workflows'),
    // Failures raised in workflows carry their messages encoded, like the worker's (src/codec).
    failureConverterPath: FAILURE_CONVERTER_PATH,
  });
  writeFileSync(WORKFLOW_BUNDLE, code);
  console.log(`workflow bundle: ${WORKFLOW_BUNDLE} (${(code.length / 1024).toFixed(0)} KiB)`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
