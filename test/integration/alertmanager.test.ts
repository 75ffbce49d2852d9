// A real Prometheus Alertmanager (v0.31.1, scripts/provision-test-tools.sh) drives the engine's
// POST /webhooks/alertmanager as configured in production (docs/api-testing.md): `amtool alert
// add` fires an alert, whose group opens one outage (C9, I7); its repeat notifications join that
// outage; `amtool alert add --end` resolves it, and the resolved notification ends the outage,
// whose record reaches the ledger. An Alertmanager holding the wrong credential is refused 401
// (its own notifications_failed_total counts it) and opens nothing.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiOf, type TestApi } from '../helpers/api';
import { outcome } from '../helpers/cli';
import { startEngine, type Engine } from '../helpers/engine';
import { testCustomer } from '../helpers/ledger';
import { freePort } from '../helpers/ports';
import { testTool } from '../helpers/test-tools';

const TOKEN = 'alertmanager-token-0123456789abcdef';

interface RunningAlertmanager {
  url: string;
  log: () => string;
  stop: () => Promise<void>;
}

let e: Engine;
let api: TestApi;
const dir = mkdtempSync(join(tmpdir(), 'sla-alertmanager-'));
const running: RunningAlertmanager[] = [];

beforeAll(async () => {
  e = await startEngine({ server: 'dev', customers: [testCustomer('initech')] });
  api = await startApiOf(e, { SLA_ALERTMANAGER_TOKEN: TOKEN });
});

afterAll(async () => {
  await Promise.all(running.map((am) => am.stop()));
  await api?.close();
  await e?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * An Alertmanager whose one receiver is the engine's webhook, with the bearer credential read
 * from a file (as a secret is mounted). Groups by alertname; the intervals are seconds so that
 * repeats and the resolution arrive while the test waits.
 */
async function alertmanager(name: string, credential: string): Promise<RunningAlertmanager> {
  const home = join(dir, name);
  const port = await freePort();
  const credentialsFile = join(dir, `${name}.token`);
  writeFileSync(credentialsFile, credential);
  const config = join(dir, `${name}.yml`);
  writeFileSync(
    config,
    [
      'route:',
      '  receiver: sla-engine',
      '  group_by: [alertname]',
      '  group_wait: 1s',
      '  group_interval: 1s',
      '  repeat_interval: 2s',
      'receivers:',
      '  - name: sla-engine',
      '    webhook_configs:',
      `      - url: ${api.base}/webhooks/alertmanager`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      '            type: Bearer',
      `            credentials_file: ${credentialsFile}`,
      '',
    ].join('\n'),
  );
  const child: ChildProcessWithoutNullStreams = spawn(testTool('ALERTMANAGER'), [
    `--config.file=${config}`,
    `--storage.path=${home}`,
    `--web.listen-address=127.0.0.1:${port}`,
    // A single instance: no gossip port to collide with another test's.
    '--cluster.listen-address=',
    '--log.level=debug',
  ]);
  child.stdin.end();
  let log = '';
  child.stdout.on('data', (c: Buffer) => (log += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (log += c.toString('utf8')));
  const exited = outcome(child);
  const url = `http://127.0.0.1:${port}`;
  await e.waitFor(
    () =>
      fetch(`${url}/-/ready`).then(
        (r) => r.ok,
        () => false,
      ),
    `Alertmanager ${name} ready`,
  );
  const am = {
    url,
    log: () => log,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
  running.push(am);
  return am;
}

/** amtool, as an operator would type it, against one Alertmanager. */
async function amtool(am: RunningAlertmanager, args: string[]): Promise<void> {
  const child = spawn(testTool('AMTOOL'), [`--alertmanager.url=${am.url}`, ...args]);
  child.stdin.end();
  const result = await outcome(child);
  expect(result.code, result.stdout + result.stderr).toBe(0);
}

/** The ids of the outages the engine has. */
const outageIds = async (): Promise<string[]> => (await e.outages.listOutages({})).map((o) => o.outageId);

/** The sum of one counter over its label sets, from Alertmanager's own /metrics. */
async function counter(am: RunningAlertmanager, name: string): Promise<number> {
  const text = await (await fetch(`${am.url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`) && line.includes('integration="webhook"'))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('Prometheus Alertmanager → POST /webhooks/alertmanager', () => {
  it('an alert fired opens one outage, its repeats join it, its resolution ends it in the ledger', async () => {
    const am = await alertmanager('good', TOKEN);
    const summary = 'Checkout API down in eu-west';
    const labels = ['alertname=CheckoutDown', 'region=eu-west', 'severity=page'];
    await amtool(am, ['alert', 'add', ...labels, `--annotation=summary=${summary}`]);

    const [outageId] = await e.waitFor(async () => {
      const ids = await outageIds();
      return ids.length ? ids : undefined;
    }, 'the outage opened by the first notification');
    const opened = await e.outages.outageStatus(outageId!);
    expect(opened).toMatchObject({ summary, source: 'alertmanager', regions: ['eu-west'] });
    expect(opened.state).not.toBe('resolved');

    // repeat_interval 2s: the same group notifies again, and each notification joins the outage.
    // Alertmanager checks for a repeat only at its group_interval ticks, and with the whole suite
    // on two cores each notification can take seconds: the two repeats get a generous bound.
    await e.waitFor(
      async () => (await e.outages.outageStatus(outageId!)).reports >= 3,
      'repeat notifications joining the outage',
      45_000,
    );
    expect(await outageIds()).toEqual([outageId]);

    const end = new Date().toISOString();
    await amtool(am, ['alert', 'add', ...labels, `--annotation=summary=${summary}`, `--end=${end}`]);
    const resolved = await e.waitFor(async () => {
      const status = await e.outages.outageStatus(outageId!);
      return status.state === 'resolved' ? status : undefined;
    }, 'the resolved notification ending the outage');
    // Ended at the alert's end as Alertmanager sent it.
    expect(resolved.end).toBe(end);
    const records = await e.waitFor(async () => {
      const found = await e.ledger.outages({
        from: new Date(Date.now() - 3_600_000).toISOString(),
        to: new Date(Date.now() + 60_000).toISOString(),
      });
      const mine = found.filter((r) => r.outageId === outageId);
      return mine.length ? mine : undefined;
    }, "the outage's record in the ledger");
    expect(records).toHaveLength(1);
    expect(am.log()).not.toMatch(/Notify for alerts failed/);
  }, 120_000);

  it('an Alertmanager holding the wrong credential is refused 401 and opens nothing', async () => {
    const am = await alertmanager('wrong', 'not-the-alertmanager-token-0123');
    const before = await outageIds();
    await amtool(am, ['alert', 'add', 'alertname=BillingDown', 'region=ca-central']);
    await e.waitFor(
      async () => (await counter(am, 'alertmanager_notifications_failed_total')) > 0,
      'a failed webhook notification counted by Alertmanager',
    );
    expect(am.log()).toMatch(/401/);
    expect(await outageIds()).toEqual(before);
  });
});
