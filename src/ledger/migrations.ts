/**
 * The ledger's schema as numbered migrations, applied in order and recorded in
 * schema_migrations. A migration, once released, is never edited: its checksum is recorded and a
 * changed one stops `migrate` (write a new migration instead).
 *
 * What the database itself guarantees, whatever code talks to it (C14, I10, I14):
 *  - credit entries are append-only with a unique business key (customer, month, kind, sequence);
 *  - credit entries, month closes, outages, maintenance windows and each customer's notices of
 *    them (I9), ticket outcomes, customers' terms (I15), policy versions and the policy of each
 *    month are written once: UPDATE, DELETE and TRUNCATE raise an error (SQLSTATE SLA01) from a
 *    trigger;
 *  - money and durations are BIGINT within JavaScript's safe integers, months are YYYY-MM.
 */
import { createHash } from 'node:crypto';
import { SlaError } from '../errors';
import type { Driver } from './driver';

/** The SQLSTATE raised when a written-once ledger row would be changed or removed. */
export const WRITTEN_ONCE_SQLSTATE = 'SLA01';

/** pg_advisory_xact_lock key: "SLALEDGR" as 8 bytes, so no other advisory lock user collides. */
const MIGRATION_LOCK = '6002244199213451090';

const SAFE = '9007199254740991';
const MONTH = `'^[0-9]{4}-(0[1-9]|1[0-2])$'`;
const CURRENCY = `'^[A-Z]{3}$'`;

const writtenOnce = (table: string) => `
CREATE TRIGGER ${table}_written_once BEFORE UPDATE OR DELETE ON ${table}
  FOR EACH ROW EXECUTE FUNCTION ledger_written_once();
CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_written_once();`;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'customers',
    sql: `
CREATE TABLE customers (
  customer_id text PRIMARY KEY CHECK (customer_id <> ''),
  name text NOT NULL CHECK (name <> ''),
  annual_fee_minor bigint NOT NULL CHECK (annual_fee_minor BETWEEN 0 AND ${SAFE}),
  currency text NOT NULL CHECK (currency ~ ${CURRENCY}),
  region text NOT NULL CHECK (region <> ''),
  administrators text[] NOT NULL,
  canada_only_data_access boolean NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);`,
  },
  {
    version: 2,
    name: 'written-once records: outages, maintenance windows, ticket outcomes',
    sql: `
CREATE FUNCTION ledger_written_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% on % refused: ledger rows are written once (a correction is a new adjustment entry)',
    TG_OP, TG_TABLE_NAME USING ERRCODE = '${WRITTEN_ONCE_SQLSTATE}';
END;
$$;

CREATE TABLE outages (
  outage_id text PRIMARY KEY CHECK (outage_id <> ''),
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL CHECK (end_at >= start_at),
  classification text NOT NULL CHECK (classification IN ('unexpected', 'external', 'partial')),
  regions text[] NOT NULL,
  engaged_at timestamptz,
  engaged_by text,
  engagement_met boolean NOT NULL,
  classification_history jsonb NOT NULL,
  policy_version text NOT NULL,
  workflow_id text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outages_period ON outages (start_at, end_at);
${writtenOnce('outages')}

CREATE TABLE maintenance_windows (
  maintenance_id text PRIMARY KEY CHECK (maintenance_id <> ''),
  start_at timestamptz NOT NULL,
  end_at timestamptz NOT NULL CHECK (end_at >= start_at),
  regions text[] NOT NULL,
  announced_at timestamptz,
  qualifies boolean NOT NULL,
  actual_start timestamptz,
  actual_end timestamptz,
  status text NOT NULL CHECK (status IN ('completed', 'cancelled')),
  policy_version text NOT NULL,
  workflow_id text NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX maintenance_windows_period ON maintenance_windows (start_at, end_at);
${writtenOnce('maintenance_windows')}

CREATE TABLE ticket_outcomes (
  ticket_id text NOT NULL CHECK (ticket_id <> ''),
  resolution integer NOT NULL CHECK (resolution >= 1),
  customer_id text NOT NULL,
  level text NOT NULL CHECK (level IN ('L1', 'L2', 'L3')),
  rule_id text NOT NULL,
  policy_version text NOT NULL,
  opened_at timestamptz NOT NULL,
  clock_start timestamptz NOT NULL,
  due timestamptz NOT NULL,
  first_response_at timestamptz,
  coverage_minutes_to_first_response double precision,
  met boolean,
  sla_state text NOT NULL,
  suspended_reason text,
  resolved_at timestamptz NOT NULL,
  steps_fired text[] NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (ticket_id, resolution)
);
CREATE INDEX ticket_outcomes_resolved_at ON ticket_outcomes (resolved_at);
${writtenOnce('ticket_outcomes')}`,
  },
  {
    version: 3,
    name: 'credit entries and month closes',
    sql: `
-- The key's text columns compare bytes (COLLATE "C"): the same order on every server, and no
-- locale-aware comparison on the hot path of a bulk append.
CREATE TABLE credit_entries (
  customer_id text COLLATE "C" NOT NULL CHECK (customer_id <> ''),
  month text COLLATE "C" NOT NULL CHECK (month ~ ${MONTH}),
  kind text COLLATE "C" NOT NULL CHECK (kind IN ('credit', 'adjustment')),
  sequence integer NOT NULL CHECK (sequence >= 0),
  currency text NOT NULL CHECK (currency ~ ${CURRENCY}),
  uptime_percent numeric NOT NULL CHECK (uptime_percent BETWEEN 0 AND 100),
  credit_percent numeric NOT NULL CHECK (credit_percent BETWEEN 0 AND 100),
  monthly_fee_minor bigint NOT NULL CHECK (monthly_fee_minor BETWEEN 0 AND ${SAFE}),
  credit_minor bigint NOT NULL CHECK (credit_minor BETWEEN -${SAFE} AND ${SAFE}),
  total_ms bigint NOT NULL CHECK (total_ms BETWEEN 0 AND ${SAFE}),
  excluded_ms bigint NOT NULL CHECK (excluded_ms BETWEEN 0 AND ${SAFE}),
  downtime_ms bigint NOT NULL CHECK (downtime_ms BETWEEN 0 AND ${SAFE}),
  outage_ids text[] NOT NULL,
  maintenance_ids text[] NOT NULL,
  policy_version text NOT NULL,
  workflow_id text NOT NULL,
  created_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  -- The business key: a retried write of the same entry is a no-op (ON CONFLICT DO NOTHING).
  -- Month first, so that its index also serves every per-month read (close, report, listing).
  CONSTRAINT credit_entries_business_key UNIQUE (month, customer_id, kind, sequence)
);
${writtenOnce('credit_entries')}

CREATE TABLE month_closes (
  month text PRIMARY KEY CHECK (month ~ ${MONTH}),
  closed_at timestamptz NOT NULL,
  workflow_id text NOT NULL,
  customers integer NOT NULL CHECK (customers >= 0),
  total_credit_minor bigint NOT NULL CHECK (total_credit_minor BETWEEN -${SAFE} AND ${SAFE}),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
${writtenOnce('month_closes')}`,
  },
  {
    version: 4,
    name: 'month closes: outages still open at the close',
    // Null on closes recorded before it was counted: "not known", not zero.
    sql: `ALTER TABLE month_closes ADD COLUMN open_outages integer CHECK (open_outages >= 0);`,
  },
  {
    version: 5,
    name: 'month closes: which outages were still open at the close',
    // As many ids as the count says; null on closes recorded before the ids were kept.
    sql: `ALTER TABLE month_closes ADD COLUMN open_outage_ids text[]
  CHECK (open_outage_ids IS NULL OR (open_outages IS NOT NULL AND cardinality(open_outage_ids) = open_outages));`,
  },
  {
    version: 6,
    name: 'customer terms in force, policy versions and the policy of each month',
    // I15: every version of a customer's terms, from the instant it takes effect; a row whose term
    // columns are all NULL ends the contract there. Each customers row becomes one version in force
    // from its first import (created_at) with the terms it holds, recorded when they were last
    // written (updated_at); then the table goes, so that nothing reads terms without an instant.
    sql: `
CREATE TABLE customer_terms (
  customer_id text COLLATE "C" NOT NULL CHECK (customer_id <> ''),
  effective_at timestamptz NOT NULL,
  name text CHECK (name <> ''),
  annual_fee_minor bigint CHECK (annual_fee_minor BETWEEN 0 AND ${SAFE}),
  currency text CHECK (currency ~ ${CURRENCY}),
  region text CHECK (region <> ''),
  administrators text[],
  canada_only_data_access boolean,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, effective_at),
  CONSTRAINT customer_terms_all_or_ended CHECK (
    (name, annual_fee_minor, currency, region, administrators, canada_only_data_access) IS NULL
    OR (name, annual_fee_minor, currency, region, administrators, canada_only_data_access) IS NOT NULL)
);
INSERT INTO customer_terms (customer_id, effective_at, name, annual_fee_minor, currency, region,
  administrators, canada_only_data_access, recorded_at)
SELECT customer_id, created_at, name, annual_fee_minor, currency, region, administrators,
  canada_only_data_access, updated_at
FROM customers;
DROP TABLE customers;
${writtenOnce('customer_terms')}

CREATE TABLE policy_versions (
  version text COLLATE "C" PRIMARY KEY CHECK (version <> ''),
  policy jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now()
);
${writtenOnce('policy_versions')}

-- The policy each month is judged by (I15): written by the month's first close, never changed.
CREATE TABLE month_policies (
  month text COLLATE "C" PRIMARY KEY CHECK (month ~ ${MONTH}),
  policy_version text NOT NULL REFERENCES policy_versions (version),
  recorded_at timestamptz NOT NULL DEFAULT now()
);
${writtenOnce('month_policies')}`,
  },
  {
    version: 7,
    name: 'maintenance notices per customer and rounds',
    // I9 as amended: a window is excluded for a customer by the notices that reached that
    // customer, so each notice is kept, delivered (sent_at) or not (NULL). Rounds are NULL on
    // windows recorded before they were kept.
    sql: `
CREATE TABLE maintenance_notices (
  maintenance_id text COLLATE "C" NOT NULL CHECK (maintenance_id <> ''),
  customer_id text COLLATE "C" NOT NULL CHECK (customer_id <> ''),
  version integer NOT NULL CHECK (version >= 1),
  kind text NOT NULL CHECK (kind IN ('announced', 'withdrawn')),
  window_start timestamptz NOT NULL,
  window_end timestamptz NOT NULL CHECK (window_end >= window_start),
  sent_at timestamptz,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (maintenance_id, customer_id, version)
);
${writtenOnce('maintenance_notices')}

ALTER TABLE maintenance_windows ADD COLUMN rounds jsonb
  CHECK (rounds IS NULL OR jsonb_typeof(rounds) = 'array');`,
  },
];

const checksum = (sql: string) => createHash('sha256').update(sql).digest('hex');

/** The database's migrations are not this engine's (a changed or unknown one): a fault, not an input. */
export class MigrationError extends SlaError {
  override name = 'MigrationError';
  constructor(message: string) {
    super('internal', message);
  }
}

/**
 * Applies the migrations not yet applied, in one transaction under an advisory lock: a second
 * process migrating at the same moment waits, then finds everything applied. Idempotent.
 * Returns the versions it applied.
 */
export async function migrate(driver: Driver, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  return driver.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::bigint)', [MIGRATION_LOCK]);
    await tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = new Map(
      (
        await tx.query<{ version: number; checksum: string }>(
          'SELECT version, checksum FROM schema_migrations',
        )
      ).map((r) => [Number(r.version), r.checksum]),
    );
    const known = new Set(migrations.map((m) => m.version));
    const newer = [...applied.keys()].filter((v) => !known.has(v));
    if (newer.length) {
      throw new MigrationError(
        `the ledger has migration(s) ${newer.join(', ')} that this version of the engine does not know: run a newer engine`,
      );
    }
    const done: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      const sum = checksum(m.sql);
      const recorded = applied.get(m.version);
      if (recorded !== undefined) {
        if (recorded !== sum) {
          throw new MigrationError(
            `migration ${m.version} (${m.name}) changed after it was applied: add a new migration instead`,
          );
        }
        continue;
      }
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        sum,
      ]);
      done.push(m.version);
    }
    return done;
  });
}
