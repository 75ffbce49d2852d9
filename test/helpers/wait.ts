/**
 * Waits, in real time, until check() returns something truthy: for what happens on a dev server
 * or in another process. Errors thrown by check() count as "not yet" until the deadline, when the
 * last one is thrown. Polls every 50 ms: a check is a query or a SQL count, cheap next to the
 * seconds a drill's steps take, and a short interval takes little off each wait.
 */
export async function waitFor<T>(
  check: () => T | Promise<T>,
  what: string,
  timeoutMs: number,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
