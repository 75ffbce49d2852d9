/** Connections to Temporal from the configuration, waiting for a server that is still starting. */
import { readFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
// Types only here: the client's and the worker's packages (gRPC, the native bridge) are loaded
// when a connection is made, so that a command of the `sla` CLI that needs none starts without.
import type { Client, TLSConfig } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { codecDataConverter, codecKeys } from './codec';
import { ConfigError, type Config, type TemporalTls } from './config';
import { UnavailableError } from './errors';
import { tracingClientInterceptors } from './traces';

const RETRY_MS = 500;

/** How long a command waits for Temporal before it answers "unavailable" (CLI exit code 4). */
export const COMMAND_CONNECT_TIMEOUT_MS = 4_000;

/**
 * One connection attempt's limit: gRPC keeps retrying a refused connection until it, so without it
 * an attempt on a closed port waits out the whole budget.
 */
const ATTEMPT_TIMEOUT_MS = 4_000;

async function retrying<T>(what: string, timeoutMs: number, connect: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await connect();
    } catch (err) {
      if (Date.now() >= deadline) throw new UnavailableError(`${what}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
}

/**
 * Reads the TLS files named by the configuration. A missing or unreadable file is a settings
 * error naming its variable, raised before any connection is tried.
 */
export function readTls(tls: TemporalTls | undefined): TLSConfig | undefined {
  if (!tls) return undefined;
  const read = (variable: string, path: string | undefined) => {
    if (path === undefined) return undefined;
    try {
      return readFileSync(path);
    } catch (err) {
      const reason =
        (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      throw new ConfigError(`invalid settings:\n  - ${variable}: cannot read ${path}: ${reason}`);
    }
  };
  const ca = read('TEMPORAL_TLS_CA', tls.caFile);
  const crt = read('TEMPORAL_TLS_CERT', tls.certFile);
  const key = read('TEMPORAL_TLS_KEY', tls.keyFile);
  return {
    ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
  };
}

/**
 * Where and how the client and the worker reach Temporal: the address, TLS (files read now) and
 * the API key, which the SDK sends as `authorization: Bearer …` on every call (Temporal Cloud).
 */
export function temporalConnectionOptions(config: Config): {
  address: string;
  tls: TLSConfig | false;
  apiKey?: string;
} {
  return {
    address: config.temporalAddress,
    // false, not absent: given an API key and no TLS setting, the SDK would turn TLS on itself,
    // overriding TEMPORAL_TLS=false.
    tls: readTls(config.temporalTls) ?? false,
    ...(config.temporalApiKey ? { apiKey: config.temporalApiKey } : {}),
  };
}

/**
 * Whether anything accepts TCP connections at host:port, within timeoutMs. A command asks first:
 * a refused or unresolvable address answers "unavailable" at once, where gRPC would keep retrying
 * until its deadline. (A server still starting is `sla up`'s concern, which waits instead.)
 */
export function probeTcp(address: string, timeoutMs: number): Promise<void> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at);
  const port = Number(address.slice(at + 1));
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host, port });
    const done = (err?: Error) => {
      socket.destroy();
      if (err) reject(new UnavailableError(`cannot reach Temporal at ${address}: ${err.message}`));
      else resolve();
    };
    socket.setTimeout(timeoutMs, () => done(new Error(`no answer in ${timeoutMs} ms`)));
    socket.once('connect', () => done());
    socket.once('error', done);
  });
}

/**
 * A client whose payloads go through the engine's codec (src/codec): it reads and writes
 * ciphertext. With tracing configured, its workflow calls carry the caller's trace (src/traces.ts).
 */
export async function connectClient(config: Config, timeoutMs = 30_000): Promise<Client> {
  const { Client, Connection } = await import('@temporalio/client');
  const dataConverter = codecDataConverter(codecKeys(config)); // no key: stop before connecting
  const options = temporalConnectionOptions(config);
  const connection = await retrying(`cannot reach Temporal at ${config.temporalAddress}`, timeoutMs, () =>
    Connection.connect({
      ...options,
      connectTimeout: Math.min(timeoutMs, ATTEMPT_TIMEOUT_MS),
    }),
  );
  const interceptors = { workflow: await tracingClientInterceptors(config) };
  return new Client({ connection, namespace: config.namespace, dataConverter, interceptors });
}

export async function connectWorker(config: Config, timeoutMs = 30_000): Promise<NativeConnection> {
  const options = temporalConnectionOptions(config);
  const { NativeConnection } = await import('@temporalio/worker');
  return retrying(`cannot reach Temporal at ${config.temporalAddress}`, timeoutMs, () =>
    NativeConnection.connect(options),
  );
}
