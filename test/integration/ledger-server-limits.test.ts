// The served embedded ledger (src/ledger/server.ts) against a hostile local client on a raw socket:
// a huge declared length is refused from its header without being buffered, a client that says
// nothing is timed out, connections over the cap are refused, connections that never authenticate
// hold only their own small cap (the oldest refused to make room), an authenticated client's message
// is capped far above the largest the engine sends (docs/deployment.md, "The ledger's wire
// server") — and a legitimate pg client connects and queries throughout.
import { connect, type Socket } from 'node:net';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded, type EmbeddedLedger } from '../../src/ledger/driver';
import { MAX_MESSAGE, MAX_PRE_AUTH_MESSAGE, serveLedger, type LedgerServer } from '../../src/ledger/server';
import { createTestLedger, type TestLedger } from '../helpers/ledger';
import { waitFor } from '../helpers/wait';

/** A raw connection and everything the server sent on it until it closed. */
interface Raw {
  socket: Socket;
  received(): Buffer;
  /** Resolves with all the server sent once the connection is closed. */
  closed: Promise<Buffer>;
  /** Resolves once the server has sent at least n bytes. */
  bytes(n: number): Promise<void>;
}

function openRaw(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    const waiters: { n: number; go: () => void }[] = [];
    const received = () => Buffer.concat(chunks);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      for (const w of waiters.filter((w) => received().length >= w.n)) w.go();
    });
    // A write after the server refused (EPIPE, ECONNRESET) is the hostile client's problem.
    socket.on('error', () => undefined);
    const closed = new Promise<Buffer>((r) => socket.once('close', () => r(received())));
    socket.once('connect', () =>
      resolve({
        socket,
        received,
        closed,
        bytes: (n) =>
          received().length >= n ? Promise.resolve() : new Promise((go) => waiters.push({ n, go })),
      }),
    );
    socket.once('error', reject);
  });
}

/** A protocol 3.0 StartupMessage for user postgres. */
function startupMessage(): Buffer {
  const body = Buffer.from('user\0postgres\0database\0postgres\0\0', 'utf8');
  const out = Buffer.alloc(8 + body.length);
  out.writeInt32BE(out.length, 0);
  out.writeInt32BE(196608, 4);
  body.copy(out, 8);
  return out;
}

/** The SQLSTATE of the ErrorResponse a reply ends with ('E', length, fields 'C' then the code). */
function errorCode(reply: Buffer): string | undefined {
  const at = reply.lastIndexOf(0x45); // 'E'
  if (at < 0) return undefined;
  return /C([0-9A-Z]{5})\0/.exec(reply.subarray(at + 5).toString('utf8'))?.[1];
}

/** Writes `total` bytes of body in 64 KiB chunks, noting the most the server held meanwhile. */
async function flood(raw: Raw, server: LedgerServer, total: number): Promise<number> {
  let most = 0;
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  for (let sent = 0; sent < total && !raw.socket.destroyed && raw.socket.writable; sent += chunk.length) {
    await new Promise<void>((r) => raw.socket.write(chunk, () => r()));
    most = Math.max(most, server.stats().bufferedBytes);
  }
  return most;
}

describe('the served embedded ledger under a hostile local client', () => {
  let ledger: TestLedger;
  let embedded: EmbeddedLedger;
  /** Default limits, but a short authentication timeout. */
  let server: LedgerServer;
  /** A cap of three connections, for the test that fills it. */
  let capped: LedgerServer;
  /** Four connections may be authenticating, of eight; authentication never times out in a test. */
  let flooded: LedgerServer;
  let pool: Pool;

  beforeAll(async () => {
    ledger = await createTestLedger('pglite');
    const dir = ledger.settings.SLA_LEDGER_DIR!;
    await ledger.close();
    embedded = await openEmbedded(dir);
    server = await serveLedger(embedded.db, { authTimeoutMs: 300 });
    capped = await serveLedger(embedded.db, { maxConnections: 3 });
    flooded = await serveLedger(embedded.db, { maxPending: 4, maxConnections: 8, authTimeoutMs: 600_000 });
    pool = new Pool({ connectionString: server.url, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await server?.stop();
    await capped?.stop();
    await flooded?.stop();
    await embedded?.driver.close();
    await ledger?.cleanup();
  });

  const stillServes = async (url = server.url) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      expect((await client.query<{ n: number }>('SELECT 41 + 1 AS n')).rows).toEqual([{ n: 42 }]);
    } finally {
      await client.end();
    }
  };

  it('refuses a 1 GiB password message from its header, holding none of it', async () => {
    const raw = await openRaw(server.port);
    raw.socket.write(startupMessage());
    await raw.bytes(9); // AuthenticationCleartextPassword
    const header = Buffer.alloc(5);
    header.write('p', 0);
    header.writeInt32BE(2 ** 30, 1);
    raw.socket.write(header);
    // The body follows as a client would send it; a server waiting for it would hold it all.
    const most = await flood(raw, server, 4 * 1024 * 1024);
    const reply = await raw.closed;
    expect(errorCode(reply)).toBe('08P01');
    expect(reply.toString('utf8')).toContain(`at most ${MAX_PRE_AUTH_MESSAGE} bytes`);
    expect(most).toBeLessThan(MAX_PRE_AUTH_MESSAGE);
    await stillServes();
  });

  it('refuses a 1 GiB startup packet from its header', async () => {
    const raw = await openRaw(server.port);
    const header = Buffer.alloc(8);
    header.writeInt32BE(2 ** 30, 0);
    header.writeInt32BE(196608, 4);
    raw.socket.write(header);
    const most = await flood(raw, server, 1024 * 1024);
    expect(errorCode(await raw.closed)).toBe('08P01');
    expect(most).toBeLessThan(MAX_PRE_AUTH_MESSAGE);
    await stillServes();
  });

  it('closes a connection that sends nothing, and one that stops before its password', async () => {
    const silent = await openRaw(server.port);
    const halfway = await openRaw(server.port);
    halfway.socket.write(startupMessage());
    await stillServes(); // while both are open
    expect(errorCode(await silent.closed)).toBe('57014');
    expect(errorCode(await halfway.closed)).toBe('57014');
    await stillServes();
  });

  it('refuses connections over the cap with an ErrorResponse; a pool connected before goes on', async () => {
    const mine = new Pool({ connectionString: capped.url, max: 1 });
    try {
      expect((await mine.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      const idle = await Promise.all([openRaw(capped.port), openRaw(capped.port)]);
      await waitFor(() => capped.stats().connections === 3, 'three connections', 10_000);
      const extra = await openRaw(capped.port);
      const reply = await extra.closed;
      expect(errorCode(reply)).toBe('53300');
      expect(reply.toString('utf8')).toContain('too many clients');
      // A pg client over the cap gets PostgreSQL's own answer.
      await expect(stillServes(capped.url)).rejects.toMatchObject({ code: '53300' });
      // The connected pool keeps querying while the cap is full.
      expect((await mine.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
      idle.forEach((r) => r.socket.destroy());
      await waitFor(() => capped.stats().connections === 1, 'the idle ones gone', 10_000);
      await stillServes(capped.url);
    } finally {
      await mine.end();
    }
  });

  it('a flood of connections that never authenticate neither stops a pool nor keeps a new client out', async () => {
    const mine = new Pool({ connectionString: flooded.url, max: 2 });
    try {
      // The pool authenticates both its connections before the flood.
      await Promise.all([mine.query('SELECT pg_sleep(0.05)'), mine.query('SELECT pg_sleep(0.05)')]);
      // Three times the cap of connections still authenticating: half silent, half stopped
      // before their password, as a hostile local user would hold them.
      const silent: Raw[] = [];
      for (let i = 0; i < 12; i++) {
        const raw = await openRaw(flooded.port);
        if (i % 2) raw.socket.write(startupMessage());
        silent.push(raw);
      }
      // The oldest eight were refused to make room; four hold the cap.
      const refused = await Promise.all(silent.slice(0, 8).map((r) => r.closed));
      expect(refused.map(errorCode)).toEqual(Array(8).fill('53300'));
      expect(refused[0]!.toString('utf8')).toContain('too many clients authenticating');
      expect(flooded.stats().pending).toBe(4);
      // The authenticated pool keeps querying, on the connections it holds.
      for (let i = 0; i < 5; i++)
        expect((await mine.query('SELECT $1::int AS i', [i])).rows).toEqual([{ i }]);
      // A new client connecting during the flood gets in: it evicts the oldest silent socket and
      // authenticates before four more sockets come.
      await stillServes(flooded.url);
      expect(errorCode(await silent[8]!.closed)).toBe('53300');
      expect(flooded.stats().pending).toBe(3);
      silent.forEach((r) => r.socket.destroy());
    } finally {
      await mine.end();
    }
  });

  it("caps an authenticated client's message far above what the month close sends", async () => {
    // A month close's credit batch is ~3 MiB (src/ledger/server.ts, MAX_MESSAGE): twice that passes.
    const big = 'x'.repeat(6 * 1024 * 1024);
    expect((await pool.query<{ n: number }>('SELECT length($1::text) AS n', [big])).rows).toEqual([
      { n: big.length },
    ]);
    // One over the cap is refused and its connection closed; the pool carries on with a new one.
    const client = new Client({ connectionString: server.url });
    client.on('error', () => undefined);
    await client.connect();
    await expect(client.query('SELECT length($1::text)', ['y'.repeat(MAX_MESSAGE)])).rejects.toThrow();
    await client.end().catch(() => undefined);
    expect(server.stats().bufferedBytes).toBe(0);
    expect((await pool.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
  });
});
