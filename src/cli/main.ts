/**
 * The `sla` command: one entry point for the processes (`up`, `worker`, `api`) and for support
 * tooling, on-call, finance and auditors (tickets, sessions, outages, maintenance, calendar, policy,
 * customers, the ledger, credits, uptime, report, audit), on the one client, `SlaClient` (src/client.ts).
 * Exit codes: 0 ok, 1 failure, 2 bad input, 3 not found, 4 unavailable.
 */
import { Command, CommanderError } from 'commander';
import { CodecKeyError } from '../codec/keys';
import { ConfigError } from '../config';
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from '../errors';
import { PolicyError } from '../policy/load';
import { LedgerConflictError } from '../ledger/sql-ledger';
import { LedgerUnavailableError } from '../ledger/driver';
import { LedgerInputError } from '../ledger/schema';
import { auditCommand } from './audit';
import { calendarCommand } from './calendar';
import { creditsCommand } from './credits';
import { customersCommand } from './customers';
import { EXIT, UsageError } from './io';
import { ledgerCommand } from './ledger';
import { maintenanceCommand } from './maintenance';
import { outageCommand } from './outages';
import { policyCommand } from './policy';
import { uptimeCommand } from './uptime';
import { processCommands } from './processes';
import { reportCommand } from './report';
import { sessionCommand, ticketCommand } from './tickets';

export function program(): Command {
  const root = new Command('sla')
    .description(
      'The SLA escalation engine: response clocks, outage engagement, maintenance notice, uptime and credits',
    )
    .showHelpAfterError('(add --help for usage)')
    .option('--address <host:port>', 'Temporal frontend (overrides TEMPORAL_ADDRESS)')
    .option('--namespace <name>', 'Temporal namespace (overrides TEMPORAL_NAMESPACE)')
    .addHelpText(
      'after',
      '\nConnection: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_CA, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY,\n' +
        'TEMPORAL_TLS_SERVER_NAME (README, Configuration); --address and --namespace override them.\n' +
        'Every command takes --json; exit codes: 0 ok, 1 refused or failed, 2 bad input, 3 not found, 4 unavailable.\n' +
        '\nExamples:\n  sla ticket list --state breached\n  sla --address temporal.internal:7233 outage list --open --json',
    )
    .hook('preAction', (root) => applyConnectionFlags(root.opts()))
    .exitOverride();
  for (const cmd of [
    ...processCommands(),
    ticketCommand(),
    sessionCommand(),
    calendarCommand(),
    policyCommand(),
    customersCommand(),
    ledgerCommand(),
    creditsCommand(),
    maintenanceCommand(),
    outageCommand(),
    uptimeCommand(),
    auditCommand(),
    reportCommand(),
  ])
    root.addCommand(cmd);
  // Subcommands share the root's error handling and exit codes.
  const inherit = (cmd: Command) => {
    cmd.exitOverride().showHelpAfterError('(add --help for usage)');
    cmd.commands.forEach(inherit);
  };
  root.commands.forEach(inherit);
  return root;
}

/**
 * The global flags win over the environment: every command reads its settings through
 * loadConfig(), so they are applied there, checked like the variables they replace.
 */
function applyConnectionFlags(opts: { address?: string; namespace?: string }): void {
  if (opts.address !== undefined) {
    if (!/^[^\s:]+:\d{1,5}$/.test(opts.address))
      throw new UsageError(`--address: expected host:port, got ${JSON.stringify(opts.address)}`);
    process.env.TEMPORAL_ADDRESS = opts.address;
  }
  if (opts.namespace !== undefined) {
    if (!opts.namespace.trim()) throw new UsageError('--namespace: must not be empty');
    process.env.TEMPORAL_NAMESPACE = opts.namespace;
  }
}

export async function run(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; commander already printed its message.
      return err.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (
      err instanceof UsageError ||
      err instanceof PolicyError ||
      err instanceof ConfigError ||
      err instanceof LedgerInputError ||
      err instanceof LedgerConflictError ||
      err instanceof InvalidInputError ||
      err instanceof CodecKeyError
    ) {
      process.stderr.write(`sla: ${err.message}\n`);
      return EXIT.badInput;
    }
    if (err instanceof LedgerUnavailableError) {
      process.stderr.write(`sla: ${err.message}\n`);
      return EXIT.unavailable;
    }
    // The client's typed errors (src/errors.ts): a message, not a stack.
    if (err instanceof NotFoundError || err instanceof UnavailableError || err instanceof ConflictError) {
      process.stderr.write(`sla: ${err.message}\n`);
      return err instanceof NotFoundError
        ? EXIT.notFound
        : err instanceof UnavailableError
          ? EXIT.unavailable
          : EXIT.failure;
    }
    process.stderr.write(`sla: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.failure;
  }
}

if (require.main === module || process.argv[1]?.endsWith('bin/sla')) {
  run(process.argv).then(
    (code) => {
      // A command may have set its own exit code (`up` after a child failed).
      if (code !== EXIT.ok) process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`sla: ${String(err)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
