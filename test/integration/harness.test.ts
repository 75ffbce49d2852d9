import path from 'node:path';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleepTwoDays } from '../fixtures/harness-workflows';
import { startDevServer, workflowBundle } from '../helpers/temporal';

describe('Temporal CLI dev server (provisioned from the Go module proxy)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await startDevServer();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  it('lists a started workflow through a visibility query', async () => {
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: 'harness-dev',
      workflowBundle: await workflowBundle(path.resolve(__dirname, '../fixtures/harness-workflows.ts')),
    });
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(sleepTwoDays, {
        taskQueue: 'harness-dev',
        workflowId: `visible-${Date.now()}`,
      });
      // Visibility is eventually consistent: poll the list until the workflow shows up.
      let ids: string[] = [];
      for (let i = 0; i < 50 && !ids.includes(handle.workflowId); i++) {
        ids = [];
        for await (const wf of env.client.workflow.list({
          query: `WorkflowType = 'sleepTwoDays' AND ExecutionStatus = 'Running'`,
        })) {
          ids.push(wf.workflowId);
        }
        if (!ids.includes(handle.workflowId)) await new Promise((r) => setTimeout(r, 100));
      }
      expect(ids).toContain(handle.workflowId);
      await handle.terminate('test done');
    });
  });
});
