/**
 * `sla up` keeps its children running: a worker, an API or a Temporal dev server that dies, for
 * whatever reason (an exit code, a signal, the OOM killer), is started again after a pause that
 * doubles from 1 s up to 30 s while it keeps dying, and is back to 1 s once it has run for a
 * minute. Each death and each restart is logged with its exit code or signal and the new pid.
 * Only stop() — Ctrl-C on `sla up` — ends it.
 */
import type { ChildProcess } from 'node:child_process';

export const RESTART_BACKOFF = { firstMs: 1_000, maxMs: 30_000, healthyMs: 60_000 };
const STOP_GRACE_MS = 20_000;

export interface Supervised {
  /** Stops it for good: no restart pending or to come, the running process ended. */
  stop(): Promise<void>;
}

/** SIGTERM, then SIGKILL if it has not ended after a grace period. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * Runs `start()` (or watches `running`, already started) and restarts it whenever it ends, until
 * stop(); `stop` ends one process (default stopChild); `backoff` is for tests.
 */
export function supervise(
  role: string,
  start: () => ChildProcess,
  options: {
    running?: ChildProcess;
    stop?: (child: ChildProcess) => Promise<void>;
    backoff?: typeof RESTART_BACKOFF;
  } = {},
): Supervised {
  const { firstMs, maxMs, healthyMs } = options.backoff ?? RESTART_BACKOFF;
  let delay = firstMs;
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let child: ChildProcess;
  let startedAt: number;

  const watch = (next: ChildProcess, restarted: boolean) => {
    child = next;
    startedAt = Date.now();
    console.log(`up: the ${role} ${restarted ? 'restarted' : 'started'} (pid ${child.pid})`);
    // A failed spawn (e.g. the executable removed) is said, not thrown at `sla up`.
    child.on('error', (err) => console.error(`up: the ${role} could not run: ${err.message}`));
    child.once('exit', (code, signal) => {
      if (stopping) return;
      if (Date.now() - startedAt >= healthyMs) delay = firstMs;
      console.error(
        `up: the ${role} stopped unexpectedly (${signal ?? `exit ${code}`}); restarting it in ${delay / 1000} s`,
      );
      timer = setTimeout(() => {
        timer = undefined;
        watch(start(), true);
      }, delay);
      delay = Math.min(delay * 2, maxMs);
    });
  };
  watch(options.running ?? start(), false);

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await (options.stop ?? stopChild)(child);
    },
  };
}
