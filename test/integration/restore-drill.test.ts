// The restore drill of docs/cluster-operations.md, as written there: the cluster's PostgreSQL is
// backed up with pg_dump while tickets and an outage are open (the Temporal databases first, the
// ledger last), the cluster is stopped, the dumps are restored into a fresh PostgreSQL and a
// fresh cluster started on it with a new worker. The open tickets answer their status and fire
// their next steps (C6–C8), the open outage resolves, and every ledger row is there once.
import { execFile } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { Client as Pg } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutageClient } from '../../src/clients/outages';
import { TicketClient } from '../../src/clients/tickets';
import { startCluster, type RunningCluster } from '../../src/cluster';
import { parsePolicy } from '../../src/policy';
import { startPostgres } from '../../src/postgres-server';
import { cacheDir } from '../../src/temporal-servers';
import { TEST_CODEC_KEYS, testDataConverter } from '../helpers/codec';
import { fastPolicy, WARN_THEN_BREACH_STEPS } from '../helpers/fast-policy';
import { TestPager } from '../helpers/pager';
import { TestSmtpServer } from '../helpers/smtp';
import { newTicket } from '../helpers/tickets';
import { waitFor } from '../helpers/wait';
import { iso } from '../helpers/when';
import { WorkerProcesses } from '../helpers/worker-process';

const exec = promisify(execFile);
/** The Temporal server's databases and the ledger, in the order they are dumped: the ledger last. */
const DATABASES = ['temporal', 'temporal_visibility', 'sla'] as const;
const TASK_QUEUE = 'restore-drill';

const dir = mkdtempSync(join(tmpdir(), 'sla-restore-'));
// As root, PostgreSQL runs as its own user, which must traverse (not list) the directories above its data.
chmodSync(dir, 0o711);
const drillPolicy = fastPolicy(WARN_THEN_BREACH_STEPS);
const policyFile = join(dir, 'drill-policy.json');
writeFileSync(policyFile, JSON.stringify(drillPolicy));
parsePolicy(drillPolicy, policyFile); // a policy the worker would refuse fails here, not in a child

/** PostgreSQL's client programs (pg_dump, pg_restore, psql), from scripts/provision-postgres.sh. */
function pgTool(name: string): string {
  const file = join(cacheDir(), 'postgres.env');
  const bin = existsSync(file) ? /^POSTGRES_BIN=(.*)$/m.exec(readFileSync(file, 'utf8'))?.[1] : undefined;
  if (!bin) throw new Error('run scripts/provision-postgres.sh first');
  return join(bin, name);
}

/** -h/-p/-U of a database URL on the cluster's PostgreSQL (trust on loopback: no password). */
function connectionArgs(url: string): string[] {
  const u = new URL(url);
  return ['-h', u.hostname, '-p', u.port, '-U', u.username];
}

async function sql<T extends Record<string, unknown>>(url: string, text: string): Promise<T[]> {
  const pg = new Pg({ connectionString: url });
  await pg.connect();
  try {
    return (await pg.query<T>(text)).rows;
  } finally {
    await pg.end();
  }
}

describe('backup and restore of the cluster and the ledger (a real cluster on PostgreSQL)', () => {
  const smtp = new TestSmtpServer();
  const pager = new TestPager();
  let urls: { smtp: string; pager: string };
  let cluster: RunningCluster;
  let connection: Connection | undefined;
  const workers = new WorkerProcesses(() => ({
    TEMPORAL_ADDRESS: cluster.address,
    TEMPORAL_NAMESPACE: cluster.namespace,
    SLA_TASK_QUEUE: TASK_QUEUE,
    SLA_CODEC_KEYS: TEST_CODEC_KEYS,
    DATABASE_URL: cluster.postgresUrl('sla'),
    SLA_SMTP_URL: urls.smtp,
    SLA_PAGING_URL: urls.pager,
    SLA_EMAIL_FROM: 'SLA engine <sla-engine@test.example>',
    SLA_DATA_DIR: dir,
    SLA_POLICY_FILE: policyFile,
  }));

  /** The engine's clients on the current cluster. */
  async function clients(): Promise<{ tickets: TicketClient; outages: OutageClient }> {
    await connection?.close();
    connection = await Connection.connect({ address: cluster.address });
    const client = new Client({
      connection,
      namespace: cluster.namespace,
      dataConverter: testDataConverter(),
    });
    const options = { now: () => Date.now() };
    return {
      tickets: new TicketClient(client, TASK_QUEUE, options),
      outages: new OutageClient(client, TASK_QUEUE, options),
    };
  }

  beforeAll(async () => {
    const [smtpUrl, pagerUrl] = await Promise.all([smtp.start(), pager.start()]);
    urls = { smtp: smtpUrl, pager: pagerUrl };
  });
  afterAll(async () => {
    await workers.stopAll();
    await connection?.close();
    await cluster?.stop();
    await Promise.all([smtp.stop(), pager.stop()]);
  });

  it('open tickets and an outage survive a restore into a fresh cluster; ledger rows are there once', async () => {
    // 1. The cluster, its ledger database and a worker; tickets whose steps are 30 s and 60 s away.
    cluster = await startCluster({ dataDir: join(dir, 'cluster-a'), durable: false });
    await sql(cluster.postgresUrl('postgres'), 'CREATE DATABASE sla');
    let worker: ChildProcess = await workers.start();
    let { tickets, outages } = await clients();
    const t0 = Date.now();
    const open = [1, 2, 3].map((i) => `T-OPEN-${t0}-${i}`);
    const resolved = `T-RESOLVED-${t0}`;
    const outageKey = `O-RESTORE-${t0}`;
    for (const id of [...open, resolved]) await tickets.openTicket(newTicket(id, { openedAt: iso(t0) }));
    await outages.reportOutage({
      key: outageKey,
      summary: 'API answers 503 in ca-central',
      regions: ['ca-central'],
      source: 'alertmanager',
    });
    await waitFor(() => tickets.ticketStatus(resolved), 'the ticket to resolve', 30_000);
    await tickets.resolve(resolved, { requestId: 'resolve-1', responderId: 'agent.toronto' });
    const outcomes = (url: string) =>
      sql<{ ticket_id: string; resolution: number }>(
        url,
        'SELECT ticket_id, resolution FROM ticket_outcomes ORDER BY ticket_id',
      );
    await waitFor(
      async () => (await outcomes(cluster.postgresUrl('sla'))).length === 1,
      'the resolved ticket in the ledger',
      30_000,
    );
    for (const id of open) await waitFor(() => tickets.ticketStatus(id), `ticket ${id}`, 30_000);
    expect((await outages.outageStatus(outageKey)).state).toBe('open');

    // 2. The backup, while everything runs: roles, then each database, the ledger last.
    const backup = join(dir, 'backup');
    const source = connectionArgs(cluster.postgresUrl('postgres'));
    mkdirSync(backup);
    await exec(pgTool('pg_dumpall'), [...source, '--globals-only', '-f', join(backup, 'globals.sql')]);
    for (const db of DATABASES)
      await exec(pgTool('pg_dump'), [...source, '-Fc', '-d', db, '-f', join(backup, `${db}.dump`)]);
    expect(Date.now() - t0, 'the backup was taken before the first step (30 s)').toBeLessThan(30_000);

    // 3. The cluster is lost.
    await workers.kill(worker);
    await cluster.stop();

    // 4. A fresh PostgreSQL gets the dumps before any Temporal server starts on it.
    const fresh = join(dir, 'cluster-b');
    mkdirSync(fresh);
    chmodSync(fresh, 0o711);
    const postgres = await startPostgres({ dataDir: join(fresh, 'postgres'), durable: false });
    const target = connectionArgs(postgres.url());
    // The roles first (the restored objects name their owners); the superuser exists already.
    await exec(pgTool('psql'), [...target, '-d', 'postgres', '-q', '-f', join(backup, 'globals.sql')]);
    for (const db of DATABASES)
      await exec(pgTool('pg_restore'), [...target, '--create', '-d', 'postgres', join(backup, `${db}.dump`)]);
    postgres.stop();
    cluster = await startCluster({ dataDir: fresh, durable: false });
    worker = await workers.start();
    ({ tickets, outages } = await clients());

    // 5. The open tickets answer, and their steps fire on the new cluster: none was lost. A first
    // query may go to the dead worker's sticky queue, as the restored state names it, and time out.
    const restarted = Date.now();
    for (const id of open)
      expect(await waitFor(() => tickets.ticketStatus(id), `the status of ${id}`, 60_000)).toMatchObject({
        ticketId: id,
        status: 'open',
        plan: [{ id: 'l1-warn-assignee' }, { id: 'l1-breach-team-lead' }],
      });
    console.log(
      `restore drill: the open tickets answered ${Date.now() - restarted} ms after the worker started`,
    );
    const leadKey = (id: string) => `ticket-${id}:l1-breach-team-lead:lead.toronto`;
    await waitFor(() => open.every((id) => pager.pages(leadKey(id)) === 1), 'the breach pages', 120_000);
    for (const id of open) {
      const status = await waitFor(
        async () => {
          const s = await tickets.ticketStatus(id);
          return s.stepsFired.length === 2 && s.stepsFired.every((f) => f.deliveries.length > 0)
            ? s
            : undefined;
        },
        `the steps of ${id}`,
        30_000,
      );
      expect(status.stepsFired.map((f) => f.id)).toEqual(['l1-warn-assignee', 'l1-breach-team-lead']);
      expect(smtp.byMessageId(`<ticket-${id}.l1-warn-assignee@sla-engine>`)).toHaveLength(1);
    }
    expect((await outages.outageStatus(outageKey)).state).toBe('open');

    // 6. The ledger: the row written before the backup once, the new ones once each.
    for (const id of open)
      await tickets.resolve(id, { requestId: 'resolve-1', responderId: 'agent.toronto' });
    await outages.resolveOutage(outageKey, { requestId: 'resolve-1', by: 'oncall.toronto' });
    const ledger = cluster.postgresUrl('sla');
    const rows = await waitFor(
      async () => {
        const r = await outcomes(ledger);
        return r.length >= 4 ? r : undefined;
      },
      'every outcome',
      30_000,
    );
    expect(rows).toEqual([...open, resolved].sort().map((ticket_id) => ({ ticket_id, resolution: 1 })));
    const outageRows = await waitFor(
      async () => {
        const r = await sql<{ outage_id: string }>(ledger, 'SELECT outage_id FROM outages');
        return r.length > 0 ? r : undefined;
      },
      'the outage in the ledger',
      30_000,
    );
    expect(outageRows.map((r) => r.outage_id)).toEqual([outageKey]);
  }, 420_000);
});
