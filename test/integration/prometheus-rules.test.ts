// The operators' files on the metrics (docs/observability.md), checked by Prometheus' own
// promtool: the alert rules parse and fire as deploy/prometheus/alerts.test.yml says, and every
// PromQL query of the Grafana dashboard parses (each made a recording rule for `promtool check
// rules`) and names metrics that exist — the engine's (src/metrics/registry.ts), the SDK's
// `temporal_*`, or `up`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiRegistry, registry } from '../../src/metrics/registry';
import { testTool } from '../helpers/test-tools';

const root = join(__dirname, '..', '..');
const alerts = join(root, 'deploy', 'prometheus');
const dir = mkdtempSync(join(tmpdir(), 'sla-promtool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function promtool(args: string[], cwd = root) {
  const result = spawnSync(testTool('PROMTOOL'), args, { cwd, encoding: 'utf8' });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

interface Panel {
  title: string;
  targets?: { expr: string }[];
}
const dashboard = JSON.parse(readFileSync(join(root, 'deploy', 'grafana', 'sla-engine.json'), 'utf8')) as {
  panels: Panel[];
};
const queries = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ title: p.title, expr: t.expr })),
);

/** The metric names of the engine, as Prometheus stores them (a histogram's three series). */
async function engineNames(): Promise<Set<string>> {
  const metrics = [...(await registry.getMetricsAsJSON()), ...(await apiRegistry.getMetricsAsJSON())];
  return new Set(
    metrics.flatMap((m) =>
      String(m.type) === 'histogram' ? ['_bucket', '_sum', '_count'].map((s) => `${m.name}${s}`) : [m.name],
    ),
  );
}

describe('deploy/prometheus and deploy/grafana', () => {
  it('the alert rules pass promtool check rules and fire as their tests say', () => {
    const check = promtool(['check', 'rules', join(alerts, 'alerts.yml')]);
    expect(check.code, check.output).toBe(0);
    const test = promtool(['test', 'rules', 'alerts.test.yml'], alerts);
    expect(test.code, test.output).toBe(0);
  });

  it('every dashboard query parses and names metrics that exist', async () => {
    expect(queries.length).toBeGreaterThan(10);
    const rules = join(dir, 'dashboard-rules.yml');
    writeFileSync(
      rules,
      JSON.stringify({
        groups: [
          { name: 'dashboard', rules: queries.map((q, i) => ({ record: `dashboard:q${i}`, expr: q.expr })) },
        ],
      }),
    );
    const check = promtool(['check', 'rules', rules]);
    expect(check.code, check.output).toBe(0);

    const known = await engineNames();
    const named = (expr: string) =>
      [...expr.matchAll(/\b(sla_[a-z_]+|temporal_[a-z_]+|up)\b(?=\{|\[)/g)].map((m) => m[1]!);
    for (const q of [...queries.map((q) => q.expr), readFileSync(join(alerts, 'alerts.yml'), 'utf8')])
      for (const name of named(q))
        if (name.startsWith('sla_')) expect([...known], `${name} in ${q.slice(0, 60)}`).toContain(name);
  });
});
