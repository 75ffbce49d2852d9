/**
 * The ledger's write latency: every write of the Ledger interface timed, whichever driver
 * (PGlite, PostgreSQL) is behind it, so that a slow database shows before month closes and
 * outage records fall behind. Reads are not timed: they are the reports', not the engine's path.
 */
import type { Ledger } from '../ledger/types';
import { LABEL_SETS, ledgerWriteSeconds } from './registry';

export function timedLedger(ledger: Ledger): Ledger {
  const writes = new Set<string>(LABEL_SETS.operation);
  return new Proxy(ledger, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof name !== 'string' || !writes.has(name)) return value.bind(target) as unknown;
      return async (...args: unknown[]) => {
        const end = ledgerWriteSeconds.startTimer({ operation: name });
        try {
          const write = value as (...a: unknown[]) => Promise<unknown>;
          const result = await write.apply(target, args);
          end({ result: 'ok' });
          return result;
        } catch (err) {
          end({ result: 'error' });
          throw err;
        }
      };
    },
  });
}
