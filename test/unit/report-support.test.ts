// The report's support figures (I14 as amended; C6–C8, I5, I6, I13): each ticket opened in the
// month once whatever its reopenings, open tickets counted and listed, suspended ones apart.
import { describe, expect, it } from 'vitest';
import type { TicketOutcome } from '../../src/ledger/types';
import { buildMonthReport } from '../../src/report/build';
import { supportFigures, ticketsOnce, ticketTable, type RunningTicket } from '../../src/report/support';
import { ticketOutcome } from '../helpers/billing';
import { inForce, testCustomer } from '../helpers/ledger';
import { loadPolicy } from '../../src/policy/load';

const TIERS = loadPolicy({}).policy.uptime.creditTiers;

const outcome = ticketOutcome;

const running = (ticketId: string, over: Partial<RunningTicket> = {}): RunningTicket => ({
  ticketId,
  customerId: 'acme',
  level: 'L1',
  ruleId: 'rule',
  policyVersion: 'test',
  openedAt: '2026-10-20T14:00:00.000Z',
  clockStart: '2026-10-20T14:00:00.000Z',
  due: '2026-10-20T14:15:00.000Z',
  status: 'open',
  state: 'on-track',
  suspendedReason: null,
  firstResponse: null,
  coverageMinutesSoFar: null,
  ...over,
});

const ASOF = '2026-10-21T16:00:00.000Z';
const figures = (outcomes: TicketOutcome[], open: RunningTicket[] = []) =>
  supportFigures(ticketsOnce(outcomes, open), ASOF);

describe('support figures (I14)', () => {
  it('counts a reopened ticket once: A at 40 coverage minutes reopened once, B at 2, mean 21.0', () => {
    // A reopen never clears the first response: the second outcome repeats the first one's.
    const a = { coverageMinutesToFirstResponse: 40, met: false, slaState: 'breached' };
    const f = figures([
      outcome('A', a),
      outcome('A', { ...a, resolution: 2, resolvedAt: '2026-10-16T14:00:00.000Z' }),
      outcome('B', { coverageMinutesToFirstResponse: 2 }),
    ]);
    expect(f.l1).toEqual({ measured: 2, meanFirstResponseCoverageMinutes: 21 });
    expect([f.open, f.pending, f.suspended]).toEqual([[], [], []]);
  });

  it('takes what is true of the ticket at its last resolution: a first response given after a reopen', () => {
    const f = figures([
      outcome('C', { level: 'L2', firstResponseAt: null, coverageMinutesToFirstResponse: null, met: false }),
      outcome('C', { level: 'L2', resolution: 2, met: true }),
    ]);
    expect(f.l2).toEqual({ measured: 1, onTime: 1, ratePercent: '100.0' });
  });

  it('a running workflow is the ticket as it is now, whatever its outcome rows say', () => {
    const f = figures(
      [outcome('A', { coverageMinutesToFirstResponse: 40 })],
      [
        running('A', {
          openedAt: '2026-10-14T14:00:00.000Z',
          firstResponse: { at: '2026-10-14T14:50:00.000Z', coverageMinutes: 40, met: false },
        }),
      ],
    );
    expect(f.l1).toEqual({ measured: 1, meanFirstResponseCoverageMinutes: 40 });
    expect(f.open).toEqual([]);
  });

  it('an open L1 ticket without a first response counts its minutes so far and is listed as open', () => {
    const f = figures(
      [outcome('B', { coverageMinutesToFirstResponse: 2 })],
      [running('O', { coverageMinutesSoFar: 120 })],
    );
    expect(f.l1).toEqual({ measured: 2, meanFirstResponseCoverageMinutes: 61 });
    expect(f.open).toEqual([
      {
        ticketId: 'O',
        customerId: 'acme',
        level: 'L1',
        openedAt: '2026-10-20T14:00:00.000Z',
        clockStart: '2026-10-20T14:00:00.000Z',
        due: '2026-10-20T14:15:00.000Z',
        firstResponseAt: null,
        coverageMinutes: 120,
        state: 'open',
        status: 'open',
        suspendedReason: null,
      },
    ]);
  });

  it('L2/L3 without a first response: late past the deadline (in the rate), pending before it (outside)', () => {
    const f = figures(
      [outcome('L2-met', { level: 'L2' }), outcome('L3-met', { level: 'L3' })],
      [
        running('L3-late', { level: 'L3', due: '2026-10-21T15:59:59.999Z', coverageMinutesSoFar: 900 }),
        // Due at the very instant: a response now would still be on time.
        running('L2-pending', { level: 'L2', due: ASOF, coverageMinutesSoFar: 400 }),
      ],
    );
    expect(f.l2).toEqual({ measured: 1, onTime: 1, ratePercent: '100.0' });
    expect(f.l3).toEqual({ measured: 2, onTime: 1, ratePercent: '50.0' });
    expect(f.open.map((t) => [t.ticketId, t.state])).toEqual([['L3-late', 'late']]);
    expect(f.pending.map((t) => [t.ticketId, t.state])).toEqual([['L2-pending', 'pending']]);
    expect(f.l1.measured).toBe(0);
  });

  it('resolved without any first response: L2/L3 late; L1 has no minutes to a response', () => {
    const none = { firstResponseAt: null, coverageMinutesToFirstResponse: null, met: false };
    const f = figures([outcome('L1-none', none), outcome('L2-none', { ...none, level: 'L2' })]);
    expect(f.l1.measured).toBe(0);
    expect(f.l2).toEqual({ measured: 1, onTime: 0, ratePercent: '0.0' });
    expect(f.open).toEqual([]);
  });

  it('suspended tickets (I13) are listed apart and in no figure, open or resolved', () => {
    const reason = 'no Canada-based L1 responder on duty (I13)';
    const f = figures(
      [
        outcome('S1', {
          met: null,
          slaState: 'suspended',
          suspendedReason: reason,
          coverageMinutesToFirstResponse: 500,
        }),
        outcome('S2', { level: 'L2', met: null, slaState: 'suspended', suspendedReason: reason }),
      ],
      [
        running('S3', {
          level: 'L3',
          state: 'suspended',
          suspendedReason: reason,
          due: '2026-10-01T00:00:00.000Z',
        }),
      ],
    );
    expect(f.l1.measured).toBe(0);
    expect(f.l2.measured + f.l3.measured).toBe(0);
    expect([f.open, f.pending]).toEqual([[], []]);
    expect(f.suspended.map((t) => [t.ticketId, t.status, t.suspendedReason])).toEqual([
      ['S1', 'resolved', reason],
      ['S2', 'resolved', reason],
      ['S3', 'open', reason],
    ]);
  });

  it('the table lists open, pending and suspended with instants in the month zone', () => {
    const f = figures([], [running('O', { coverageMinutesSoFar: 12.345 })]);
    expect(ticketTable(f, 'America/Toronto').rows).toEqual([
      [
        'O',
        'acme',
        'L1',
        'open',
        '2026-10-20 10:00 EDT',
        '2026-10-20 10:15 EDT',
        '12.35',
        'no first response: minutes so far in the L1 mean',
      ],
    ]);
  });
});

describe('support figures in the month report (I14)', () => {
  const report = (customerId?: string) =>
    buildMonthReport({
      month: '2026-10',
      zone: 'America/Toronto',
      noticeHours: 24,
      policyVersion: 'test',
      customers: [inForce(testCustomer('acme')), inForce(testCustomer('globex'))],
      notices: [],
      tiers: TIERS,
      outages: [],
      maintenance: [],
      credits: [],
      outcomes: [
        outcome('A', { coverageMinutesToFirstResponse: 40 }),
        outcome('A', { coverageMinutesToFirstResponse: 40, resolution: 2 }),
        outcome('B', { coverageMinutesToFirstResponse: 2, customerId: 'globex' }),
        // Opened in September: another month's figure.
        outcome('Z', { openedAt: '2026-09-30T12:00:00.000Z', coverageMinutesToFirstResponse: 500 }),
      ],
      running: [
        running('P', { level: 'L2', customerId: 'globex', due: '2026-11-02T14:00:00.000Z' }),
        running('N', { openedAt: '2026-11-01T12:00:00.000Z', coverageMinutesSoFar: 9 }),
      ],
      ticketsAsOf: ASOF,
      close: null,
      ...(customerId ? { customerId } : {}),
    });

  it('over the tickets opened in the month, overall and per customer, at the instant it states', () => {
    const r = report();
    expect(r.ticketsAsOf).toBe(ASOF);
    expect(r.overall.support.l1).toEqual({ measured: 2, meanFirstResponseCoverageMinutes: 21 });
    expect(r.overall.support.pending.map((t) => t.ticketId)).toEqual(['P']);
    const [acme, globex] = r.customers;
    expect(acme!.support.l1).toEqual({ measured: 1, meanFirstResponseCoverageMinutes: 40 });
    expect(globex!.support).toMatchObject({ l1: { measured: 1 }, pending: [{ ticketId: 'P' }] });
    expect(report('acme').overall.support).toMatchObject({ l1: { measured: 1 }, pending: [] });
  });
});
