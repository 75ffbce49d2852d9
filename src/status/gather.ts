/**
 * The public status from what the engine holds: running outages and maintenance from Temporal
 * through SlaClient (their status queries), resolved ones from the ledger, as the monthly report
 * reads them (src/report/uptime.ts), and uptime computed by the engine's own rules
 * (rules/uptime: dailyUptime for each day, monthUptime clipped to now for the month so far, I8,
 * I9). Everything passes through ./public.ts, the allow-list, before it leaves this file.
 */
import { DateTime } from 'luxon';
import type { SlaClient } from '../client';
import type { Ledger, MaintenanceRecord, OutageRecord } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import { creditTier, parseDecimal, percentBelow } from '../rules/credits';
import { regionUptimeInput } from '../rules/customer-month';
import { accountingMonth, accountingMonthRange, dailyUptime, monthUptime } from '../rules/uptime';
import {
  publicId,
  publicIncident,
  regionState,
  type PublicDay,
  type PublicIncident,
  type PublicMaintenance,
  type PublicRegion,
  type PublicStatus,
} from './public';

/** The days of uptime history the page shows. */
export const HISTORY_DAYS = 90;

export interface StatusSources {
  sla: SlaClient;
  ledger: Pick<Ledger, 'outages' | 'maintenance'>;
  policy: LoadedPolicy;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The accounting months (I8) that hold the last `days` local days up to `now`, oldest first. */
function monthsBack(now: number, zone: string, days: number): string[] {
  const today = DateTime.fromMillis(now, { zone });
  const months: string[] = [];
  for (let m = today.minus({ days: days - 1 }).startOf('month'); m <= today; m = m.plus({ months: 1 }))
    months.push(m.toFormat('yyyy-MM'));
  return months;
}

/** A day's uptime coloured by the tier it would earn as a month (C2, I10): the page's legend. */
function dayOf(d: { date: string; uptimePercent: string }, policy: LoadedPolicy['policy']): PublicDay {
  const percent = parseDecimal(d.uptimePercent);
  // uptimePercent is truncated to the tiers' own decimals, so it lies on the same side of each (I10).
  const tier = creditTier(
    { numerator: percent.numerator, denominator: percent.denominator * 100n },
    policy.uptime.creditTiers,
  );
  return { date: d.date, uptimePercent: d.uptimePercent, creditPercent: tier?.creditPercent ?? null };
}

/** An open outage as the uptime rules read a record: down from detection to now. */
function openAsRecord(i: PublicIncident, now: number): OutageRecord {
  return {
    outageId: i.id,
    start: i.startedAt,
    end: iso(Math.max(now, Date.parse(i.startedAt))),
    classification: i.classification,
    regions: i.regions,
    engagedAt: null,
    engagedBy: null,
    engagementMet: false,
    classificationHistory: [],
    policyVersion: '',
    workflowId: '',
  };
}

async function openIncidents(sla: SlaClient): Promise<PublicIncident[]> {
  const open = await sla.outages.listOutages({ open: true, limit: 100 });
  const statuses = await Promise.all(open.map((o) => sla.outages.outageStatus(o.outageId).catch(() => null)));
  return statuses.flatMap((s) => (s && s.state !== 'resolved' ? [publicIncident({ ...s, end: null })] : []));
}

/** Windows still running in Temporal whose notice went out (C1): the others are never public. */
async function announcedWindows(sla: SlaClient, now: number): Promise<PublicMaintenance[]> {
  const windows = await sla.maintenance.listMaintenance({});
  const running = windows.filter((w) => w.state !== 'completed' && w.state !== 'cancelled');
  const statuses = await Promise.all(
    running.map((w) => sla.maintenance.maintenanceStatus(w.maintenanceId).catch(() => null)),
  );
  return statuses.flatMap((s) => {
    if (!s?.announcedAt) return [];
    const started = s.state !== 'scheduled' || Date.parse(s.start) <= now;
    return [
      {
        id: publicId(s.workflowId),
        regions: [...s.regions].sort(),
        start: s.start,
        end: s.end,
        announcedAt: s.announcedAt,
        state: started ? 'in_progress' : 'scheduled',
      },
    ];
  });
}

const completedWindow = (m: MaintenanceRecord): PublicMaintenance[] =>
  m.status === 'completed' && m.announcedAt
    ? [
        {
          id: publicId(m.workflowId),
          regions: [...m.regions].sort(),
          start: m.start,
          end: m.end,
          announcedAt: m.announcedAt,
          state: 'completed',
        },
      ]
    : [];

export async function gatherStatus(src: StatusSources, now: number): Promise<PublicStatus> {
  const { policy } = src.policy;
  const zone = policy.month.timeZone;
  const months = monthsBack(now, zone, HISTORY_DAYS);
  const [open, running, customers, recorded] = await Promise.all([
    openIncidents(src.sla),
    announcedWindows(src.sla, now),
    src.sla.customers.list(),
    Promise.all(
      months.map(async (month) => {
        const range = accountingMonthRange(month, zone);
        const [outages, maintenance] = await Promise.all([
          src.ledger.outages(range),
          src.ledger.maintenance(range),
        ]);
        return { month, outages, maintenance };
      }),
    ),
  ]);
  const openRecords = open.map((i) => openAsRecord(i, now));
  const byId = <T extends { id: string }>(rows: T[]) => [...new Map(rows.map((r) => [r.id, r])).values()];
  const resolved = byId(
    recorded.flatMap((r) => r.outages.map((o) => publicIncident({ ...o, detectedAt: o.start, end: o.end }))),
  ).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  const completed = byId(recorded.flatMap((r) => r.maintenance.flatMap(completedWindow)));
  const maintenance = [...completed, ...running].sort((a, b) => a.start.localeCompare(b.start));

  const regionNames = [
    ...new Set([
      ...customers.map((c) => c.region),
      ...[...open, ...resolved, ...maintenance].flatMap((r) => r.regions),
    ]),
  ].sort();
  const today = DateTime.fromMillis(now, { zone }).toFormat('yyyy-MM-dd');
  const regions = regionNames.map((name): PublicRegion => {
    const days: PublicDay[] = [];
    let current: PublicRegion['month'] | undefined;
    for (const { month, outages, maintenance: windows } of recorded) {
      const input = regionUptimeInput({
        month,
        zone,
        noticeHours: policy.maintenanceNoticeHours,
        region: name,
        outages: [...outages, ...openRecords],
        maintenance: windows,
      });
      days.push(
        ...dailyUptime(input)
          .filter((d) => d.date <= today)
          .map((d) => dayOf(d, policy)),
      );
      const { start, end } = accountingMonth(month, zone);
      if (now < start || now >= end) continue;
      // The month so far: T runs to now, not to the month's end (I8).
      const soFar = monthUptime({
        ...input,
        periods: [{ start, end: Math.max(start + 1, now), region: name }],
      });
      current = {
        month,
        uptimePercent: soFar.uptimePercent,
        targetPercent: policy.uptime.targetPercent,
        metTarget: !percentBelow(soFar.uptime, parseDecimal(policy.uptime.targetPercent)),
      };
    }
    return {
      name,
      state: regionState(name, open, maintenance),
      days: days.slice(-HISTORY_DAYS),
      month: current!,
    };
  });
  return {
    generatedAt: iso(now),
    timeZone: zone,
    targetPercent: policy.uptime.targetPercent,
    tiers: policy.uptime.creditTiers.map((t) => ({ below: t.below, creditPercent: t.creditPercent })),
    regions,
    incidents: [...open, ...resolved.filter((r) => !open.some((o) => o.id === r.id))],
    maintenance,
  };
}
