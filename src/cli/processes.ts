/**
 * The long-running processes: `sla up` (everything), `sla worker`, `sla api`. Their modules load
 * the Temporal SDK, so they are imported only when one of these commands runs: the other
 * commands start in a fraction of the time.
 */
import { Command } from 'commander';
import { loadConfig } from '../config';
import { loadPolicy } from '../policy/load';

export function processCommands(): Command[] {
  return [
    new Command('up')
      .description(
        'Start the whole system: a local Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the API',
      )
      .action(async () => {
        const config = loadConfig();
        loadPolicy(); // a bad policy stops here, before anything starts
        const { up } = await import('../up');
        process.exitCode = await up(config);
      }),
    new Command('worker').description('Run the worker process').action(async () => {
      const config = loadConfig();
      const policy = loadPolicy();
      const { runWorker } = await import('../worker');
      await runWorker(config, policy);
    }),
    new Command('api').description('Run the HTTP API process').action(async () => {
      const config = loadConfig();
      const policy = loadPolicy();
      const [{ runApi }, { connectClient }, { lazyLedger }, { openLedger, LedgerUnavailableError }] =
        await Promise.all([
          import('../api/server'),
          import('../connection'),
          import('../api/lazy-ledger'),
          import('../ledger'),
        ]);
      // The embedded PGlite ledger is one process's, and that process is the worker: were the API
      // to take it first, the worker could not start. It is shared only through PostgreSQL.
      const embedded = () =>
        Promise.reject(
          new LedgerUnavailableError(
            'the embedded ledger belongs to the worker process; set DATABASE_URL so that the API shares a PostgreSQL ledger',
          ),
        );
      await runApi({
        config,
        policy,
        client: await connectClient(config),
        ledger: lazyLedger(config.databaseUrl ? () => openLedger(config) : embedded),
        // One JSON line per request: route id, status, role, milliseconds — nothing sent by the caller.
        log: (entry) => console.log(JSON.stringify({ api: entry })),
      });
    }),
  ];
}
