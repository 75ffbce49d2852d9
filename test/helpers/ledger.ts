/**
 * TEMPORARY: the ledger the workflow tests use. Until the SQL ledger (branch `ledger`) is merged
 * this is the in-memory one (src/ledger/memory.ts); at merge the lead replaces it with the PGlite
 * ledger in a temporary directory, and the tests keep calling createTestLedger().
 */
import { MemoryLedger } from '../../src/ledger/memory';
import type { Ledger } from '../../src/ledger/types';

export async function createTestLedger(): Promise<Ledger> {
  const ledger = new MemoryLedger();
  await ledger.migrate();
  return ledger;
}
