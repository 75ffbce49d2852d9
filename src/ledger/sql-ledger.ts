/**
 * The Ledger on SQL: one implementation for PGlite and PostgreSQL (the Driver seam). Written-once
 * records go in with ON CONFLICT DO NOTHING, so a retried activity gets 'exists' instead of a
 * second row; bulk writes send their rows as one JSON document per statement
 * (jsonb_to_recordset), which keeps 10,000 credit entries to a couple of statements in one
 * transaction with no bind-parameter limit to chunk around.
 */
import type { z } from 'zod';
import { SlaError } from '../errors';
import type { Level } from '../policy/schema';
import { accountingMonthRange } from '../rules/uptime';
import type { Driver, Queryable } from './driver';
import { migrate } from './migrations';
import { CreditEntrySchema, CustomerNoticeSchema, parseCustomers, parseRows } from './schema';
import type {
  ClassificationChange,
  CreditEntry,
  CreditFilter,
  CreditedTotal,
  CustomerNotice,
  CustomerRecord,
  CustomerTerms,
  CustomerTermsInRange,
  CustomerVersion,
  Ledger,
  MaintenanceRecord,
  MonthClose,
  MonthPolicy,
  NoticeRoundRecord,
  OutageRecord,
  PolicyVersionRecord,
  TicketOutcome,
  WriteResult,
} from './types';

export type { CreditedTotal } from './types';

/** A write whose business key exists with different figures: a bug upstream, never overwritten. */
export class LedgerConflictError extends SlaError {
  override name = 'LedgerConflictError';
  constructor(message: string) {
    super('conflict', message);
  }
}

/** Credit entries per statement: one JSON document of a few MB at most. */
export const CHUNK = 5_000;

type Row = Record<string, unknown>;

/** BIGINT arrives as a string from pg and as a number from PGlite; both stay safe integers. */
function int(v: unknown): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new Error(`ledger: ${String(v)} is not a safe integer`);
  return n;
}
const instant = (v: unknown): string => (v instanceof Date ? v : new Date(String(v))).toISOString();
const instantOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : instant(v));
const str = (v: unknown): string => String(v);
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));

/** The columns of a version's terms; all NULL on the version that ends a contract (I15). */
const TERMS_COLUMNS = `name, annual_fee_minor, currency, region, administrators, canada_only_data_access`;
const terms = (alias: string) => TERMS_COLUMNS.replace(/(\w+)/g, `${alias}.$1`);

/**
 * Version `alias` is not superseded by another of its customer's effective by `by`. A scalar
 * subquery rather than NOT EXISTS: the planner keeps it a per-row index probe, where an anti
 * join would read the whole table for a page of 500.
 */
const NOT_SUPERSEDED = (by: string, alias = 't') => `${alias}.effective_at >= COALESCE((
  SELECT max(n.effective_at) FROM customer_terms n WHERE n.customer_id = ${alias}.customer_id AND n.effective_at <= ${by}
), '-infinity')`;

/** Version `t` bears on [from, to): it takes effect before `to` and is still in force at `from` or later. */
const BEARS_ON = (from: string, to: string) => `t.effective_at < ${to} AND ${NOT_SUPERSEDED(from)}`;

/** The customer has terms in force for some part of [from, to): a version before `to` not superseded by `from`. */
const IN_FORCE_IN = (customerId: string, from: string, to: string) => `EXISTS (SELECT 1 FROM customer_terms f
  WHERE f.customer_id = ${customerId} AND f.name IS NOT NULL AND f.effective_at < ${to} AND ${NOT_SUPERSEDED(from, 'f')})`;

function toCustomer(r: Row): CustomerRecord {
  return {
    customerId: str(r.customer_id),
    ...toTerms(r),
  };
}

function toTerms(r: Row): CustomerTerms {
  return {
    name: str(r.name),
    annualFeeMinor: int(r.annual_fee_minor),
    currency: str(r.currency),
    region: str(r.region),
    administrators: r.administrators as string[],
    canadaOnlyDataAccess: Boolean(r.canada_only_data_access),
  };
}

function toVersion(r: Row): CustomerVersion {
  return {
    customerId: str(r.customer_id),
    effectiveAt: instant(r.effective_at),
    recordedAt: instant(r.recorded_at),
    terms: r.name === null ? null : toTerms(r),
  };
}

/** Two different versions of one customer's terms cannot take effect at the same instant. */
function sameInstant(customer: string, at: string): SlaError {
  return new SlaError(
    'conflict',
    `${customer} has other terms recorded at ${at} already; a version is written once (give another effective instant)`,
    [{ path: 'effective', message: `${customer} has other terms taking effect at this instant` }],
  );
}

/** The refusal of terms effective at `at` when it is inside a month whose close has begun (I15), else null. */
async function closedMonthRefusal(tx: Queryable, at: string): Promise<SlaError | null> {
  const [latest] = await tx.query<Row>(
    `SELECT m.month, p.policy #>> '{month,timeZone}' AS zone FROM month_policies m
     JOIN policy_versions p ON p.version = m.policy_version ORDER BY m.month DESC LIMIT 1`,
  );
  if (!latest) return null;
  const month = str(latest.month);
  const earliest = accountingMonthRange(month, str(latest.zone)).to;
  if (Date.parse(at) >= Date.parse(earliest)) return null;
  return new SlaError(
    'invalid',
    `effective ${at} is inside ${month} or earlier, whose close has begun: its terms are fixed (I15); the earliest instant allowed is ${earliest}`,
    [{ path: 'effective', message: `before ${earliest}, the end of ${month} (closed)` }],
  );
}

/** A terms write that added a version: an import's for some customer, an end of contract's. */
const isWritten = (r: WriteResult): boolean => r === 'written';
const changesTerms = (r: { inserted: number; updated: number }): boolean => r.inserted + r.updated > 0;

function toOutage(r: Row): OutageRecord {
  return {
    outageId: str(r.outage_id),
    start: instant(r.start_at),
    end: instant(r.end_at),
    classification: r.classification as OutageRecord['classification'],
    regions: r.regions as string[],
    engagedAt: instantOrNull(r.engaged_at),
    engagedBy: strOrNull(r.engaged_by),
    engagementMet: Boolean(r.engagement_met),
    classificationHistory: r.classification_history as ClassificationChange[],
    policyVersion: str(r.policy_version),
    workflowId: str(r.workflow_id),
  };
}

function toMaintenance(r: Row): MaintenanceRecord {
  return {
    maintenanceId: str(r.maintenance_id),
    start: instant(r.start_at),
    end: instant(r.end_at),
    regions: r.regions as string[],
    announcedAt: instantOrNull(r.announced_at),
    qualifies: Boolean(r.qualifies),
    actualStart: instantOrNull(r.actual_start),
    actualEnd: instantOrNull(r.actual_end),
    status: r.status as MaintenanceRecord['status'],
    policyVersion: str(r.policy_version),
    workflowId: str(r.workflow_id),
    // Absent, not empty, on windows recorded before rounds were kept.
    ...(Array.isArray(r.rounds) ? { rounds: r.rounds as NoticeRoundRecord[] } : {}),
  };
}

/** The record type of a maintenance notice in a JSON document (jsonb_to_recordset). */
const NOTICE_RECORD = `maintenance_id text, customer_id text, version integer, kind text,
  window_start timestamptz, window_end timestamptz, sent_at timestamptz`;
const NOTICE_COLUMNS = `maintenance_id, customer_id, version, kind, window_start, window_end, sent_at`;

const noticeJson = (n: CustomerNotice): Row => ({
  maintenance_id: n.maintenanceId,
  customer_id: n.customerId,
  version: n.version,
  kind: n.kind,
  window_start: n.start,
  window_end: n.end,
  sent_at: n.sentAt,
});

/** Read under the record's own names (NOTICE_SELECT): only the types need converting. */
const NOTICE_SELECT = `maintenance_id AS "maintenanceId", customer_id AS "customerId", version, kind,
  window_start AS start, window_end AS "end", sent_at AS "sentAt"`;
const toNotice = (r: Row): CustomerNotice => ({
  ...(r as unknown as CustomerNotice),
  version: int(r.version),
  start: instant(r.start),
  end: instant(r.end),
  sentAt: instantOrNull(r.sentAt),
});

const CREDIT_COLUMNS = `customer_id, month, kind, sequence, currency, uptime_percent, credit_percent,
  monthly_fee_minor, credit_minor, total_ms, excluded_ms, downtime_ms, outage_ids, maintenance_ids,
  policy_version, workflow_id, created_at`;
/** Read back with the exact decimal as text, whatever a driver makes of numeric. */
const CREDIT_SELECT = CREDIT_COLUMNS.replace('uptime_percent', 'uptime_percent::text AS uptime_percent');
/** The record type of a credit entry in a JSON document (jsonb_to_recordset). */
export const CREDIT_RECORD = `customer_id text, month text, kind text, sequence integer, currency text,
  uptime_percent numeric, credit_percent numeric, monthly_fee_minor bigint, credit_minor bigint,
  total_ms bigint, excluded_ms bigint, downtime_ms bigint, outage_ids text[], maintenance_ids text[],
  policy_version text, workflow_id text, created_at timestamptz`;

export function creditJson(e: CreditEntry): Row {
  return {
    customer_id: e.customerId,
    month: e.month,
    kind: e.kind,
    sequence: e.sequence,
    currency: e.currency,
    uptime_percent: e.uptimePercent,
    credit_percent: e.creditPercent,
    monthly_fee_minor: e.monthlyFeeMinor,
    credit_minor: e.creditMinor,
    total_ms: e.totalMs,
    excluded_ms: e.excludedMs,
    downtime_ms: e.downtimeMs,
    outage_ids: e.outageIds,
    maintenance_ids: e.maintenanceIds,
    policy_version: e.policyVersion,
    workflow_id: e.workflowId,
    created_at: e.createdAt,
  };
}

function toCredit(r: Row): CreditEntry {
  return {
    customerId: str(r.customer_id),
    month: str(r.month),
    kind: r.kind as CreditEntry['kind'],
    sequence: int(r.sequence),
    currency: str(r.currency),
    uptimePercent: str(r.uptime_percent),
    creditPercent: Number(r.credit_percent),
    monthlyFeeMinor: int(r.monthly_fee_minor),
    creditMinor: int(r.credit_minor),
    totalMs: int(r.total_ms),
    excludedMs: int(r.excluded_ms),
    downtimeMs: int(r.downtime_ms),
    outageIds: r.outage_ids as string[],
    maintenanceIds: r.maintenance_ids as string[],
    policyVersion: str(r.policy_version),
    workflowId: str(r.workflow_id),
    createdAt: instant(r.created_at),
  };
}

function toMonthClose(r: Row): MonthClose {
  return {
    month: str(r.month),
    closedAt: instant(r.closed_at),
    workflowId: str(r.workflow_id),
    customers: int(r.customers),
    totalCreditMinor: int(r.total_credit_minor),
    ...(r.open_outages === null || r.open_outages === undefined ? {} : { openOutages: int(r.open_outages) }),
    ...(Array.isArray(r.open_outage_ids) ? { openOutageIds: r.open_outage_ids.map(str) } : {}),
  };
}

function toOutcome(r: Row): TicketOutcome {
  return {
    ticketId: str(r.ticket_id),
    resolution: int(r.resolution),
    customerId: str(r.customer_id),
    level: r.level as Level,
    ruleId: str(r.rule_id),
    policyVersion: str(r.policy_version),
    openedAt: instant(r.opened_at),
    clockStart: instant(r.clock_start),
    due: instant(r.due),
    firstResponseAt: instantOrNull(r.first_response_at),
    coverageMinutesToFirstResponse:
      r.coverage_minutes_to_first_response === null ? null : Number(r.coverage_minutes_to_first_response),
    met: r.met === null ? null : Boolean(r.met),
    slaState: str(r.sla_state),
    suspendedReason: strOrNull(r.suspended_reason),
    resolvedAt: instant(r.resolved_at),
    stepsFired: r.steps_fired as string[],
  };
}

/** The WHERE clause of a CreditFilter; its parameters come from creditParams, in this order. */
const CREDIT_WHERE = `($1::text IS NULL OR month = $1) AND ($2::text IS NULL OR customer_id = $2)
  AND ($3::text IS NULL OR customer_id > $3) AND ($4::text IS NULL OR customer_id <= $4)
  AND ($5::timestamptz IS NULL OR created_at = $5::timestamptz)`;

function creditParams(f: CreditFilter): unknown[] {
  return [
    f.month ?? null,
    f.customerId ?? null,
    f.customerRange?.after ?? null,
    f.customerRange?.through ?? null,
    f.createdAt ?? null,
  ];
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation). */
function isBadData(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('22') || code.startsWith('23'));
}

/** 'written' when the INSERT … ON CONFLICT DO NOTHING RETURNING gave a row back. */
async function writeOnce(q: Queryable, sql: string, params: unknown[]): Promise<WriteResult> {
  return (await q.query(sql, params)).length ? 'written' : 'exists';
}

/** A written-once table filled in bulk, one JSON document per statement (jsonb_to_recordset). */
interface BulkTable<T> {
  /** What the rows are, in an error. */
  what: string;
  schema: z.ZodType<T>;
  table: string;
  columns: string;
  /** The record type of a row in the JSON document. */
  record: string;
  /** The ON CONFLICT target of the key. */
  conflict: string;
  /** The key's columns (a JOIN … USING list). */
  key: string;
  /** What a repeated write must repeat exactly. */
  facts: string[];
  json: (row: T) => Row;
  /** The message for a key that exists with other facts. */
  clash: (r: Row) => string;
}

const CREDIT_TABLE: BulkTable<CreditEntry> = {
  what: 'credit entries',
  schema: CreditEntrySchema,
  table: 'credit_entries',
  columns: CREDIT_COLUMNS,
  record: CREDIT_RECORD,
  conflict: 'ON CONSTRAINT credit_entries_business_key',
  key: 'month, customer_id, kind, sequence',
  facts: ['currency', 'uptime_percent', 'credit_percent', 'monthly_fee_minor', 'credit_minor'],
  json: creditJson,
  clash: (r) =>
    `credit entry ${str(r.customer_id)} ${str(r.month)} ${str(r.kind)} #${str(r.sequence)} ` +
    'exists with other figures; a correction is a new adjustment entry, nothing was written',
};

const NOTICE_TABLE: BulkTable<CustomerNotice> = {
  what: 'maintenance notices',
  schema: CustomerNoticeSchema,
  table: 'maintenance_notices',
  columns: NOTICE_COLUMNS,
  record: NOTICE_RECORD,
  conflict: '(maintenance_id, customer_id, version)',
  key: 'maintenance_id, customer_id, version',
  facts: ['kind', 'window_start', 'window_end', 'sent_at'],
  json: noticeJson,
  clash: (r) =>
    `maintenance notice ${str(r.maintenance_id)} v${str(r.version)} to ${str(r.customer_id)} ` +
    'exists with other facts; notices are written once, nothing was written',
};

/** Inserts each row once; a row whose key exists with other facts throws, to roll back the call. */
async function insertOnce<T>(tx: Queryable, t: BulkTable<T>, rows: T[]) {
  const facts = (alias: string) => t.facts.map((c) => `${alias}.${c}`).join(', ');
  let written = 0;
  for (let at = 0; at < rows.length; at += CHUNK) {
    const chunk = rows.slice(at, at + CHUNK);
    const doc = JSON.stringify(chunk.map(t.json));
    const [row] = await tx.query<{ written: unknown }>(
      `WITH inserted AS (
         INSERT INTO ${t.table} (${t.columns})
         SELECT ${t.columns} FROM jsonb_to_recordset($1::jsonb) AS r(${t.record})
         ON CONFLICT ${t.conflict} DO NOTHING
         RETURNING 1)
       SELECT count(*) AS written FROM inserted`,
      [doc],
    );
    const here = int(row?.written);
    written += here;
    if (here < chunk.length) {
      const [clash] = await tx.query<Row>(
        `SELECT r.* FROM jsonb_to_recordset($1::jsonb) AS r(${t.record})
         JOIN ${t.table} e USING (${t.key})
         WHERE (${facts('e')}) IS DISTINCT FROM (${facts('r')})
         LIMIT 1`,
        [doc],
      );
      if (clash) throw new LedgerConflictError(t.clash(clash));
    }
  }
  return { written, existing: rows.length - written };
}

export class SqlLedger implements Ledger {
  private closing: Promise<void> | undefined;

  /** The driver is open to tests, the benchmark and maintenance scripts: SQL on the same ledger. */
  constructor(readonly driver: Driver) {}

  get kind(): Driver['kind'] {
    return this.driver.kind;
  }

  async migrate(): Promise<void> {
    await migrate(this.driver);
  }

  /** Idempotent: a second close waits for the first. */
  close(): Promise<void> {
    this.closing ??= this.driver.close();
    return this.closing;
  }

  /**
   * One transaction: the month lock, the closed-month check, then one statement that classifies
   * every row against the version in force at `effectiveAt` and inserts the changed ones
   * (jsonb_to_recordset: 20,000 rows stay one statement). A conflict, or a changed row inside a
   * closed month, rolls everything back.
   */
  async importCustomers(
    rows: CustomerRecord[],
    options: { effectiveAt?: string } = {},
  ): Promise<{ inserted: number; updated: number }> {
    const customers = parseCustomers(rows);
    const at = options.effectiveAt ?? new Date().toISOString();
    if (!customers.length) return { inserted: 0, updated: 0 };
    const doc = JSON.stringify(
      customers.map((c) => ({
        customer_id: c.customerId,
        name: c.name,
        annual_fee_minor: c.annualFeeMinor,
        currency: c.currency,
        region: c.region,
        administrators: c.administrators,
        canada_only_data_access: c.canadaOnlyDataAccess,
      })),
    );
    return this.termsWrite(at, changesTerms, async (tx) => {
      const [row] = await tx.query<Row>(
        `WITH r AS (
           SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(customer_id text, name text, annual_fee_minor bigint,
             currency text, region text, administrators text[], canada_only_data_access boolean)),
         c AS (
           SELECT r.*, cur.effective_at AS current_at,
             (${terms('cur')}) IS NOT DISTINCT FROM (${terms('r')}) AS same,
             EXISTS (SELECT 1 FROM customer_terms k WHERE k.customer_id = r.customer_id) AS known
           FROM r LEFT JOIN LATERAL (
             SELECT * FROM customer_terms t WHERE t.customer_id = r.customer_id AND t.effective_at <= $2::timestamptz
             ORDER BY t.effective_at DESC LIMIT 1) cur ON true),
         ins AS (
           INSERT INTO customer_terms (customer_id, effective_at, ${TERMS_COLUMNS})
           SELECT customer_id, $2::timestamptz, ${TERMS_COLUMNS} FROM c
           WHERE NOT same AND current_at IS DISTINCT FROM $2::timestamptz)
         SELECT count(*) FILTER (WHERE NOT same AND NOT known) AS inserted,
                count(*) FILTER (WHERE NOT same AND known) AS changed,
                min(customer_id) FILTER (WHERE NOT same AND current_at = $2::timestamptz) AS clash
         FROM c`,
        [doc, at],
      );
      // The INSERT ran all the same (a data-modifying CTE always does): throwing rolls it back.
      if (row?.clash !== null && row?.clash !== undefined) throw sameInstant(str(row.clash), at);
      return { inserted: int(row?.inserted), updated: int(row?.changed) };
    });
  }

  async endContract(customerId: string, options: { effectiveAt?: string } = {}): Promise<WriteResult> {
    const at = options.effectiveAt ?? new Date().toISOString();
    return this.termsWrite(at, isWritten, async (tx) => {
      const [current] = await tx.query<Row>(
        `SELECT effective_at, name FROM customer_terms WHERE customer_id = $1 AND effective_at <= $2::timestamptz
         ORDER BY effective_at DESC LIMIT 1`,
        [customerId, at],
      );
      if (!current) {
        const [later] = await tx.query<Row>(
          'SELECT min(effective_at) AS first FROM customer_terms WHERE customer_id = $1',
          [customerId],
        );
        if (later?.first === null || later?.first === undefined)
          throw new SlaError('not_found', `no customer ${customerId} in the ledger`);
        throw new SlaError(
          'invalid',
          `customer ${customerId} has no terms in force at ${at}: its first version takes effect at ${instant(later.first)}`,
          [{ path: 'effective', message: `before ${instant(later.first)}, when the contract begins` }],
        );
      }
      if (current.name === null) return 'exists';
      if (instant(current.effective_at) === instant(at)) throw sameInstant(customerId, at);
      await tx.query('INSERT INTO customer_terms (customer_id, effective_at) VALUES ($1, $2)', [
        customerId,
        at,
      ]);
      return 'written';
    });
  }

  /**
   * A write of terms (I15): under a share lock on month_policies, so that no close begins between
   * the check and the commit, and refused at an instant inside a month whose close has begun when
   * it changes something (`changes` of its result). A write that changes nothing (the same import
   * again, a contract already ended) leaves the fixed terms as they were: a retry answers as the
   * first try did. Inside a closed month, that refusal comes before any other of the write's.
   */
  private async termsWrite<T>(
    at: string,
    changes: (result: T) => boolean,
    write: (tx: Queryable) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.driver.transaction(async (tx) => {
        await tx.query('LOCK TABLE month_policies IN SHARE MODE');
        const closed = await closedMonthRefusal(tx, at);
        let result: T;
        try {
          result = await write(tx);
        } catch (err) {
          throw closed ?? err;
        }
        // Throwing rolls the write back.
        if (closed && changes(result)) throw closed;
        return result;
      });
    } catch (err) {
      // Another writer recorded terms at this very instant between our read and our insert.
      if ((err as { code?: unknown }).code === '23505') throw sameInstant('a customer', at);
      throw err;
    }
  }

  /** Terms in force at `at`: a version effective by then that no later one by then supersedes. */
  private async inForce(filter: { at?: string; customerId?: string; after?: string | null; limit?: number }) {
    return (
      await this.driver.query(
        `SELECT t.customer_id, ${TERMS_COLUMNS} FROM customer_terms t
         WHERE t.customer_id > COALESCE($2::text, '') AND ($3::text IS NULL OR t.customer_id = $3)
           AND t.name IS NOT NULL AND t.effective_at <= $1::timestamptz AND ${NOT_SUPERSEDED('$1::timestamptz')}
         ORDER BY t.customer_id LIMIT $4`,
        [
          filter.at ?? new Date().toISOString(),
          filter.after ?? null,
          filter.customerId ?? null,
          filter.limit ?? null,
        ],
      )
    ).map(toCustomer);
  }

  customers(options: { at?: string } = {}): Promise<CustomerRecord[]> {
    return this.inForce({ at: options.at });
  }

  async customer(customerId: string, options: { at?: string } = {}): Promise<CustomerRecord | null> {
    const [found] = await this.inForce({ at: options.at, customerId });
    return found ?? null;
  }

  customersPage(page: { after: string | null; limit: number; at?: string }): Promise<CustomerRecord[]> {
    return this.inForce(page);
  }

  async customerHistory(customerId: string): Promise<CustomerVersion[]> {
    return (
      await this.driver.query('SELECT * FROM customer_terms WHERE customer_id = $1 ORDER BY effective_at', [
        customerId,
      ])
    ).map(toVersion);
  }

  /**
   * One statement per page whose plan cannot degrade to a scan of the table (fresh rows have no
   * statistics): a walk over the customer ids in key order, each step one index probe, that stops
   * once `limit` customers with terms in force for part of the range are found; then each one's
   * versions bearing on the range.
   */
  async customerTermsPage(page: {
    after: string | null;
    limit: number;
    range: { from: string; to: string };
  }): Promise<CustomerTermsInRange[]> {
    const inForce = IN_FORCE_IN('c.id', '$3::timestamptz', '$4::timestamptz');
    const rows = await this.driver.query(
      `WITH RECURSIVE walk(customer_id, hit, found) AS (
         SELECT c.id, h.hit, h.hit::int
         FROM (SELECT min(customer_id) AS id FROM customer_terms WHERE customer_id > COALESCE($1::text, '')) c
         CROSS JOIN LATERAL (SELECT ${inForce} AS hit) h
         WHERE c.id IS NOT NULL
         UNION ALL
         SELECT c.id, h.hit, w.found + h.hit::int
         FROM walk w
         CROSS JOIN LATERAL (SELECT min(customer_id) AS id FROM customer_terms WHERE customer_id > w.customer_id) c
         CROSS JOIN LATERAL (SELECT ${inForce} AS hit) h
         WHERE w.found < $2 AND c.id IS NOT NULL)
       SELECT v.* FROM walk w CROSS JOIN LATERAL (
         SELECT * FROM customer_terms t
         WHERE t.customer_id = w.customer_id AND ${BEARS_ON('$3::timestamptz', '$4::timestamptz')}) v
       WHERE w.hit
       ORDER BY v.customer_id, v.effective_at`,
      [page.after, page.limit, page.range.from, page.range.to],
    );
    const pages: CustomerTermsInRange[] = [];
    for (const version of rows.map(toVersion)) {
      const last = pages.at(-1);
      if (last?.customerId === version.customerId) last.versions.push(version);
      else pages.push({ customerId: version.customerId, versions: [version] });
    }
    return pages;
  }

  async customerCount(range?: { from: string; to: string }): Promise<number> {
    const now = new Date().toISOString();
    const [row] = await this.driver.query<Row>(
      `SELECT count(*) AS n FROM (SELECT DISTINCT customer_id FROM customer_terms) c
       WHERE ${IN_FORCE_IN('c.customer_id', '$1::timestamptz', '$2::timestamptz')}`,
      // At one instant: in force for some part of [now, now + 1 ms).
      range ? [range.from, range.to] : [now, new Date(Date.parse(now) + 1).toISOString()],
    );
    return int(row?.n);
  }

  recordPolicyVersion(p: { version: string; policy: unknown }): Promise<WriteResult> {
    return writeOnce(
      this.driver,
      `INSERT INTO policy_versions (version, policy) VALUES ($1, $2::jsonb)
       ON CONFLICT (version) DO NOTHING RETURNING version`,
      [p.version, JSON.stringify(p.policy)],
    );
  }

  async policyVersion(version: string): Promise<PolicyVersionRecord | null> {
    const [found] = await this.policyVersionRows(version);
    return found ?? null;
  }

  policyVersions(): Promise<PolicyVersionRecord[]> {
    return this.policyVersionRows(null);
  }

  private async policyVersionRows(version: string | null): Promise<PolicyVersionRecord[]> {
    return (
      await this.driver.query(
        `SELECT p.version, p.policy, p.recorded_at,
                COALESCE(array_agg(m.month ORDER BY m.month) FILTER (WHERE m.month IS NOT NULL), '{}') AS months
         FROM policy_versions p LEFT JOIN month_policies m ON m.policy_version = p.version
         WHERE $1::text IS NULL OR p.version = $1
         GROUP BY p.version ORDER BY p.recorded_at, p.version`,
        [version],
      )
    ).map((r) => ({
      version: str(r.version),
      policy: r.policy,
      recordedAt: instant(r.recorded_at),
      months: (r.months as unknown[]).map(str),
    }));
  }

  async recordMonthPolicy(month: string, policyVersion: string): Promise<MonthPolicy> {
    try {
      await this.driver.query(
        `INSERT INTO month_policies (month, policy_version) VALUES ($1, $2) ON CONFLICT (month) DO NOTHING`,
        [month, policyVersion],
      );
    } catch (err) {
      if ((err as { code?: unknown }).code === '23503')
        throw new SlaError('invalid', `policy version ${policyVersion} is not stored in the ledger`, [
          { path: 'policyVersion', message: 'not a stored policy version (record it first)' },
        ]);
      throw err;
    }
    return (await this.monthPolicy(month))!;
  }

  async monthPolicy(month: string): Promise<MonthPolicy | null> {
    const [row] = await this.driver.query('SELECT * FROM month_policies WHERE month = $1', [month]);
    return row
      ? {
          month: str(row.month),
          policyVersion: str(row.policy_version),
          recordedAt: instant(row.recorded_at),
        }
      : null;
  }

  recordOutage(o: OutageRecord): Promise<WriteResult> {
    return writeOnce(
      this.driver,
      `INSERT INTO outages (outage_id, start_at, end_at, classification, regions, engaged_at, engaged_by,
         engagement_met, classification_history, policy_version, workflow_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11)
       ON CONFLICT (outage_id) DO NOTHING RETURNING outage_id`,
      [
        o.outageId,
        o.start,
        o.end,
        o.classification,
        o.regions,
        o.engagedAt,
        o.engagedBy,
        o.engagementMet,
        JSON.stringify(o.classificationHistory),
        o.policyVersion,
        o.workflowId,
      ],
    );
  }

  recordMaintenance(m: MaintenanceRecord): Promise<WriteResult> {
    return writeOnce(
      this.driver,
      `INSERT INTO maintenance_windows (maintenance_id, start_at, end_at, regions, announced_at, qualifies,
         actual_start, actual_end, status, policy_version, workflow_id, rounds)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12::jsonb)
       ON CONFLICT (maintenance_id) DO NOTHING RETURNING maintenance_id`,
      [
        m.maintenanceId,
        m.start,
        m.end,
        m.regions,
        m.announcedAt,
        m.qualifies,
        m.actualStart,
        m.actualEnd,
        m.status,
        m.policyVersion,
        m.workflowId,
        m.rounds ? JSON.stringify(m.rounds) : null,
      ],
    );
  }

  /**
   * Each notice once by (maintenance, customer, version), all in one transaction. A key that
   * exists with another kind, window or sentAt is a conflict: the workflow sends the same facts
   * on a retry, so a difference is a bug and nothing of the call is written.
   */
  recordMaintenanceNotices(notices: CustomerNotice[]): Promise<{ written: number; existing: number }> {
    return this.appendOnce(NOTICE_TABLE, notices);
  }

  /** In order of maintenance, customer and version (the order the customer received them). */
  async maintenanceNotices(filter: {
    maintenanceIds: string[];
    customerId?: string;
    customerRange?: { after: string | null; through: string };
  }): Promise<CustomerNotice[]> {
    if (!filter.maintenanceIds.length) return [];
    return (
      await this.driver.query(
        `SELECT ${NOTICE_SELECT} FROM maintenance_notices
         WHERE maintenance_id = ANY($1::text[]) AND ($2::text IS NULL OR customer_id = $2)
           AND ($3::text IS NULL OR customer_id > $3) AND ($4::text IS NULL OR customer_id <= $4)
         ORDER BY maintenance_id, customer_id, version`,
        [
          filter.maintenanceIds,
          filter.customerId ?? null,
          filter.customerRange?.after ?? null,
          filter.customerRange?.through ?? null,
        ],
      )
    ).map(toNotice);
  }

  async outages(range: { from: string; to: string }): Promise<OutageRecord[]> {
    return (
      await this.driver.query(
        `SELECT * FROM outages WHERE start_at < $2::timestamptz AND end_at > $1::timestamptz
         ORDER BY start_at, outage_id`,
        [range.from, range.to],
      )
    ).map(toOutage);
  }

  /** A window overlaps when its announced or its actual span does (an overrun is downtime, I9). */
  async maintenance(range: { from: string; to: string }): Promise<MaintenanceRecord[]> {
    return (
      await this.driver.query(
        `SELECT * FROM maintenance_windows
         WHERE LEAST(start_at, COALESCE(actual_start, start_at)) < $2::timestamptz
           AND GREATEST(end_at, COALESCE(actual_end, end_at)) > $1::timestamptz
         ORDER BY start_at, maintenance_id`,
        [range.from, range.to],
      )
    ).map(toMaintenance);
  }

  /**
   * Each entry once by its business key, all in one transaction. An entry whose key exists with
   * other figures (currency, amounts, percentages) is a conflict: nothing of the call is written.
   * A bad entry is refused by the database (CHECK constraints, types) and named by the schema.
   */
  appendCreditEntries(entries: CreditEntry[]): Promise<{ written: number; existing: number }> {
    return this.appendOnce(CREDIT_TABLE, entries);
  }

  /**
   * Rows of a written-once table, each once by its key, all in one transaction, one statement per
   * CHUNK rows. The database's CHECKs and types are the fast path's validation (zod costs as much
   * as the INSERT itself at 10,000 rows); when they refuse, zod says which row and field.
   */
  private async appendOnce<T>(t: BulkTable<T>, rows: T[]): Promise<{ written: number; existing: number }> {
    if (!rows.length) return { written: 0, existing: 0 };
    try {
      return await this.driver.transaction((tx) => insertOnce(tx, t, rows));
    } catch (err) {
      if (isBadData(err)) parseRows(t.schema, rows, t.what);
      throw err;
    }
  }

  async creditEntries(filter: CreditFilter): Promise<CreditEntry[]> {
    return (
      await this.driver.query(
        `SELECT ${CREDIT_SELECT} FROM credit_entries WHERE ${CREDIT_WHERE}
         ORDER BY month, customer_id, kind = 'adjustment', sequence`,
        creditParams(filter),
      )
    ).map(toCredit);
  }

  /**
   * What has been credited per customer and month (credit plus adjustments), for the billing
   * workflow to compute an adjustment after close as the difference from this (I10).
   */
  async creditedTotals(filter: CreditFilter = {}): Promise<CreditedTotal[]> {
    const rows = await this.driver.query<Row>(
      `SELECT customer_id, month, currency, sum(credit_minor) AS credited, count(*) AS entries,
              COALESCE(max(sequence) FILTER (WHERE kind = 'adjustment'), 0) AS last_adjustment
       FROM credit_entries WHERE ${CREDIT_WHERE}
       GROUP BY customer_id, month, currency
       ORDER BY month, customer_id, currency`,
      creditParams(filter),
    );
    return rows.map((r) => ({
      customerId: str(r.customer_id),
      month: str(r.month),
      currency: str(r.currency),
      creditedMinor: int(r.credited),
      entries: int(r.entries),
      nextAdjustmentSequence: int(r.last_adjustment) + 1,
    }));
  }

  recordMonthClose(c: MonthClose): Promise<WriteResult> {
    return writeOnce(
      this.driver,
      `INSERT INTO month_closes (month, closed_at, workflow_id, customers, total_credit_minor, open_outages, open_outage_ids)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (month) DO NOTHING RETURNING month`,
      [
        c.month,
        c.closedAt,
        c.workflowId,
        c.customers,
        c.totalCreditMinor,
        c.openOutages ?? null,
        c.openOutageIds ?? null,
      ],
    );
  }

  async monthClose(month: string): Promise<MonthClose | null> {
    const [row] = await this.driver.query('SELECT * FROM month_closes WHERE month = $1', [month]);
    return row ? toMonthClose(row) : null;
  }

  recordTicketOutcome(o: TicketOutcome): Promise<WriteResult> {
    return writeOnce(
      this.driver,
      `INSERT INTO ticket_outcomes (ticket_id, resolution, customer_id, level, rule_id, policy_version,
         opened_at, clock_start, due, first_response_at, coverage_minutes_to_first_response, met, sla_state,
         suspended_reason, resolved_at, steps_fired)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (ticket_id, resolution) DO NOTHING RETURNING ticket_id`,
      [
        o.ticketId,
        o.resolution,
        o.customerId,
        o.level,
        o.ruleId,
        o.policyVersion,
        o.openedAt,
        o.clockStart,
        o.due,
        o.firstResponseAt,
        o.coverageMinutesToFirstResponse,
        o.met,
        o.slaState,
        o.suspendedReason,
        o.resolvedAt,
        o.stepsFired,
      ],
    );
  }

  /** Outcomes resolved in [from, to), or all of them. */
  async ticketOutcomes(range?: { from: string; to: string }): Promise<TicketOutcome[]> {
    return (
      await this.driver.query(
        `SELECT * FROM ticket_outcomes
         WHERE ($1::timestamptz IS NULL OR resolved_at >= $1) AND ($2::timestamptz IS NULL OR resolved_at < $2)
         ORDER BY resolved_at, ticket_id, resolution`,
        [range?.from ?? null, range?.to ?? null],
      )
    ).map(toOutcome);
  }
}
