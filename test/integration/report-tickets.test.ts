// The report's support figures over real ticket workflows (I14 as amended; C6–C8, I5, I6, I13):
// a ticket reopened once counts once, an L1 ticket still unanswered counts its coverage minutes so
// far and is listed as open, an L2 not yet due is pending (outside the rate), an L3 past its
// deadline is late, and a suspended ticket (I13) is listed apart — while the workflows run (their
// status queries) and once the answered ones have finished (their outcomes in the ledger).
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { SlaClient } from '../../src/client';
import { loadConfig } from '../../src/config';
import { loadRoster } from '../../src/roster/load';
import type { MonthReport } from '../../src/report/build';
import { TEST_CODEC_KEYS } from '../helpers/codec';
import { startEngine, type Engine } from '../helpers/engine';
import { testCustomer } from '../helpers/ledger';
import { scenario } from '../helpers/steps';
import { newTicket } from '../helpers/tickets';
import { iso, minutes } from '../helpers/when';

const ZONE = 'America/Toronto';
const DAY = 24 * 3_600_000;

/**
 * The built-in roster without its one Canada-based L3 agent: a Canada-only L3 ticket then has no
 * eligible coverage within the look-ahead, and its SLA is suspended (I13).
 */
const withoutCanadaL3 = (() => {
  const r = loadRoster(undefined);
  return { ...r, responders: r.responders.filter((x) => x.id !== 'specialist.ottawa') };
})();

describe('support figures of the report over running and finished ticket workflows (I14)', () => {
  let e: Engine;
  /** A Monday 06:00 in Toronto, in the month after the server's. */
  let monday: number;
  let month: string;
  beforeAll(async () => {
    e = await startEngine({
      customers: [
        testCustomer('initech'),
        testCustomer('acme'),
        testCustomer('northwind', { canadaOnlyDataAccess: true }),
      ],
      roster: withoutCanadaL3,
    });
    // From the second Monday on (a week before it is in the month too), the first one whose
    // 05:00–06:00 is all coverage (a UK bank holiday takes 05:00–09:00, I3).
    let d = DateTime.fromMillis(e.now(), { zone: ZONE })
      .plus({ months: 1 })
      .startOf('month')
      .set({ hour: 6 });
    while (d.weekday !== 1 || d.day < 8) d = d.plus({ days: 1 });
    while (e.calendar.coverageMsBetween(d.minus({ hours: 1 }).toMillis(), d.toMillis()) < 3_600_000)
      d = d.plus({ weeks: 1 });
    monday = d.toMillis();
    month = d.toFormat('yyyy-MM');
    await e.advanceTo(monday);
  });
  afterAll(() => e?.stop());

  /** Opened, and answering its status: a message is sent once its first task has run. */
  const open = async (
    ticketId: string,
    customerId: string,
    openedAt: number,
    over: Parameters<typeof newTicket>[1],
  ) => {
    await e.client.openTicket(newTicket(ticketId, { customerId, openedAt: iso(openedAt), ...over }));
    return e.waitFor(() => e.client.ticketStatus(ticketId), ticketId);
  };
  const report = async (now: number): Promise<MonthReport> => {
    const sla = new SlaClient(loadConfig({ SLA_TASK_QUEUE: e.taskQueue, SLA_CODEC_KEYS: TEST_CODEC_KEYS }), {
      client: e.env.client,
      ledger: e.ledger,
      policy: e.policy,
      now: () => now,
    });
    try {
      return await sla.reports.month({ month });
    } finally {
      await sla.close();
    }
  };
  const customer = (r: MonthReport, id: string) => r.customers.find((c) => c.customerId === id)!.support;
  const step = scenario();

  step('opens the five tickets', async () => {
    /** An L1 opened at `from`, answered at `at` and resolved. */
    const answered = async (ticketId: string, from: number, at: number) => {
      await open(ticketId, 'initech', from, { level: 'L1' });
      const by = { responderId: 'agent.toronto' };
      await e.client.recordFirstResponse(ticketId, { requestId: `${ticketId}-1`, ...by, at: iso(at) });
      await e.client.resolve(ticketId, { requestId: `${ticketId}-2`, ...by });
    };
    // A: L1 from 05:00, answered at 05:40 (40 coverage minutes), resolved, reopened, resolved again.
    await answered('T-A', monday - minutes(60), monday - minutes(20));
    await e.waitFor(
      async () => (await e.ledger.ticketOutcomes()).some((o) => o.ticketId === 'T-A'),
      'A resolved',
    );
    await e.client.reopen('T-A', { requestId: 'T-A-3', reason: 'the customer wrote again' });
    await e.client.resolve('T-A', { requestId: 'T-A-4', responderId: 'agent.toronto' });
    // B: L1 from 05:50, answered at 05:52 (2 minutes).
    await answered('T-B', monday - minutes(10), monday - minutes(8));
    // Still unanswered: an L1 (from 05:30), an L2 due tomorrow, an L3 opened a week ago.
    await open('T-OPEN', 'acme', monday - minutes(30), { level: 'L1' });
    await open('T-PENDING', 'initech', monday, { level: 'L2' });
    await open('T-LATE', 'initech', monday - 7 * DAY, { level: 'L3' });
    // I13: a Canada-only data request, and no Canada-based L3 responder in the roster.
    const suspended = await open('T-SUSPENDED', 'northwind', monday, {
      subject: 'Data protection request: export personal data',
      needsDataAccess: true,
    });
    await e.waitFor(
      async () =>
        (await e.ledger.ticketOutcomes()).filter((o) => o.ticketId === 'T-A' || o.ticketId === 'T-B')
          .length === 3,
      'three outcomes: A twice, B once',
    );
    expect(suspended.state).toBe('suspended');
  });

  step('while they run: each ticket once, open and pending listed, suspended apart', async () => {
    const asOf = monday + minutes(15);
    const r = await report(asOf);
    expect(r.ticketsAsOf).toBe(iso(asOf));
    // The example: 40 and 2 minutes, A reopened once: 21.0, not (40 + 40 + 2) / 3.
    const initech = customer(r, 'initech');
    expect(initech.l1).toEqual({ measured: 2, meanFirstResponseCoverageMinutes: 21 });
    expect(initech.l2).toEqual({ measured: 0, onTime: 0, ratePercent: null });
    expect(initech.l3).toEqual({ measured: 1, onTime: 0, ratePercent: '0.0' });
    expect(initech.pending.map((t) => [t.ticketId, t.state, t.due])).toEqual([
      ['T-PENDING', 'pending', (await e.client.ticketStatus('T-PENDING')).due],
    ]);
    expect(initech.open.map((t) => [t.ticketId, t.state])).toEqual([['T-LATE', 'late']]);
    // 05:30 → 06:15: 45 coverage minutes so far, by the calendar the ticket measures with.
    const soFar = e.calendar.coverageMsBetween(monday - minutes(30), asOf) / 60_000;
    expect(soFar).toBe(45);
    expect(customer(r, 'acme')).toMatchObject({
      l1: { measured: 1, meanFirstResponseCoverageMinutes: 45 },
      open: [{ ticketId: 'T-OPEN', level: 'L1', state: 'open', coverageMinutes: 45, firstResponseAt: null }],
    });
    expect(customer(r, 'northwind')).toMatchObject({
      l1: { measured: 0 },
      l2: { measured: 0 },
      l3: { measured: 0 },
      open: [],
      pending: [],
      suspended: [{ ticketId: 'T-SUSPENDED', level: 'L3', state: 'suspended', status: 'open' }],
    });
    expect(r.overall.support.l1).toEqual({ measured: 3, meanFirstResponseCoverageMinutes: 29 });
    expect(r.overall.support.suspended).toHaveLength(1);
  });

  step('past the reopen window: A and B from the ledger, once each; the L2 is late now', async () => {
    await e.advanceTo(monday + 15 * DAY);
    const finished = async (id: string) =>
      (await e.env.client.workflow.getHandle(`ticket-${id}`).describe()).status.name === 'COMPLETED';
    await e.waitFor(async () => (await finished('T-A')) && (await finished('T-B')), 'A and B finished');
    const r = await report(monday + 15 * DAY);
    const initech = customer(r, 'initech');
    expect(initech.l1).toEqual({ measured: 2, meanFirstResponseCoverageMinutes: 21 });
    expect(initech.l2).toEqual({ measured: 1, onTime: 0, ratePercent: '0.0' });
    expect(initech.pending).toEqual([]);
    expect(initech.open.map((t) => [t.ticketId, t.state])).toEqual([
      ['T-LATE', 'late'],
      ['T-PENDING', 'late'],
    ]);
  });
});
