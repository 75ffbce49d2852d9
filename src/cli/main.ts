/**
 * The `sla` command: one entry point for the processes (`up`, `worker`, `api`) and for support
 * tooling, on-call, finance and auditors (tickets, sessions, classification, outages, maintenance,
 * calendar, policy, customers, the ledger, credits, uptime, report, audit), on the one client,
 * `SlaClient` (src/client.ts).
 * Exit codes: 0 ok, 1 failure, else the error's code's (ERROR_CODES in src/errors.ts, docs/errors.md).
 */
import { Command, CommanderError } from 'commander';
import { ERROR_CODES, SlaError } from '../errors';
import { auditCommand } from './audit';
import { calendarCommand } from './calendar';
import { classifyCommand } from './classify';
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
        'TEMPORAL_TLS_SERVER_NAME (docs/configuration.md); --address and --namespace override them.\n' +
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
    classifyCommand(),
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

/**
 * What `sla` prints on stderr for an error a command threw, and its exit code: the error's code's
 * (ERROR_CODES). The engine's errors say what to do in their message; only a fault of ours needs
 * its stack.
 */
export function failure(err: unknown): { exit: number; text?: string } {
  // Help and version are not errors; commander already printed its message either way.
  if (err instanceof CommanderError) return { exit: err.exitCode === 0 ? EXIT.ok : ERROR_CODES.invalid.exit };
  if (err instanceof SlaError && err.code !== 'internal')
    return { exit: ERROR_CODES[err.code].exit, text: err.message };
  const text = err instanceof Error ? (err.stack ?? err.message) : String(err);
  return { exit: ERROR_CODES.internal.exit, text };
}

export async function run(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    const { exit, text } = failure(err);
    if (text !== undefined) process.stderr.write(`sla: ${text}\n`);
    return exit;
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
