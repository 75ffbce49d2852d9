// The README's first command, `sla up`, as a user runs it: the whole system comes up on embedded
// defaults, the Temporal CLI answers against it, /health answers, Ctrl-C stops it cleanly, and a
// second start keeps the data of the first.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { devServerExecutable } from '../../src/temporal-servers';
import { SLA } from '../helpers/cli';
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

function startUp(env: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, [SLA, 'up'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`sla up did not come up:\n${output.join('\n')}`)),
      60_000,
    );
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line);
        // The worker logs once it polls; then the whole system is serving.
        if (/worker: polling task queue/.test(line)) {
          clearTimeout(timer);
          resolve({ child, output, exited });
        }
      });
    }
    void exited.then((code) => reject(new Error(`sla up exited with ${code}:\n${output.join('\n')}`)));
  });
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

  it('brings the system up, answers, stops on Ctrl-C and keeps its data on the next start', async () => {
    const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const dataDir = mkdtempSync(join(tmpdir(), 'sla-up-'));
    const env = {
      SLA_DATA_DIR: dataDir,
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      SLA_API_PORT: String(apiPort),
      SLA_TASK_QUEUE: 'e2e-up',
      SLA_API_TOKENS: 'auditor:e2e-auditor-token-0123',
    };
    const address = `127.0.0.1:${temporalPort}`;

    running = await startUp(env);
    const banner = running.output.join('\n');
    expect(banner).toContain(`Temporal frontend   ${address}`);
    expect(banner).toContain(`Temporal Web UI     http://127.0.0.1:${uiPort}`);
    expect(banner).toContain(`HTTP API            http://127.0.0.1:${apiPort}/health`);

    // The Temporal CLI, as a plain client, answers against the embedded server.
    const described = temporal(['operator', 'namespace', 'describe', '-n', 'default'], address);
    expect(described.status).toBe(0);
    expect(described.stdout).toMatch(/NamespaceInfo\.State\s+Registered/);
    const attributes = temporal(['operator', 'search-attribute', 'list'], address);
    expect(attributes.stdout).toMatch(/SlaState\s+Keyword/);
    expect(attributes.stdout).toMatch(/SlaDueAt\s+Datetime/);

    const health = await fetch(`http://127.0.0.1:${apiPort}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', temporal: { reachable: true, address } });
    expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);

    // The API's operations answer with a role token; the ledger-backed ones say the embedded
    // ledger is the worker's (503), and the OpenAPI document needs no token.
    const api = (path: string, token = 'e2e-auditor-token-0123') =>
      fetch(`http://127.0.0.1:${apiPort}${path}`, { headers: { authorization: `Bearer ${token}` } });
    expect((await api('/v1/outages')).status).toBe(200);
    expect((await api('/v1/outages', 'not-a-token-of-ours!!')).status).toBe(401);
    const customers = await api('/v1/customers');
    expect(customers.status).toBe(503);
    expect(await customers.json()).toMatchObject({
      error: { code: 'unavailable', message: expect.stringMatching(/DATABASE_URL/) },
    });
    expect((await fetch(`http://127.0.0.1:${apiPort}/openapi.json`)).status).toBe(200);

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

    running = await startUp(env);
    const again = temporal(['workflow', 'describe', '--workflow-id', 'persisted-probe'], address);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('persistenceProbe');
    // Two starts of the whole system, beside other test files on two cores: minutes, not seconds.
  }, 240_000);

  it('refuses bad settings before starting anything', () => {
    const result = spawnSync(process.execPath, [SLA, 'up'], {
      env: { ...process.env, SLA_API_PORT: 'eighty' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/SLA_API_PORT: /);
  });
});
