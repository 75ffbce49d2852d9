// The monthly report and the outages still open at the month's close (I8, I14): the close
// credited them from detection to the month's end; the report names them on the close line, and
// once such an outage has ended and been recorded, marks it wherever its incident is listed.
import { describe, expect, it } from 'vitest';
import type { MonthClose } from '../../src/ledger';
import { buildMonthReport, incidentRecords, openAtCloseNote, type ReportInput } from '../../src/report/build';
import { maintenanceRecord, outageRecord } from '../helpers/billing';
import { inForce, testCustomer } from '../helpers/ledger';
import { loadPolicy } from '../../src/policy/load';

const TIERS = loadPolicy({}).policy.uptime.creditTiers;

const close: MonthClose = {
  month: '2026-10',
  closedAt: '2026-11-04T04:00:01.000Z',
  workflowId: 'billing-month-2026-10',
  customers: 1,
  totalCreditMinor: 0,
  openOutages: 2,
  openOutageIds: ['INC-ACROSS', 'INC-STILL'],
};

const input = (over: Partial<ReportInput> = {}): ReportInput => ({
  month: '2026-10',
  zone: 'America/Toronto',
  noticeHours: 24,
  policyVersion: 'test',
  customers: [inForce(testCustomer('acme', { region: 'ca-central' }))],
  notices: [],
  tiers: TIERS,
  outages: [
    outageRecord('INC-EARLY', '2026-10-06T14:00:00Z', 30, ['ca-central']),
    // Detected 23:00 on Oct 31 in Toronto, resolved after the close: recorded late, 2 h long.
    outageRecord('INC-ACROSS', '2026-11-01T03:00:00Z', 120, ['ca-central']),
  ],
  maintenance: [maintenanceRecord('M-1', '2026-10-12T06:00:00Z', 90, ['ca-central'], { noticeHours: 2 })],
  credits: [],
  outcomes: [],
  running: [],
  ticketsAsOf: close.closedAt,
  close,
  ...over,
});

describe('outages open at the close, in the monthly report (I8, I14)', () => {
  it('names them on the close line, in the JSON and in the note the text and the page print', () => {
    const report = buildMonthReport(input());
    expect(report.closed).toEqual({
      closedAt: close.closedAt,
      workflowId: close.workflowId,
      openOutages: 2,
      openOutageIds: ['INC-ACROSS', 'INC-STILL'],
    });
    expect(openAtCloseNote(report.closed)).toBe(
      ", 2 outages still open then (INC-ACROSS, INC-STILL), counted to the month's end",
    );
  });

  it('marks a recorded one among its incident’s records, and leaves the others as they are', () => {
    const report = buildMonthReport(input());
    // Clipped at the month's end (I8): the hour before midnight counts, the hour after does not.
    const [early, maintenance, across] = report.overall.incidents;
    expect(across).toMatchObject({ downtimeMinutes: 60, outageIds: ['INC-ACROSS'] });
    expect(incidentRecords(across!, report.closed)).toEqual(['INC-ACROSS (open at the close)']);
    expect(incidentRecords(early!, report.closed)).toEqual(['INC-EARLY']);
    expect(incidentRecords(maintenance!, report.closed)).toEqual(['M-1']);
    // The customer's own incidents carry the same mark.
    expect(incidentRecords(report.customers[0]!.incidents.at(-1)!, report.closed)).toEqual([
      'INC-ACROSS (open at the close)',
    ]);
  });

  it('says nothing for a close without open outages, or one recorded before they were counted', () => {
    for (const old of [
      { ...close, openOutages: 0, openOutageIds: [] },
      { ...close, openOutages: undefined, openOutageIds: undefined },
    ]) {
      const report = buildMonthReport(input({ close: old }));
      expect(openAtCloseNote(report.closed)).toBe('');
      expect(report.overall.incidents.flatMap((i) => incidentRecords(i, report.closed))).toEqual([
        'INC-EARLY',
        'M-1',
        'INC-ACROSS',
      ]);
    }
    // A close that counted them but kept no ids (before migration 5): the count alone.
    const countOnly = buildMonthReport(input({ close: { ...close, openOutageIds: undefined } }));
    expect(countOnly.closed?.openOutageIds).toBeNull();
    expect(openAtCloseNote(countOnly.closed)).toBe(", 2 outages still open then, counted to the month's end");
  });
});
