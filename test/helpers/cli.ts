/** Runs the built `sla` command (bin/sla → dist/) as a user would. */
import { spawnSync } from 'node:child_process';
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
