/**
 * The long-running processes: `sla up` (everything), `sla worker`, `sla api`. Their modules load
 * the Temporal SDK, so they are imported only when one of these commands runs: the other
 * commands start in a fraction of the time.
 */
import { Command } from 'commander';
import { z } from 'zod';
import { loadConfig } from '../config';
import { loadPolicy } from '../policy/load';
import { parseOptions, UsageError } from './io';

const UpOptions = z.object({
  cluster: z.boolean().optional(),
  workers: z.coerce.number().int().min(1).max(32).optional(),
});

export function processCommands(): Command[] {
  return [
    new Command('up')
      .description(
        'Start the whole system: a local Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the API',
      )
      .option(
        '--cluster',
        'the production topology instead: a Temporal cluster on PostgreSQL, the ledger on that PostgreSQL',
      )
      .option('--workers <n>', 'worker processes on the one task queue (1–32, default 1)')
      .addHelpText(
        'after',
        "\nLong-running: its output is the processes' logs (no --json). Examples:\n" +
          '  sla up\n  sla up --cluster --workers 3\n' +
          '  TEMPORAL_ADDRESS=temporal.internal:7233 DATABASE_URL=postgres://… sla up',
      )
      .action(async (raw: unknown) => {
        const options = parseOptions(UpOptions, raw);
        const config = loadConfig();
        // The cluster is its own Temporal and its own ledger: another one named as well is a mistake.
        if (options.cluster && !config.embeddedTemporal)
          throw new UsageError('--cluster: starts its own Temporal server; unset TEMPORAL_ADDRESS');
        if (options.cluster && config.databaseUrl)
          throw new UsageError("--cluster: keeps the ledger on the cluster's PostgreSQL; unset DATABASE_URL");
        loadPolicy(); // a bad policy stops here, before anything starts
        const { up } = await import('../up');
        await up(config, options);
      }),
    new Command('worker')
      .description('Run the worker process')
      .addHelpText(
        'after',
        "\nLong-running: its output is the worker's logs (no --json). Example:\n  TEMPORAL_ADDRESS=temporal.internal:7233 sla worker",
      )
      .action(async () => {
        const config = loadConfig();
        const policy = loadPolicy();
        const { runWorker } = await import('../worker');
        await runWorker(config, policy);
      }),
    new Command('api')
      .description('Run the HTTP API process')
      .addHelpText(
        'after',
        "\nLong-running: its output is the API's logs (no --json). Example:\n  SLA_API_PORT=8080 sla api",
      )
      .action(async () => {
        const config = loadConfig();
        const policy = loadPolicy();
        const [
          { runApi },
          { connectClient },
          { lazyLedger },
          { openLedger, LedgerUnavailableError },
          { findServedLedger },
        ] = await Promise.all([
          import('../api/server'),
          import('../connection'),
          import('../api/lazy-ledger'),
          import('../ledger'),
          import('../ledger/driver'),
        ]);
        // The embedded PGlite ledger is one process's: `sla up` holds it and serves it (DATABASE_URL
        // for its children; the URL file for an API started by hand). The API never takes the lock
        // itself, or a worker started after it could not.
        const served = () => {
          const url = findServedLedger(config.ledgerDir);
          return url
            ? openLedger({ ...config, databaseUrl: url })
            : Promise.reject(
                new LedgerUnavailableError(
                  'the embedded ledger is not served: run the API under `sla up`, or set DATABASE_URL to a PostgreSQL ledger',
                ),
              );
        };
        await runApi({
          config,
          policy,
          client: await connectClient(config),
          ledger: lazyLedger(config.databaseUrl ? () => openLedger(config) : served),
          // One JSON line per request: route id, status, role, milliseconds — nothing sent by the caller.
          log: (entry) => console.log(JSON.stringify({ api: entry })),
        });
      }),
  ];
}
