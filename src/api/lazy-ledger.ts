/**
 * The API process's ledger, opened (and migrated) at its first use rather than at start, so that
 * the API starts and serves everything else while the ledger is down; the operations that need
 * it answer 503 (LedgerUnavailableError) naming why, and a later call tries again.
 */
import type { Ledger } from '../ledger/types';

export function lazyLedger(open: () => Promise<Ledger>): Ledger {
  let opening: Promise<Ledger> | undefined;
  const ledger = () => {
    opening ??= open().then(
      async (l) => {
        await l.migrate();
        return l;
      },
      (err: unknown) => {
        opening = undefined; // the next call tries again
        throw err;
      },
    );
    return opening;
  };
  return new Proxy({} as Ledger, {
    get(_, name: keyof Ledger | 'then') {
      // Not a promise: `await ledger` must give the ledger, not call a method named then.
      if (name === 'then') return undefined;
      if (name === 'close')
        return async () => (opening ? (await opening.catch(() => null))?.close() : undefined);
      return async (...args: unknown[]) => ((await ledger())[name] as (...a: unknown[]) => unknown)(...args);
    },
  });
}
