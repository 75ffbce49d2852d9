// The worker's workflow cache size (docs/configuration.md#worker-memory): a default sized for
// 1 GiB, and a bad value refused at start naming the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, WORKFLOW_CACHE_SIZE } from '../../src/config';
import { workerMetricsEnv } from '../../src/up';
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

describe('the worker metrics settings (docs/observability.md)', () => {
  it('are off unless set, and `sla up` gives each worker its own ports counting up', () => {
    expect(loadConfig({}).workerMetrics).toEqual({ host: '127.0.0.1', port: undefined, sdkPort: undefined });
    expect(workerMetricsEnv(loadConfig({}), 1)).toEqual({});
    const config = loadConfig({ SLA_WORKER_METRICS_PORT: '9464', SLA_WORKER_SDK_METRICS_PORT: '9564' });
    expect([0, 1, 2].map((i) => workerMetricsEnv(config, i))).toEqual([
      { SLA_WORKER_METRICS_PORT: '9464', SLA_WORKER_SDK_METRICS_PORT: '9564' },
      { SLA_WORKER_METRICS_PORT: '9465', SLA_WORKER_SDK_METRICS_PORT: '9565' },
      { SLA_WORKER_METRICS_PORT: '9466', SLA_WORKER_SDK_METRICS_PORT: '9566' },
    ]);
  });

  it.each([
    ['SLA_WORKER_METRICS_PORT', '70000'],
    ['SLA_WORKER_SDK_METRICS_PORT', 'nine'],
    ['SLA_METRICS_TOKEN', 'short'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}: `));
  });
});
