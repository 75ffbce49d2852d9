import path from 'node:path';
import { msToTs } from '@temporalio/common/lib/time';
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config';
import { INDEXED_VALUE_TYPE, requireSearchAttributes } from '../../src/namespace-attributes';
import { SEARCH_ATTRIBUTES } from '../../src/search-attributes';
import { sleepTwoDays } from '../fixtures/harness-workflows';
import { startDevServer, workflowBundle } from '../helpers/temporal';
import { waitFor } from '../helpers/wait';

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

  it("refuses to start a worker on a namespace lacking one of the engine's search attributes, naming each and the command", async () => {
    const warnings: string[] = [];
    await expect(
      requireSearchAttributes(env.client, 'default', (m) => warnings.push(m)),
    ).resolves.toBeUndefined();
    await env.connection.workflowService.registerNamespace({
      namespace: 'bare',
      workflowExecutionRetentionPeriod: msToTs(86_400_000),
    });
    // The frontend knows a new namespace through a cache: until then, its listing is "not found".
    const refusal = await waitFor(
      () =>
        requireSearchAttributes(env.client, 'bare', (m) => warnings.push(m)).then(
          () => null,
          (err: unknown) => (err instanceof ConfigError ? err : null),
        ),
      'the refusal',
      15_000,
    );
    for (const a of SEARCH_ATTRIBUTES) expect(refusal.message).toContain(a.name);
    expect(refusal.message).toContain(
      'temporal operator search-attribute create --namespace bare --name SlaNextStepAt --type Datetime',
    );
    // Another type is refused as well: every upsert of it would fail.
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'bare',
      searchAttributes: { SlaAssignee: INDEXED_VALUE_TYPE.DATETIME },
    });
    const mistyped = await waitFor(
      () =>
        requireSearchAttributes(env.client, 'bare', (m) => warnings.push(m)).then(
          () => null,
          (err: unknown) => (err instanceof ConfigError && err.message.includes(' as ') ? err : null),
        ),
      'the refusal of a mistyped attribute',
      15_000,
    );
    expect(mistyped.message).toContain(
      'SlaAssignee as DATETIME, which the workflows publish as SlaAssignee Keyword',
    );
    expect(warnings).toEqual([]);
  });
});
