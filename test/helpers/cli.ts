/** Runs the built `sla` command (bin/sla → dist/) as a user would. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const SLA = join(ROOT, 'bin', 'sla');

/**
 * Runs the command without blocking this process: a test's worker, servers and timers go on
 * meanwhile, and so does the test runner's own messaging with this process (a child that took a
 * minute under a synchronous spawn made vitest's RPC time out). `input` goes to the command's
 * standard input (e.g. `--from-file -`).
 */
export function sla(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SLA, ...args], { env: { ...process.env, ...env } });
  child.stdin.end(input ?? '');
  return outcome(child);
}

/**
 * The command from source (vite-node on test/fixtures/sla-cli.ts, the same entry as bin/sla): for
 * tests that need no build, or the test's own policy or ledger in `env`. Not blocking either.
 */
export function slaFromSource(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(
    join(ROOT, 'node_modules', '.bin', 'vite-node'),
    [join(ROOT, 'test', 'fixtures', 'sla-cli.ts'), ...args],
    { env: { ...process.env, ...env } },
  );
  child.stdin.end();
  return outcome(child);
}

/** A child process's exit code and whole output, once it has closed. */
export function outcome(
  child: ChildProcessWithoutNullStreams,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
