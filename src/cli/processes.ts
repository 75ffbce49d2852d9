/** The long-running processes: `sla up` (everything), `sla worker`, `sla api`. */
import { Command } from 'commander';
import { runApi } from '../api/server';
import { loadConfig } from '../config';
import { connectClient } from '../connection';
import { loadPolicy } from '../policy/load';
import { up } from '../up';
import { runWorker } from '../worker';

export function processCommands(): Command[] {
  return [
    new Command('up')
      .description(
        'Start the whole system: a local Temporal dev server (unless TEMPORAL_ADDRESS is set), the worker and the API',
      )
      .action(async () => {
        const config = loadConfig();
        loadPolicy(); // a bad policy stops here, before anything starts
        process.exitCode = await up(config);
      }),
    new Command('worker').description('Run the worker process').action(async () => {
      const config = loadConfig();
      await runWorker(config, loadPolicy());
    }),
    new Command('api').description('Run the HTTP API process').action(async () => {
      const config = loadConfig();
      const policy = loadPolicy();
      await runApi({ config, policy, client: await connectClient(config) });
    }),
  ];
}
