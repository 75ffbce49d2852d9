/**
 * `sla worker` in child processes (test/fixtures/worker-process.ts), for drills that SIGKILL a
 * worker mid-work and start another. The workflows are bundled once in the test's process and the
 * bundle handed to every child, so a restart costs a process start rather than a webpack run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { WORKFLOWS } from './engine';
import { workflowBundle } from './temporal';

const ROOT = join(__dirname, '..', '..');

export class WorkerProcesses {
  private readonly started: ChildProcess[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'sla-worker-bundle-'));
  private bundlePath: Promise<string> | undefined;

  /**
   * env: the worker's settings (TEMPORAL_ADDRESS, SLA_TASK_QUEUE, the ledger's…), read at each start;
   * workflowsPath: the workflows module to bundle (a benchmark's adds its bare peers to the engine's).
   */
  constructor(
    private readonly env: () => Record<string, string | undefined>,
    private readonly workflowsPath = WORKFLOWS,
  ) {}

  /** A new worker process, resolved once it polls its task queue. */
  async start(timeoutMs = 90_000): Promise<ChildProcess> {
    this.bundlePath ??= workflowBundle(this.workflowsPath).then(({ code }) => {
      const path = join(this.dir, 'workflow-bundle.js');
      writeFileSync(path, code);
      return path;
    });
    const child = spawn(
      join(ROOT, 'node_modules', '.bin', 'vite-node'),
      [join(ROOT, 'test', 'fixtures', 'worker-process.ts')],
      {
        env: { ...process.env, ...this.env(), SLA_TEST_WORKFLOW_BUNDLE: await this.bundlePath },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.started.push(child);
    const lines: string[] = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker did not start:\n${lines.join('\n')}`)),
        timeoutMs,
      );
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`worker exited (${signal ?? code}) before polling:\n${lines.join('\n')}`));
      });
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          lines.push(line);
          if (line.includes('worker: polling task queue')) {
            clearTimeout(timer);
            resolve(child);
          }
        });
      }
    });
  }

  /** SIGKILL: no drain, no goodbye — what a crash looks like to Temporal. Resolves once it is gone. */
  async kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills every worker this started and removes the bundle. */
  async stopAll(): Promise<void> {
    for (const child of this.started) await this.kill(child);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
