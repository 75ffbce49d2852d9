// A status query in a workflow's first moments, on the real dev server. The ticket, session and
// maintenance workflows register their status handler once their first lookup has answered, so a
// query in between finds no handler (the API fuzz met it as a 500). Here that lookup is held back
// on purpose: the clients wait for the handler and answer the status; a workflow still starting
// after the wait is "unavailable" (503, worth a retry), never an internal error; so is a workflow
// whose worker does not answer by the status deadline.
import { QueryNotRegisteredError } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Activities } from '../../src/activities';
import { queryStatus } from '../../src/clients/calls';
import { UnavailableError } from '../../src/errors';
import { ticketStatus } from '../../src/messages/ticket';
import { startEngine, type Engine } from '../helpers/engine';
import { newTicket } from '../helpers/tickets';

type FirstLookup = 'openTicketFacts' | 'sessionRules' | 'maintenanceRules';

/** Each first lookup waits until the test lets it answer; all are let go at the end. */
const gates = new Map<FirstLookup, Promise<void>>();
const releases: (() => void)[] = [];
function gate(name: FirstLookup): () => void {
  let release!: () => void;
  gates.set(name, new Promise<void>((resolve) => (release = resolve)));
  releases.push(release);
  return release;
}
function held(built: Activities): Activities {
  const after = async <R>(name: FirstLookup, answer: () => Promise<R>) => {
    await gates.get(name);
    return answer();
  };
  return {
    ...built,
    openTicketFacts: (...a) => after('openTicketFacts', () => built.openTicketFacts(...a)),
    sessionRules: (...a) => after('sessionRules', () => built.sessionRules(...a)),
    maintenanceRules: (...a) => after('maintenanceRules', () => built.maintenanceRules(...a)),
  };
}

let e: Engine;
beforeAll(async () => {
  e = await startEngine({ server: 'dev', activities: held });
});
afterAll(async () => {
  for (const release of releases) release();
  await e?.stop();
});

const soon = () => new Date(Date.now() + 48 * 3_600_000);
type Case = [
  kind: 'maintenance' | 'ticket' | 'session',
  lookup: FirstLookup,
  start: (id: string) => Promise<{ workflowId: string }>,
  status: (id: string) => Promise<unknown>,
];
const cases: Case[] = [
  [
    'maintenance',
    'maintenanceRules',
    (id) =>
      e.maintenance.scheduleMaintenance({
        maintenanceId: id,
        start: soon().toISOString(),
        end: new Date(soon().getTime() + 3_600_000).toISOString(),
        regions: ['ca-east'],
        description: 'Storage firmware update.',
      }),
    (id) => e.maintenance.maintenanceStatus(id),
  ],
  [
    'ticket',
    'openTicketFacts',
    (id) => e.client.openTicket(newTicket(id)),
    (id) => e.client.ticketStatus(id),
  ],
  [
    'session',
    'sessionRules',
    (id) => e.client.openSession({ sessionId: id, channel: 'chat', responderId: 'agent-1' }),
    (id) => e.client.sessionStatus(id),
  ],
];

describe.each(cases)(
  'a %s queried while its first lookup has not answered',
  (kind, lookup, start, status) => {
    it('waits for the status handler and answers the status', async () => {
      const release = gate(lookup);
      const id = `Q-${kind.toUpperCase()}-WAIT`;
      const { workflowId } = await start(id);
      // The race is real: Temporal itself refuses the query while the lookup is held back.
      await expect(e.env.client.workflow.getHandle(workflowId).query('status')).rejects.toBeInstanceOf(
        QueryNotRegisteredError,
      );
      const answer = status(id);
      setTimeout(release, 300);
      expect(await answer).toMatchObject({ [`${kind}Id`]: id });
    });
  },
);

it('says unavailable, naming the workflow, when it is still starting after the wait', async () => {
  const release = gate('maintenanceRules');
  const id = 'Q-MAINTENANCE-SLOW';
  const { workflowId } = await cases[0]![2](id);
  const refused = await e.maintenance.maintenanceStatus(id).then(
    () => null,
    (err: unknown) => err,
  );
  expect(refused).toBeInstanceOf(UnavailableError);
  expect((refused as Error).message).toBe(`${workflowId} is still starting; try again in a moment`);
  release();
  expect(await e.maintenance.maintenanceStatus(id)).toMatchObject({ maintenanceId: id });
});

it('says unavailable, naming the workflow, when no worker answers by the deadline', async () => {
  // A run on a task queue nobody polls: its query waits for a worker that never comes.
  const handle = await e.env.client.workflow.start('ticketWorkflow', {
    taskQueue: `${e.taskQueue}-unpolled`,
    workflowId: 'ticket-Q-UNPOLLED',
    args: [],
  });
  try {
    const refused = await queryStatus(handle, ticketStatus, 1_000).then(
      () => null,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(UnavailableError);
    expect((refused as Error).message).toBe(
      'ticket-Q-UNPOLLED did not answer within 1000 ms: its worker is busy or down; try again in a moment',
    );
  } finally {
    await handle.terminate('test over');
  }
});
