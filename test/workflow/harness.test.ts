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

  it('skips the two days a workflow sleeps: seconds of real time, not days', async () => {
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
    // Time was skipped, not waited: two days of workflow time in seconds of real time. (How fast
    // exactly is a figure for the closing note, not an assertion: tests share two cores.)
    expect(realMs).toBeLessThan(10_000);
    console.log(`two days of workflow time took ${realMs.toFixed(0)} ms of real time`);
  });
});
