/**
 * Serves the embedded ledger (one PGlite) over the PostgreSQL wire protocol on 127.0.0.1, so that
 * `sla up` can own it while its worker, its API and CLI commands in other terminals connect with
 * `pg` as to any PostgreSQL.
 *
 * PGlite is one backend: one session, one unnamed statement, one transaction at a time. Clients
 * therefore take turns at the granularity PostgreSQL itself defines, the cycle that ends with a
 * ReadyForQuery: a connection owns the backend from its first message until the backend reports
 * it idle again (status 'I'). An extended-protocol query (Parse, Bind, Describe, Execute, Sync)
 * and a whole transaction (BEGIN … COMMIT) thus run without another client's messages between
 * them — what pgbouncer calls transaction pooling. @electric-sql/pglite-socket 0.2.17 takes turns
 * per message instead and, measured with three pg pools on one server, answered one client's
 * Bind with another's statement ("unnamed prepared statement does not exist", wrong rows, a
 * hang); it also pins PGlite 0.5.14 exactly. Hence this server.
 *
 * What PostgreSQL would keep per session is shared here: session SETs, named prepared statements,
 * temporary tables and session advisory locks. The ledger uses none of them (its advisory lock is
 * transaction-scoped, and transactions are serialised by the turns above).
 *
 * Access needs a password generated per start (the URL is written 0600 for the same user's
 * processes, src/ledger/driver.ts): the port is on loopback, but other local users must not read
 * customers' data. It travels as a cleartext password message, which never leaves the machine.
 *
 * Other local users can still connect, and this process holds the only copy of the ledger, so
 * nothing they send may exhaust it (docs/deployment.md, "The ledger's wire server"): before the
 * password a message may be a few KiB (a longer declared length is refused from its header, never
 * buffered), authentication must finish within a timeout, connections still authenticating are
 * capped apart (the oldest refused to make room) so that the rest of the connection cap stays for
 * authenticated sessions; after it a message is still capped, far above the largest statement the
 * engine sends.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const PROTOCOL_3 = 196608;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/**
 * A startup or password message longer than this is refused from its header. PostgreSQL allows a
 * startup packet of 10,000 bytes and a password message of 1,000; pg's startup is ~100 bytes and
 * the password here is 48 characters.
 */
export const MAX_PRE_AUTH_MESSAGE = 8 * 1024;
/**
 * The largest message of an authenticated client. The largest the engine sends is a month close's
 * credit batch: 5,000 entries as one JSON parameter (src/ledger/sql-ledger.ts, CHUNK), measured at
 * 3.0 MiB with five outage ids per entry; a customer import sends all customers in one statement
 * (~200 bytes each). 64 MiB leaves room twentyfold, while PostgreSQL's own limit (1 GiB) would
 * let one client make this process, and PGlite's heap, hold a gigabyte per message.
 */
export const MAX_MESSAGE = 64 * 1024 * 1024;
/**
 * The time a client has from connecting to sending the right password (PostgreSQL: 60 s). A pg
 * pool opening its 8 connections at once had all of them ready in 30 ms (median) and 0.72 s at
 * worst of 200, on 2 cores at load average 12 (docs/deployment.md): 5 s leaves a wide margin,
 * and a socket that never authenticates holds one of the MAX_PENDING slots no longer than this.
 */
export const AUTH_TIMEOUT_MS = 5_000;
/** Connections open at once; the worker's, the API's and a command's pools take 8 each. */
export const MAX_CONNECTIONS = 96;
/**
 * Connections still authenticating. Beyond this the oldest of them is refused to make room, so
 * that sockets which never authenticate can neither fill the slots of authenticated sessions
 * (MAX_CONNECTIONS - MAX_PENDING, 64, stay theirs) nor keep a new client that authenticates at
 * once out. 32 lets the worker, the API and a command open their 8 each at the same moment
 * without one of theirs being taken for the oldest.
 */
export const MAX_PENDING = 32;
/** A refused client gets this long to read its ErrorResponse before its socket is destroyed. */
const REFUSED_LINGER_MS = 1_000;
/** A connection holding a transaction open this long without a message is dropped (rolled back). */
export const IDLE_IN_TRANSACTION_MS = 60_000;
const SYNC = Uint8Array.from([0x53, 0, 0, 0, 4]);

export interface LedgerServer {
  /** postgres://postgres:<password>@127.0.0.1:<port>/postgres — a secret (the password). */
  readonly url: string;
  readonly port: number;
  stats(): LedgerServerStats;
  /** Stops accepting, rolls back what connections left open, closes them. Not the PGlite. */
  stop(): Promise<void>;
}

export interface LedgerServerOptions {
  /** 0 (default): a free port chosen by the system. */
  port?: number;
  idleInTransactionMs?: number;
  authTimeoutMs?: number;
  maxConnections?: number;
  maxPending?: number;
}

/** What the server holds now: for an operator's eye and for tests that play a hostile client. */
export interface LedgerServerStats {
  connections: number;
  /** Of those, the ones that have not authenticated yet. */
  pending: number;
  /** Bytes received and not yet a whole message, over all connections. */
  bufferedBytes: number;
}

/** Hands the single backend to one connection at a time, in arrival order. */
class Turns {
  private owner: Connection | undefined;
  private readonly waiting: { conn: Connection; go: () => void }[] = [];

  async acquire(conn: Connection): Promise<void> {
    if (this.owner === conn) return;
    if (!this.owner) {
      this.owner = conn;
      return;
    }
    await new Promise<void>((go) => this.waiting.push({ conn, go }));
  }

  owns(conn: Connection): boolean {
    return this.owner === conn;
  }

  release(conn: Connection): void {
    if (this.owner !== conn) return;
    const next = this.waiting.shift();
    this.owner = next?.conn;
    next?.go();
  }
}

/**
 * Reads the backend's reply stream, which PGlite may cut anywhere, for ReadyForQuery's
 * transaction status: 'I' idle, 'T' in a transaction, 'E' in a failed one.
 */
export class ReadyScanner {
  private header: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private inReady = false;
  status: string | undefined;

  push(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        if (this.inReady) this.status = String.fromCharCode(chunk[i]!);
        const take = Math.min(this.remaining, chunk.length - i);
        this.inReady = false;
        this.remaining -= take;
        i += take;
        continue;
      }
      const need = 5 - this.header.length;
      const part = chunk.subarray(i, i + need);
      this.header = Buffer.concat([this.header, part]);
      i += part.length;
      if (this.header.length < 5) return;
      this.inReady = this.header[0] === 0x5a; // 'Z'
      this.remaining = this.header.readInt32BE(1) - 4;
      this.header = Buffer.alloc(0);
    }
  }
}

/**
 * The bytes received and not yet taken as messages. Chunks are kept as they come and joined once
 * per message, so that a message of many MiB arriving in 64 KiB reads costs one copy, not one per read.
 */
class Inbox {
  private chunks: Buffer[] = [];
  length = 0;

  push(data: Buffer): void {
    this.chunks.push(data);
    this.length += data.length;
  }

  /** The first n bytes (a header), or undefined while fewer have come. */
  peek(n: number): Buffer | undefined {
    if (this.length < n) return undefined;
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  take(n: number): Buffer | undefined {
    if (this.length < n) return undefined;
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.length -= n;
    return Buffer.from(all.subarray(0, n));
  }

  clear(): void {
    this.chunks = [];
    this.length = 0;
  }
}

/**
 * Ends a connection with a FATAL ErrorResponse, as PostgreSQL does. What the client sends after
 * it is read and dropped; the socket is destroyed once the client had time to read the error.
 */
function refuseSocket(socket: Socket, sqlstate: string, text: string): void {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${sqlstate}\0M${text}\0\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(4 + fields.length, 1);
  socket.end(Buffer.concat([header, fields]));
  setTimeout(() => socket.destroy(), REFUSED_LINGER_MS).unref();
}

type Phase = 'startup' | 'password' | 'ready';

class Connection {
  private readonly inbox = new Inbox();
  private phase: Phase = 'startup';
  private startup: Buffer | undefined;
  private work: Promise<void> = Promise.resolve();
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private authTimer: NodeJS.Timeout | undefined;
  private readonly scanner = new ReadyScanner();

  constructor(
    private readonly socket: Socket,
    private readonly db: PGlite,
    private readonly turns: Turns,
    private readonly password: Buffer,
    private readonly idleInTransactionMs: number,
    authTimeoutMs: number,
  ) {
    socket.setNoDelay(true);
    this.authTimer = setTimeout(
      () => this.refuse('57014', 'canceling authentication due to timeout'),
      authTimeoutMs,
    );
    this.authTimer.unref();
    socket.on('data', (data: Buffer) => this.receive(data));
    // A reset peer is an ordinary end of a connection; either way the turn is given back.
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  /** Called by stop(): ends the connection as if the client had gone. */
  drop(): void {
    this.socket.destroy();
    this.close();
  }

  /** Not yet closed, nor refused and lingering. */
  get open(): boolean {
    return !this.closed;
  }

  get authenticated(): boolean {
    return this.phase === 'ready';
  }

  /** Refuses a connection still authenticating, to make room for a newer one. */
  evict(): void {
    this.refuse('53300', 'sorry, too many clients authenticating');
  }

  /** Bytes received and not yet a whole message. */
  get buffered(): number {
    return this.inbox.length;
  }

  /** Resolves once every message received so far is answered and the cleanup has run. */
  settled(): Promise<void> {
    return this.work;
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.idleTimer);
    clearTimeout(this.authTimer);
    this.inbox.clear();
    this.then(() => this.giveBack());
  }

  private then(step: () => Promise<void>): void {
    this.work = this.work.then(step).catch(() => {
      // The backend failed outside the protocol (PGlite itself): nothing sane can follow on
      // this connection; its turn is given back by close().
      this.socket.destroy();
      this.close();
    });
  }

  private receive(data: Buffer): void {
    if (this.closed) return;
    this.inbox.push(data);
    for (;;) {
      const message = this.phase === 'startup' ? this.untypedMessage() : this.typedMessage();
      if (!message) return;
      if (this.phase === 'startup') this.onStartup(message);
      else if (this.phase === 'password') this.onPassword(message);
      else if (message[0] === 0x58)
        this.drop(); // Terminate
      else this.then(() => this.run(message));
      if (this.closed) return;
    }
  }

  // Each length is checked as soon as its header is in, before the body is waited for.
  private untypedMessage(): Buffer | undefined {
    const header = this.inbox.peek(4);
    if (!header) return undefined;
    const length = header.readInt32BE(0);
    if (length < 8 || length > MAX_PRE_AUTH_MESSAGE) return this.refuse('08P01', 'invalid startup packet');
    return this.inbox.take(length);
  }

  private typedMessage(): Buffer | undefined {
    const header = this.inbox.peek(5);
    if (!header) return undefined;
    const length = header.readInt32BE(1);
    const max = this.phase === 'ready' ? MAX_MESSAGE : MAX_PRE_AUTH_MESSAGE;
    if (length < 4 || length > max)
      return this.refuse('08P01', `invalid message length (at most ${max} bytes)`);
    return this.inbox.take(1 + length);
  }

  private onStartup(message: Buffer): void {
    const code = message.readInt32BE(4);
    if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
      // Loopback only: no TLS; the client goes on in plain text or gives up as it is configured.
      this.socket.write('N');
    } else if (code === CANCEL_REQUEST) {
      // PGlite has no backend process to interrupt; the protocol expects no answer.
      this.drop();
    } else if (code === PROTOCOL_3) {
      this.startup = message;
      this.phase = 'password';
      this.socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
    } else {
      this.refuse('0A000', 'unsupported frontend protocol');
    }
  }

  private onPassword(message: Buffer): void {
    // PasswordMessage: 'p', length, the password NUL-terminated.
    const given = message[0] === 0x70 ? message.subarray(5, message.length - 1) : Buffer.alloc(0);
    if (given.length !== this.password.length || !timingSafeEqual(given, this.password)) {
      this.refuse('28P01', 'password authentication failed');
      return;
    }
    this.phase = 'ready';
    clearTimeout(this.authTimer);
    const startup = this.startup!;
    // The backend answers the startup with AuthenticationOk, its parameters and ReadyForQuery.
    this.then(() => this.run(startup));
  }

  /** Sends an ErrorResponse and ends the connection (before it ever owned the backend). */
  private refuse(sqlstate: string, text: string): undefined {
    if (this.closed) return undefined;
    refuseSocket(this.socket, sqlstate, text);
    this.close();
    return undefined;
  }

  private async run(message: Buffer): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.idleTimer);
    await this.turns.acquire(this);
    if (this.closed) return; // gone while waiting: close() queued the give-back after us
    this.scanner.status = undefined;
    await this.exchange(message, (reply) => {
      if (this.socket.writable) this.socket.write(Buffer.from(reply));
    });
    if (this.scanner.status === 'I') {
      this.turns.release(this);
    } else {
      // Mid-cycle or inside a transaction, waiting for the client: others wait, not forever.
      this.idleTimer = setTimeout(() => this.drop(), this.idleInTransactionMs);
      this.idleTimer.unref();
    }
  }

  private async exchange(message: Uint8Array, onReply: (reply: Uint8Array) => void): Promise<void> {
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(message, {
        onRawData: (reply) => {
          this.scanner.push(reply);
          onReply(reply);
        },
      }),
    );
  }

  /**
   * The client left while owning the backend: finish an extended-protocol cycle it left half
   * sent (a Sync), roll back a transaction it left open, then hand the backend on.
   */
  private async giveBack(): Promise<void> {
    if (!this.turns.owns(this)) return;
    try {
      await this.exchange(SYNC, () => undefined);
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } finally {
      this.turns.release(this);
    }
  }
}

export async function serveLedger(db: PGlite, options: LedgerServerOptions = {}): Promise<LedgerServer> {
  const password = randomBytes(24).toString('hex');
  const turns = new Turns();
  const connections = new Set<Connection>();
  const maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  const maxPending = options.maxPending ?? MAX_PENDING;
  const server: Server = createServer((socket) => {
    // Refused connections linger a moment for their client to read why; they hold no slot.
    const live = [...connections].filter((c) => c.open);
    const pending = live.filter((c) => !c.authenticated); // oldest first: a Set keeps insertion order
    if (pending.length >= maxPending) {
      pending[0]!.evict();
      live.splice(live.indexOf(pending[0]!), 1);
    }
    if (live.length >= maxConnections) {
      socket.on('error', () => undefined);
      refuseSocket(socket, '53300', 'sorry, too many clients already');
      return;
    }
    const conn = new Connection(
      socket,
      db,
      turns,
      Buffer.from(password, 'utf8'),
      options.idleInTransactionMs ?? IDLE_IN_TRANSACTION_MS,
      options.authTimeoutMs ?? AUTH_TIMEOUT_MS,
    );
    connections.add(conn);
    socket.once('close', () => {
      void conn.settled().then(() => connections.delete(conn));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // An accept that fails (out of file descriptors) loses that client only, not `sla up`.
  server.on('error', (err) => console.error(`ledger server: ${err.message}`));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the ledger server has no TCP address');
  const port = address.port;
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    stats: () => ({
      connections: connections.size,
      pending: [...connections].filter((c) => c.open && !c.authenticated).length,
      bufferedBytes: [...connections].reduce((sum, c) => sum + c.buffered, 0),
    }),
    async stop() {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      const open = [...connections];
      open.forEach((c) => c.drop());
      await Promise.all(open.map((c) => c.settled()));
      await closing;
    },
  };
}
