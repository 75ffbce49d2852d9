// Every golden history under test/histories/ replays against the current workflow code: a change
// that would break running tickets, sessions, outages, maintenance windows, billing months or
// the month-close trigger (non-determinism) fails here, in CI.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { describe, expect, it } from 'vitest';
import { testDataConverter } from '../helpers/codec';
import { WORKFLOWS } from '../helpers/engine';
import { HISTORIES_DIR } from '../helpers/histories';
import { workflowBundle } from '../helpers/temporal';

const files = readdirSync(HISTORIES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('golden histories', () => {
  const TYPES = [
    'billingMonthWorkflow',
    'billingScheduleWorkflow',
    'maintenanceWorkflow',
    'outageWorkflow',
    'sessionWorkflow',
    'ticketWorkflow',
  ];
  const typeOf = (file: string) => file.split('-')[0];

  it('cover every workflow type', () => {
    expect([...new Set(files.map(typeOf))].sort()).toEqual(TYPES);
  });

  // Issue 8 §3: time-skipping runs alone could hide what only a real server records (real
  // timers, retries after a killed worker, a Schedule's trigger); `npm run histories:dev` writes
  // the `<type>-dev-*.json` files.
  it('cover every workflow type with a real dev-server run', () => {
    const dev = files.filter((f) => f.includes('-dev-'));
    expect([...new Set(dev.map(typeOf))].sort()).toEqual(TYPES);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const history = historyFromJSON(JSON.parse(readFileSync(join(HISTORIES_DIR, file), 'utf8')));
    expect(history.events?.length).toBeGreaterThan(10);
    await Worker.runReplayHistory(
      { workflowBundle: await workflowBundle(WORKFLOWS), dataConverter: testDataConverter() },
      history,
      file,
    );
  });
});
