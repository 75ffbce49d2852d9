import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleepTwoDays } from '../fixtures/harness-workflows';
import { startTimeSkipping, workflowBundle } from '../helpers/temporal';

describe('time-skipping test server (provisioned from Maven Central)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startTimeSkipping();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('runs a workflow that sleeps two days in well under a second of real time', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'harness',
      workflowBundle: await workflowBundle(path.resolve(__dirname, '../fixtures/harness-workflows.ts')),
    });
    const realStart = performance.now();
    const workflowMs = await worker.runUntil(
      env.client.workflow.execute(sleepTwoDays, { taskQueue: 'harness', workflowId: 'sleep-two-days' }),
    );
    const realMs = performance.now() - realStart;
    expect(workflowMs).toBeGreaterThanOrEqual(2 * 24 * 3600 * 1000);
    expect(realMs).toBeLessThan(1000);
  });
});
