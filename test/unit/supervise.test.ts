// `sla up`'s supervision of its children: a child that keeps dying is restarted after pauses that
// double up to the limit, back to the first pause once it has run long enough, each death logged
// with its exit code; stop() ends it with no restart to come.
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { supervise } from '../../src/supervise';

/** A child that exits with 3 as soon as it starts. */
const dying = () => spawn(process.execPath, ['-e', 'process.exit(3)'], { stdio: 'ignore' });

/** The supervisor's death lines, once there are `count` of them. */
function deaths(count: number): Promise<string[]> {
  const lines: string[] = [];
  return new Promise((resolve) => {
    vi.spyOn(console, 'error').mockImplementation((line: string) => {
      lines.push(line);
      if (lines.length === count) resolve(lines);
    });
  });
}

describe('supervise', () => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  afterEach(() => vi.restoreAllMocks());

  it('restarts a dying child after pauses that double up to the limit', async () => {
    const logged = deaths(4);
    const child = supervise('probe', dying, {
      backoff: { firstMs: 50, maxMs: 200, healthyMs: 60_000 },
    });
    const lines = await logged;
    await child.stop();
    expect(lines).toEqual(
      ['0.05', '0.1', '0.2', '0.2'].map(
        (s) => `up: the probe stopped unexpectedly (exit 3); restarting it in ${s} s`,
      ),
    );
  });

  it('starts again from the first pause after a healthy run', async () => {
    const logged = deaths(3);
    const child = supervise('probe', dying, { backoff: { firstMs: 50, maxMs: 200, healthyMs: 0 } });
    const lines = await logged;
    await child.stop();
    expect(lines.every((l) => l.endsWith('restarting it in 0.05 s'))).toBe(true);
  });

  it('restarts a child killed by a signal and stops it for good on stop()', async () => {
    const started: number[] = [];
    const logged = deaths(1);
    const child = supervise(
      'probe',
      () => {
        const c = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
        started.push(c.pid!);
        return c;
      },
      { backoff: { firstMs: 10, maxMs: 10, healthyMs: 60_000 } },
    );
    process.kill(started[0]!, 'SIGKILL');
    expect(await logged).toEqual(['up: the probe stopped unexpectedly (SIGKILL); restarting it in 0.01 s']);
    await vi.waitFor(() => expect(started).toHaveLength(2));
    await child.stop();
    expect(() => process.kill(started[1]!, 0)).toThrow();
  });
});
