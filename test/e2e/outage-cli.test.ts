// `sla outage …` as on-call runs it (the built command), against the real dev server with the
// engine's worker: report, join, a refused and an accepted acknowledgement, classification,
// the visibility list, resolution, and the exit codes of bad input, conflicts and unknown keys.
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { sla as run } from '../helpers/cli';
import { startEngine, type Engine } from '../helpers/engine';
import { scenario } from '../helpers/steps';

describe('sla outage', () => {
  let e: Engine;
  let env: Record<string, string>;
  beforeAll(async () => {
    e = await startEngine({ server: 'dev' });
    env = e.clientEnv;
  });
  afterAll(async () => e?.stop());

  const sla = (...args: string[]) => run(['outage', ...args], env);
  const step = scenario();

  step('report opens an outage (JSON), and a second report joins it (text)', async () => {
    const first = await sla(
      'report',
      '--key',
      'CLI-1',
      '--summary',
      'Sign-in fails',
      '--region',
      'ca-central',
      '--json',
    );
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({
      outageId: 'CLI-1',
      created: true,
      state: 'open',
      reports: 1,
    });
    const again = await sla('report', '--key', 'CLI-1', '--summary', 'Sign-in fails', '--region', 'us-east');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe('joined the open outage CLI-1 (workflow outage-CLI-1, 2 report(s))\n');
  });

  step('refuses bad input with exit code 2, naming the flag', async () => {
    const noRegion = await sla('report', '--key', 'CLI-2', '--summary', 'x');
    expect(noRegion.code).toBe(2);
    const badRegion = await sla('report', '--key', 'CLI-2', '--summary', 'x', '--region', 'Not A Region');
    expect(badRegion.code).toBe(2);
    expect(badRegion.stderr).toMatch(/^sla: --region: expected a region id/);
    // A check made on the client, after the schema's, names the flag as well.
    const future = await sla(
      'report',
      '--key',
      'CLI-2',
      '--summary',
      'x',
      '--region',
      'ca-central',
      '--started-at',
      // A day ahead: within the calendar's years (a year past them is refused as such), past clock skew.
      new Date(Date.now() + 86_400_000).toISOString(),
    );
    expect(future).toMatchObject({ code: 2, stderr: 'sla: --started-at: must not be in the future\n' });
    const badKey = await sla('ack', 'CLI 1', '--responder', 'specialist.ottawa');
    expect(badKey.code).toBe(2);
    expect(badKey.stderr).toMatch(/^sla: <key>: /);
    const badClass = await sla('classify', 'CLI-1', '--as', 'planned', '--by', 'x', '--reason', 'y');
    expect(badClass.code).toBe(2);
    const notL3 = await sla('ack', 'CLI-1', '--responder', 'agent.toronto');
    expect(notL3.code).toBe(2);
    // The workflow's refusal too names the flag the user typed.
    expect(notL3.stderr).toMatch(/^sla: --responder: agent\.toronto is not a Level 3 responder/);
  });

  step('ack by a Level 3 responder engages the outage in time', async () => {
    const ack = await sla('ack', 'CLI-1', '--responder', 'oncall.toronto', '--json');
    expect(ack.code).toBe(0);
    expect(JSON.parse(ack.stdout)).toMatchObject({
      engagedBy: 'oncall.toronto',
      met: true,
      alreadyEngaged: false,
    });
  });

  step('classify records the change, and list finds the open outage through visibility', async () => {
    const partial = await sla(
      'classify',
      'CLI-1',
      '--as',
      'partial',
      '--region',
      'ca-central',
      '--by',
      'eng.manager',
      '--reason',
      'members elsewhere can sign in',
    );
    expect(partial.code).toBe(0);
    expect(partial.stdout).toBe('CLI-1 is now partial (ca-central); 2 change(s) recorded\n');
    const listed = await e.waitFor(async () => {
      const r = await sla('list', '--open', '--json');
      const items = JSON.parse(r.stdout) as { outageId: string; phase: string; engagement: string }[];
      return items.find((i) => i.outageId === 'CLI-1' && i.phase === 'engaged');
    }, 'the outage in the visibility list');
    expect(listed).toMatchObject({ engagement: 'met' });
  });

  step(
    "confirm-start makes a webhook's backdated start count (I7); an outage without a claim exits 1",
    async () => {
      const startedAt = new Date(Date.now() - 2 * 3600_000).toISOString();
      await e.outages.reportOutage(
        { key: 'CLI-WH', summary: 'Checkout fails', regions: ['ca-central'], source: 'uptime', startedAt },
        { via: 'webhook' },
      );
      const confirmed = await sla(
        'confirm-start',
        'CLI-WH',
        '--by',
        'oncall.toronto',
        '--reason',
        'graphs agree',
      );
      expect(confirmed.stderr).toBe('');
      expect(confirmed.stdout).toMatch(/^CLI-WH now counts from \S+; engagement due \S+: C9 breached\n$/);
      expect(await e.outages.outageStatus('CLI-WH')).toMatchObject({
        detectedAt: startedAt,
        startConfirmed: true,
      });
      const noClaim = await sla('confirm-start', 'CLI-1', '--by', 'oncall.toronto', '--reason', 'x');
      expect(noClaim.code).toBe(1);
      expect(noClaim.stderr).toMatch(/no claimed start to confirm/);
      await e.outages.resolveOutage('CLI-WH', { requestId: 'end', by: 'oncall.toronto' });
    },
  );

  step('resolve ends it once; a second resolve is a conflict (exit 1); an unknown key exits 3', async () => {
    const resolved = await sla('resolve', 'CLI-1', '--by', 'oncall.toronto');
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toMatch(/^CLI-1 resolved, ended \S+: C9 met\n$/);
    await e.waitFor(async () => (await e.outages.outageStatus('CLI-1')).recorded, 'the record');
    const twice = await sla('resolve', 'CLI-1', '--by', 'oncall.toronto');
    expect(twice.code).toBe(1);
    expect(twice.stderr).toMatch(/already resolved/);
    const status = await sla('status', 'CLI-1');
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^outage CLI-1: resolved — Sign-in fails/);
    expect(status.stdout).toMatch(/partial\s+by eng\.manager: members elsewhere can sign in/);
    const missing = await sla('status', 'NO-SUCH-OUTAGE');
    expect(missing.code).toBe(3);
    const table = await e.waitFor(async () => {
      const r = await sla('list');
      return /CLI-1\s+resolved\s+met/.test(r.stdout) ? r.stdout : undefined;
    }, 'the resolved outage in the list');
    expect(table).toMatch(/^KEY\s+PHASE\s+C9\s+ENGAGEMENT DUE/);
  });
});
