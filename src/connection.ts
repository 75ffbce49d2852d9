/** Connections to Temporal from the configuration, waiting for a server that is still starting. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { codecDataConverter, codecKeys } from './codec';
import type { Config } from './config';

const RETRY_MS = 500;

async function retrying<T>(what: string, timeoutMs: number, connect: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connect();
    } catch (err) {
      if (Date.now() >= deadline) throw new Error(`${what}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}

/** A client whose payloads go through the engine's codec (src/codec): it reads and writes ciphertext. */
export async function connectClient(config: Config, timeoutMs = 30_000): Promise<Client> {
  const dataConverter = codecDataConverter(codecKeys(config)); // no key: stop before connecting
  const connection = await retrying(`cannot reach Temporal at ${config.temporalAddress}`, timeoutMs, () =>
    Connection.connect({ address: config.temporalAddress }),
  );
  return new Client({ connection, namespace: config.namespace, dataConverter });
}

export async function connectWorker(config: Config, timeoutMs = 30_000): Promise<NativeConnection> {
  return retrying(`cannot reach Temporal at ${config.temporalAddress}`, timeoutMs, () =>
    NativeConnection.connect({ address: config.temporalAddress }),
  );
}
