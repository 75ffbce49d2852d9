/**
 * Bundles the workflows once at build time into dist/workflow-bundle.js, so that a worker starts
 * in a second instead of running webpack at every start (and replay uses the very same code).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../codec';

export const WORKFLOW_BUNDLE = join(__dirname, '..', 'workflow-bundle.js');
/**
 * The workflow interceptors every bundle carries, tracing on or off, so that the bundle (and what
 * replay checks) is one: the refusal of unencrypted input, and the SDK's OpenTelemetry ones in a
 * workflow whose start carried a trace (src/workflows/tracing.ts says why only there).
 */
export const WORKFLOW_INTERCEPTORS = [
  join(__dirname, '..', 'workflows', 'interceptors'),
  join(__dirname, '..', 'workflows', 'tracing'),
];

/** webpack's progress is noise beside a replay, a test or a bench: warnings and errors only. */
const QUIET = {
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  log: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/**
 * The workflows bundled as the worker runs them: with the engine's failure converter, so that
 * failures raised in workflows carry their messages encoded (src/codec), and with the interceptors
 * that refuse input the engine did not encrypt (src/workflows/interceptors.ts) and trace. Every bundle (the build's,
 * replay's, the tests' and the benches') comes from here, so none differs from production.
 */
export function bundleWorkflows(
  workflowsPath: string,
  options: { quiet?: boolean } = {},
): ReturnType<typeof bundleWorkflowCode> {
  return bundleWorkflowCode({
    workflowsPath,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    workflowInterceptorModules: WORKFLOW_INTERCEPTORS,
    ...(options.quiet ? { logger: QUIET } : {}),
  });
}

async function main(): Promise<void> {
  const { code } = await bundleWorkflows(require.resolve('../workflows'));
  writeFileSync(WORKFLOW_BUNDLE, code);
  console.log(`workflow bundle: ${WORKFLOW_BUNDLE} (${(code.length / 1024).toFixed(0)} KiB)`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
