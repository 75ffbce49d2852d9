import { createServer } from 'node:net';

/** Whether `port` can be listened on at 127.0.0.1 (0: any), and which port that was. */
function listenable(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

/** Whether the port was free a moment ago on 127.0.0.1. */
export async function isFree(port: number): Promise<boolean> {
  return (await listenable(port)) === port;
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const port = await listenable(0);
  if (port === undefined) throw new Error('no free port on 127.0.0.1');
  return port;
}

/**
 * A free port below 32768: the Temporal server keeps membership ports in a PostgreSQL smallint,
 * and the system hands out ports from above it. Tried at random in [20000, 32767].
 */
export async function freeSmallPort(): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    if (await isFree(port)) return port;
  }
  throw new Error('no free port between 20000 and 32767 on 127.0.0.1');
}
