/**
 * Opens the ledger the configuration names: PostgreSQL when DATABASE_URL is set (production,
 * several processes), else the embedded PGlite in SLA_LEDGER_DIR — served by `sla up` when it
 * runs, opened in this process when nothing holds it.
 */
import { findServedLedger, pgliteDriver, postgresDriver } from './driver';
import { SqlLedger } from './sql-ledger';

export interface LedgerConfig {
  /** postgres://… — a secret: it may carry a password; never printed. */
  databaseUrl: string | undefined;
  /** The embedded ledger's data directory, used when there is no databaseUrl. */
  ledgerDir: string;
}

/** Opens (does not migrate) the ledger; call migrate() once before use. */
export async function openLedger(config: LedgerConfig): Promise<SqlLedger> {
  if (config.databaseUrl) return new SqlLedger(await postgresDriver(config.databaseUrl));
  const served = findServedLedger(config.ledgerDir);
  return new SqlLedger(served ? await postgresDriver(served) : await pgliteDriver(config.ledgerDir));
}

/** Where a ledger lives, for messages: never the URL itself (it may hold a password). */
export function describeLedger(config: LedgerConfig): string {
  if (!config.databaseUrl) return `embedded ledger in ${config.ledgerDir}`;
  try {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL ledger at ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'PostgreSQL ledger (DATABASE_URL)';
  }
}

export { LedgerUnavailableError } from './driver';
export { MigrationError, WRITTEN_ONCE_SQLSTATE } from './migrations';
export { LedgerInputError } from './schema';
export { LedgerConflictError, SqlLedger, type CreditedTotal } from './sql-ledger';
export type * from './types';
