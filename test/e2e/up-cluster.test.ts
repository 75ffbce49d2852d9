// `sla up --cluster --workers 2`, the production topology on one machine as a user starts it: a
// Temporal cluster on PostgreSQL, two worker processes on the one task queue, the API, the ledger
// as the database `sla` on that PostgreSQL. A second terminal imports customers and closes a month
// through it (C14's ledger, I14's close), the Temporal CLI finds the namespace and the engine's
// search attributes, Ctrl-C stops it in order, and a second start keeps the ledger, the workflows
// and the ports (the SQL tool's update-schema only: the upgrade path).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { CreditEntry } from '../../src/ledger';
import { devServerExecutable } from '../../src/temporal-servers';
import { SLA, sla } from '../helpers/cli';
import { testCustomer } from '../helpers/ledger';
import { freePort } from '../helpers/ports';

const temporalCli = (() => {
  const exe = devServerExecutable();
  if (exe.type !== 'existing-path') throw new Error('run scripts/provision-servers.sh first');
  return exe.path;
})();

interface Running {
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
}

/** Resolves once every worker polls: the whole topology is serving. */
function startUp(env: NodeJS.ProcessEnv, workers: number): Promise<Running> {
  const child = spawn(process.execPath, [SLA, 'up', '--cluster', '--workers', String(workers)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`sla up --cluster did not come up:\n${output.join('\n')}`)),
      120_000,
    );
    let polling = 0;
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        // The server's own log is JSON lines; the test reads the engine's.
        if (!line.startsWith('[temporal]')) output.push(line);
        if (/\[worker(-\d+)?\] worker: polling task queue/.test(line) && ++polling === workers) {
          clearTimeout(timer);
          resolve({ child, output, exited });
        }
      });
    }
    void exited.then((code) => reject(new Error(`sla up exited with ${code}:\n${output.join('\n')}`)));
  });
}

async function stop(running: Running): Promise<void> {
  running.child.kill('SIGINT');
  expect(await running.exited).toBe(0);
  expect(running.output.join('\n')).toContain('up: stopped');
}

async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await sla(args, env);
  expect(result.stderr, `sla ${args.join(' ')}`).toBe('');
  expect(result.code, `sla ${args.join(' ')}`).toBe(0);
  return result.stdout;
}

describe('sla up --cluster', () => {
  const root = mkdtempSync(join(tmpdir(), 'sla-up-cluster-'));
  // As root, PostgreSQL runs as its own user, which must traverse (not list) the directory.
  chmodSync(root, 0o711);
  let running: Running | undefined;
  afterAll(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGINT');
      await running.exited;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it('runs the topology, serves a second terminal, stops on Ctrl-C and keeps everything on the next start', async () => {
    const [temporalPort, apiPort] = [await freePort(), await freePort()];
    const dataDir = join(root, 'data');
    const env = {
      SLA_DATA_DIR: dataDir,
      TEMPORAL_PORT: String(temporalPort),
      SLA_API_PORT: String(apiPort),
      SLA_TASK_QUEUE: 'e2e-up-cluster',
      DATABASE_URL: '',
      SLA_LEDGER_DIR: '',
    };
    const address = `127.0.0.1:${temporalPort}`;

    running = await startUp(env, 2);
    const banner = running.output.join('\n');
    expect(banner).toContain(`Temporal frontend   ${address} (namespace default) [cluster on PostgreSQL]`);
    expect(banner).toContain('Workers             2 processes, task queue e2e-up-cluster');
    expect(banner).not.toContain('Web UI');
    const ledgerUrl = /DATABASE_URL {8}(postgres:\/\/\S+\/sla)$/m.exec(banner)?.[1];
    expect(ledgerUrl).toBeDefined();
    expect(banner).toMatch(/Ledger {14}PostgreSQL ledger at 127\.0\.0\.1:\d+\/sla/);
    expect(existsSync(join(dataDir, 'cluster', 'cluster.json'))).toBe(true);

    // A second terminal: customers in, January closed by one of the workers, the ledger read back.
    const terminal = {
      SLA_DATA_DIR: dataDir,
      DATABASE_URL: ledgerUrl!,
      TEMPORAL_ADDRESS: address,
      SLA_TASK_QUEUE: 'e2e-up-cluster',
    };
    const customersFile = join(root, 'customers.json');
    writeFileSync(customersFile, JSON.stringify([testCustomer('acme'), testCustomer('globex')]));
    await cli(['customers', 'import', customersFile, '--effective', '2026-01-01'], terminal);
    expect(JSON.parse(await cli(['credits', 'run', '--month', '2026-01', '--json'], terminal))).toMatchObject(
      { month: '2026-01', done: 2, written: 2, monthClose: 'written' },
    );

    // The Temporal CLI, a plain client: the namespace and the engine's search attributes.
    const attributes = spawnSync(
      temporalCli,
      ['operator', 'search-attribute', 'list', '--address', address],
      {
        encoding: 'utf8',
      },
    );
    expect(attributes.stdout).toMatch(/SlaState\s+Keyword/);
    expect(attributes.stdout).toMatch(/SlaDueAt\s+Datetime/);
    const health = await fetch(`http://127.0.0.1:${apiPort}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });

    await stop(running);
    const order = running.output.filter((l) => /^up: (stopping|stopped)/.test(l));
    expect(order).toEqual(['up: stopping…', 'up: stopped']);

    // A second start on the same directory: the same ports, the ledger and the month's workflow kept.
    running = await startUp(env, 1);
    expect(running.output.join('\n')).toContain(`DATABASE_URL        ${ledgerUrl}`);
    const entries = JSON.parse(
      await cli(['ledger', 'list', '--month', '2026-01', '--json'], terminal),
    ) as CreditEntry[];
    expect(entries.map((e) => e.customerId)).toEqual(['acme', 'globex']);
    const described = spawnSync(
      temporalCli,
      ['workflow', 'describe', '--workflow-id', 'billing-month-2026-01', '--address', address],
      { encoding: 'utf8' },
    );
    expect(described.stdout).toMatch(/Status\s+COMPLETED/);
    await stop(running);
    // Two starts of the whole topology beside other test files on two cores: minutes, not seconds.
  }, 300_000);
});
