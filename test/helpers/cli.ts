/** Runs the built `sla` command (bin/sla → dist/) as a user would. */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

export const SLA = join(__dirname, '..', '..', 'bin', 'sla');

export function sla(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [SLA, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The same, without blocking this process: for tests whose worker runs in this process. `input`
 * goes to the command's standard input (e.g. `--from-file -`).
 */
export function slaAsync(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [SLA, ...args], { env: { ...process.env, ...env } });
  child.stdin.end(input ?? '');
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
