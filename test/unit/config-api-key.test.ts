// TEMPORAL_API_KEY (Temporal Cloud's API keys, the SDKs' environment-configuration name): TLS by
// default, plaintext only when TEMPORAL_TLS=false says so, and the key sent as a bearer token by
// both the client and the worker's connection.
import { createServer, type Http2Server, type ServerHttp2Session } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { connectClient, connectWorker, temporalConnectionOptions } from '../../src/connection';
import { configError } from '../helpers/config';

const KEY = 'cloud-api-key-0123456789';

describe('TEMPORAL_API_KEY', () => {
  it("turns TLS on with the system's roots, and goes with every connection", () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'ns.acct.tmprl.cloud:7233', TEMPORAL_API_KEY: KEY });
    expect(temporalConnectionOptions(config)).toEqual({
      address: 'ns.acct.tmprl.cloud:7233',
      tls: {},
      apiKey: KEY,
    });
  });

  it('stays plaintext with TEMPORAL_TLS=false (a local proxy that terminates TLS)', () => {
    const config = loadConfig({ TEMPORAL_API_KEY: KEY, TEMPORAL_TLS: 'false' });
    expect(temporalConnectionOptions(config)).toEqual({
      address: '127.0.0.1:7233',
      tls: false,
      apiKey: KEY,
    });
  });

  it('unset or blank: no key, no TLS', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_API_KEY: '' }))).toEqual({
      address: '127.0.0.1:7233',
      tls: false,
    });
  });

  it('a key of blanks is refused naming the variable', () => {
    expect(configError(() => loadConfig({ TEMPORAL_API_KEY: '   ' }))).toMatch(
      /TEMPORAL_API_KEY: expected an API key/,
    );
  });
});

describe('the API key on the wire', () => {
  let server: Http2Server | undefined;
  const sessions = new Set<ServerHttp2Session>();
  // The SDKs keep their connections open while retrying: close ends only once they are gone.
  afterEach(async () => {
    for (const session of sessions) session.destroy();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  });

  /** A gRPC endpoint that records each call's authorization header and answers UNAUTHENTICATED. */
  async function recordingFrontend(): Promise<{ address: string; seen: (string | undefined)[] }> {
    const seen: (string | undefined)[] = [];
    server = createServer();
    server.on('session', (session) => sessions.add(session));
    server.on('stream', (stream, headers) => {
      seen.push(headers.authorization);
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '16', 'grpc-message': 'no' }));
      stream.end();
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { address: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  it('the client and the worker both send it as a bearer token', async () => {
    const frontend = await recordingFrontend();
    const config = loadConfig({
      TEMPORAL_ADDRESS: frontend.address,
      TEMPORAL_API_KEY: KEY,
      TEMPORAL_TLS: 'false',
      SLA_CODEC_KEYS: 'k1:' + Buffer.alloc(32, 7).toString('base64'),
    });
    await expect(connectClient(config, 500)).rejects.toThrow(/cannot reach Temporal/);
    const byClient = frontend.seen.length;
    expect(byClient).toBeGreaterThan(0);
    await expect(connectWorker(config, 500)).rejects.toThrow(/cannot reach Temporal/);
    expect(frontend.seen.length).toBeGreaterThan(byClient);
    expect(new Set(frontend.seen)).toEqual(new Set([`Bearer ${KEY}`]));
  });
});
