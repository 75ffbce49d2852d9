/**
 * The worker's ledger until the SQL ledger (branch `ledger`, issue 6) is merged: outages are kept
 * as JSON lines in SLA_DATA_DIR/outages.jsonl, one line per outage id, so that a resolved outage
 * survives a restart and a retried write is a no-op. The other parts of the ledger belong to
 * that branch: here they refuse with a clear message instead of pretending.
 * At merge, `realDeps` in src/worker.ts takes the SQL ledger and this file goes.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Ledger, OutageRecord } from './types';

export function outageFileLedger(file: string): Ledger {
  // One writer at a time within this process, so that check-then-append cannot interleave.
  let queue: Promise<unknown> = Promise.resolve();
  const read = async (): Promise<OutageRecord[]> =>
    existsSync(file)
      ? (await readFile(file, 'utf8'))
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as OutageRecord)
      : [];
  const notHere = (what: string) => () =>
    Promise.reject(new Error(`${what} needs the SQL ledger (issue 6), not the interim outage file`));
  return {
    migrate: async () => undefined,
    close: async () => undefined,
    recordOutage(outage) {
      const run = queue.then(async () => {
        if ((await read()).some((o) => o.outageId === outage.outageId)) return 'exists' as const;
        await mkdir(dirname(file), { recursive: true });
        await appendFile(file, `${JSON.stringify(outage)}\n`);
        return 'written' as const;
      });
      queue = run.catch(() => undefined);
      return run;
    },
    async outages(range) {
      return (await read()).filter(
        (o) => Date.parse(o.start) < Date.parse(range.to) && Date.parse(o.end) > Date.parse(range.from),
      );
    },
    importCustomers: notHere('importing customers'),
    customers: notHere('customers'),
    customer: notHere('customers'),
    recordMaintenance: notHere('maintenance records'),
    maintenance: notHere('maintenance records'),
    appendCreditEntries: notHere('credits'),
    creditEntries: notHere('credits'),
    recordMonthClose: notHere('month close'),
    monthClose: notHere('month close'),
    recordTicketOutcome: notHere('ticket outcomes (the outcome store keeps them for now)'),
    ticketOutcomes: notHere('ticket outcomes (the outcome store keeps them for now)'),
  };
}
