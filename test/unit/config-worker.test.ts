// The worker's workflow cache size (docs/configuration.md#worker-memory): a default sized for
// 1 GiB, and a bad value refused at start naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, WORKFLOW_CACHE_SIZE } from '../../src/config';
import { workerTuning } from '../../src/worker';

describe('SLA_WORKFLOW_CACHE_SIZE', () => {
  it('defaults to the documented size and reaches the worker as maxCachedWorkflows', () => {
    expect(loadConfig({}).workflowCacheSize).toBe(WORKFLOW_CACHE_SIZE);
    expect(workerTuning(loadConfig({ SLA_WORKFLOW_CACHE_SIZE: '1200' }))).toEqual({
      maxCachedWorkflows: 1200,
    });
  });

  it.each(['0', '-5', '2.5', 'lots', '2000000'])('refuses %s naming the variable', (value) => {
    expect(() => loadConfig({ SLA_WORKFLOW_CACHE_SIZE: value })).toThrow(ConfigError);
    expect(() => loadConfig({ SLA_WORKFLOW_CACHE_SIZE: value })).toThrow(/SLA_WORKFLOW_CACHE_SIZE: /);
  });
});
