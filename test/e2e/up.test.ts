// The README's first command, `sla up`, as a user runs it: the whole system comes up on embedded
// defaults, its directories for this user only, the Temporal CLI answers against it, /health
// answers, CLI commands in another terminal share the embedded ledger with the worker while it
// runs and open it themselves once it stopped, an API killed is restarted, Ctrl-C stops it
// cleanly, and a second start keeps the data of the first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { CreditEntry, CustomerRecord } from '../../src/ledger';
import { MIGRATIONS } from '../../src/ledger/migrations';
import { devServerExecutable } from '../../src/temporal-servers';
import { SLA, sla } from '../helpers/cli';
import { seedLedgerDir, testCustomer } from '../helpers/ledger';
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
  /** The first line from now on that matches. */
  next(pattern: RegExp): Promise<RegExpExecArray>;
}

function startUp(env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, [SLA, 'up'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waiting = new Set<(line: string) => void>();
  const next = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve) => {
      const check = (line: string) => {
        const match = pattern.exec(line);
        if (!match) return;
        waiting.delete(check);
        resolve(match);
      };
      waiting.add(check);
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`sla up did not come up:\n${output.join('\n')}`)),
      60_000,
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        for (const check of [...waiting]) check(line);
        // The worker logs once it polls; then the whole system is serving.
        if (/worker: polling task queue/.test(line)) {
          clearTimeout(timer);
          resolve({ child, output, exited, next });
        }
      });
    }
    void exited.then((code) => reject(new Error(`sla up exited with ${code}:\n${output.join('\n')}`)));
  });
}

/** `sla …` from a second terminal: a process of its own, beside the running `sla up`. */
async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await sla(args, env);
  expect(result.stderr, `sla ${args.join(' ')}`).toBe('');
  expect(result.code, `sla ${args.join(' ')}`).toBe(0);
  return result.stdout;
}

function temporal(args: string[], address: string) {
  return spawnSync(temporalCli, [...args, '--address', address], { encoding: 'utf8' });
}

describe('sla up', () => {
  let running: Running | undefined;
  afterEach(async () => {
    if (running && running.child.exitCode === null) {
      running.child.kill('SIGINT');
      await running.exited;
    }
  });

  it('brings the system up, answers, restarts a killed API, stops on Ctrl-C and keeps its data on the next start', async () => {
    const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), 'sla-up-'));
    // An initdb'ed ledger not yet migrated (a fresh initdb is 10–30 s of WASM): `sla up` migrates.
    const ledgerDir = await seedLedgerDir(dataDir, { migrated: false });
    // Left readable by an older run: `sla up` makes them this user's only.
    for (const dir of [dataDir, ledgerDir]) chmodSync(dir, 0o755);
    const env = {
      SLA_DATA_DIR: dataDir,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      SLA_API_PORT: String(apiPort),
      SLA_TASK_QUEUE: 'e2e-up',
      DATABASE_URL: '',
      SLA_LEDGER_DIR: '',
      SLA_API_TOKENS: 'auditor:e2e-auditor-token-0123',
    };
    const address = `127.0.0.1:${temporalPort}`;

    running = await startUp(env);
    for (const dir of [dataDir, ledgerDir, join(dataDir, 'outbox')])
      expect(statSync(dir).mode & 0o777, dir).toBe(0o700);
    // The dev server creates its database 0644; `sla up` tightens it.
    expect(statSync(join(dataDir, 'temporal.db')).mode & 0o777).toBe(0o600);
    const banner = running.output.join('\n');
    expect(banner).toContain(`Temporal frontend   ${address}`);
    expect(banner).toContain(`Temporal Web UI     http://127.0.0.1:${uiPort}`);
    expect(banner).toContain(`HTTP API            http://127.0.0.1:${apiPort}/health`);
    expect(banner).toMatch(
      /Ledger {14}embedded ledger in .*, served on 127\.0\.0\.1:\d+ to the other processes/,
    );
    // The URL carries the password of this run: for this user's processes only.
    const urlFile = join(ledgerDir, 'sla-ledger.url');
    expect(statSync(urlFile).mode & 0o777).toBe(0o600);
    const { url } = JSON.parse(readFileSync(urlFile, 'utf8')) as { url: string };
    expect(banner).not.toContain(new URL(url).password);

    // A second terminal, as the README's walk-through: customers in, a month closed by the worker,
    // the ledger read back — while the worker holds the ledger through `sla up`.
    const terminal = {
      SLA_DATA_DIR: dataDir,
      DATABASE_URL: '',
      SLA_LEDGER_DIR: '',
      TEMPORAL_ADDRESS: address,
      SLA_TASK_QUEUE: 'e2e-up',
    };
    const customers = [
      testCustomer('acme'),
      testCustomer('northwind', { currency: 'GBP', region: 'eu-west' }),
    ];
    const customersFile = join(dataDir, 'customers.json');
    writeFileSync(customersFile, JSON.stringify(customers));
    // In force from the first instant of the month closed below (I15).
    const importFrom = ['customers', 'import', customersFile, '--effective', '2026-01-01'];
    expect(await cli(importFrom, terminal)).toBe(
      'imported 2 customers in force from 2026-01-01 00:00 EST (2026-01-01T05:00:00.000Z): 2 new, 0 updated, 0 unchanged\n',
    );
    // The worker closes January (reading the customers the CLI imported, writing their entries)
    // while two more CLI processes import and read: worker + 2 CLIs on the one PGlite backend.
    const [closed, reimported, listedDuring] = await Promise.all([
      cli(['credits', 'run', '--month', '2026-01', '--json'], terminal),
      cli(importFrom, terminal),
      cli(['ledger', 'list', '--json'], terminal),
    ]);
    expect(JSON.parse(closed)).toMatchObject({
      month: '2026-01',
      done: 2,
      written: 2,
      monthClose: 'written',
    });
    expect(reimported).toBe(
      'imported 2 customers in force from 2026-01-01 00:00 EST (2026-01-01T05:00:00.000Z): 0 new, 0 updated, 2 unchanged\n',
    );
    // Before, during or after the close's one transaction per batch: never a part of it.
    expect([0, 2]).toContain((JSON.parse(listedDuring) as CreditEntry[]).length);
    const entries = JSON.parse(
      await cli(['ledger', 'list', '--month', '2026-01', '--json'], terminal),
    ) as CreditEntry[];
    expect(entries.map((e) => [e.customerId, e.currency, e.workflowId])).toEqual([
      ['acme', 'CAD', 'billing-month-2026-01'],
      ['northwind', 'GBP', 'billing-month-2026-01'],
    ]);
    const listedCustomers = JSON.parse(
      await cli(['customers', 'list', '--json'], terminal),
    ) as CustomerRecord[];
    expect(listedCustomers).toEqual(customers);

    // The Temporal CLI, as a plain client, answers against the embedded server.
    const described = temporal(['operator', 'namespace', 'describe', '-n', 'default'], address);
    expect(described.status).toBe(0);
    expect(described.stdout).toMatch(/NamespaceInfo\.State\s+Registered/);
    const attributes = temporal(['operator', 'search-attribute', 'list'], address);
    expect(attributes.stdout).toMatch(/SlaState\s+Keyword/);
    expect(attributes.stdout).toMatch(/SlaDueAt\s+Datetime/);

    // The status to anyone; the details to a role token.
    const health = await fetch(`http://127.0.0.1:${apiPort}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const detailed = await fetch(`http://127.0.0.1:${apiPort}/health`, {
      headers: { authorization: 'Bearer e2e-auditor-token-0123' },
    });
    expect(await detailed.json()).toMatchObject({ status: 'ok', temporal: { reachable: true, address } });
    expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);

    // The API's operations answer with a role token, the ledger-backed ones from the ledger `sla up`
    // serves (the customers imported above), and the OpenAPI document needs no token.
    const api = (path: string, token = 'e2e-auditor-token-0123') =>
      fetch(`http://127.0.0.1:${apiPort}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await api('/v1/outages')).status).toBe(200);
    expect((await api('/v1/outages', 'not-a-token-of-ours!!')).status).toBe(401);
    const listed = await api('/v1/customers');
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await listed.json())).toContain('"northwind"');
    expect((await fetch(`http://127.0.0.1:${apiPort}/openapi.json`)).status).toBe(200);

    // The API killed outright: `sla up` says so, starts it again, and runs on.
    const apiPid = Number(/up: the api started \(pid (\d+)\)/.exec(running.output.join('\n'))?.[1]);
    const died = running.next(/up: the api stopped unexpectedly \((\w+)\); restarting it in 1 s/);
    const restarted = running.next(/up: the api restarted \(pid (\d+)\)/);
    const listening = running.next(/\[api\] api: listening on/);
    process.kill(apiPid, 'SIGKILL');
    expect((await died)[1]).toBe('SIGKILL');
    expect(Number((await restarted)[1])).not.toBe(apiPid);
    await listening;
    expect(running.child.exitCode).toBeNull();
    expect((await api('/v1/customers')).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${apiPort}/health`)).status).toBe(200);

    // Something to find after a restart.
    const started = temporal(
      [
        'workflow',
        'start',
        '--type',
        'persistenceProbe',
        '--task-queue',
        'nobody',
        '--workflow-id',
        'persisted-probe',
      ],
      address,
    );
    expect(started.status).toBe(0);

    running.child.kill('SIGINT');
    expect(await running.exited).toBe(0);
    expect(running.output.join('\n')).toContain('up: stopped');
    expect(
      temporal(['operator', 'namespace', 'describe', '-n', 'default', '--command-timeout', '2s'], address)
        .status,
    ).not.toBe(0);

    // Stopped: no URL left behind; the CLI opens the embedded ledger itself and finds it all
    // (each direct open loads PGlite's WASM: one command here, the rest read in this process),
    // migrated once (by `sla up`, every later migrate a no-op).
    expect(existsSync(urlFile)).toBe(false);
    expect(JSON.parse(await cli(['customers', 'list', '--json'], terminal))).toEqual(customers);
    const { openLedger } = await import('../../src/ledger');
    const direct = await openLedger({ databaseUrl: undefined, ledgerDir });
    try {
      expect(JSON.parse(JSON.stringify(await direct.creditEntries({})))).toEqual(entries);
      const applied = await direct.driver.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(applied.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await direct.close();
    }

    running = await startUp(env);
    const again = temporal(['workflow', 'describe', '--workflow-id', 'persisted-probe'], address);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('persistenceProbe');
    // Two starts of the whole system, beside other test files on two cores: minutes, not seconds.
  }, 240_000);

  it('refuses bad settings before starting anything', async () => {
    const result = await sla(['up'], { SLA_API_PORT: 'eighty' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/SLA_API_PORT: /);
  });
});
