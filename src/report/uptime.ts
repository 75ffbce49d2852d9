/**
 * A month's uptime from what the ledger recorded (C1; I8, I9): the figures `sla uptime --json`
 * prints and GET /v1/uptime answers, gathered and computed in one place.
 */
import type { Ledger } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import { parseDecimal, percentBelow } from '../rules/credits';
import { regionUptimeInput } from '../rules/customer-month';
import { accountingMonthRange, dailyUptime, monthUptime } from '../rules/uptime';

const iso = (ms: number) => new Date(ms).toISOString();

export async function ledgerUptime(
  ledger: Pick<Ledger, 'outages' | 'maintenance'>,
  loaded: LoadedPolicy,
  month: string,
  region?: string,
) {
  const { policy, version } = loaded;
  const zone = policy.month.timeZone;
  const range = accountingMonthRange(month, zone);
  const [outages, maintenance] = await Promise.all([ledger.outages(range), ledger.maintenance(range)]);
  const [monthStart, monthEnd] = [Date.parse(range.from), Date.parse(range.to)];
  const input = regionUptimeInput({
    month,
    zone,
    noticeHours: policy.maintenanceNoticeHours,
    ...(region ? { region } : {}),
    outages,
    maintenance,
  });
  const figures = monthUptime(input);
  return {
    month: figures.month,
    timeZone: zone,
    region: region ?? null,
    policyVersion: version,
    totalMs: figures.totalMs,
    excludedMs: figures.excludedMs,
    downtimeMs: figures.downtimeMs,
    uptimePercent: figures.uptimePercent,
    targetPercent: policy.uptime.targetPercent,
    metTarget: !percentBelow(figures.uptime, parseDecimal(policy.uptime.targetPercent)),
    recordedOutages: outages.length,
    countedOutageIds: figures.countedOutageIds,
    qualifyingMaintenanceIds: figures.qualifyingMaintenanceIds,
    incidents: figures.incidents.map((i) => ({ ...i, start: iso(i.start), end: iso(i.end) })),
    // Each record of the month, whether it counted and how long of it falls in the month (I8):
    // the rows of the outages CSV (./csv.ts).
    outages: outages.map((o) => ({
      outageId: o.outageId,
      regions: o.regions,
      start: o.start,
      end: o.end,
      classification: o.classification,
      counted: figures.countedOutageIds.includes(o.outageId),
      msInMonth: Math.max(
        0,
        Math.min(Date.parse(o.end), monthEnd) - Math.max(Date.parse(o.start), monthStart),
      ),
      policyVersion: o.policyVersion,
    })),
    days: dailyUptime(input),
  };
}

/** A month's uptime as `sla uptime --json` prints it and the API answers it. */
export type MonthUptime = Awaited<ReturnType<typeof ledgerUptime>>;

/**
 * Each region's uptime per local day of the month (C1; I8, I9), as the report's region sections
 * chart it: the regions the customers in force at the month's end are deployed in, and any other
 * region the month's records name. What GET /v1/uptime/regions answers and ./uptime-chart.ts draws.
 */
export async function ledgerRegionDays(
  ledger: Pick<Ledger, 'outages' | 'maintenance' | 'customers'>,
  loaded: LoadedPolicy,
  month: string,
) {
  const { policy, version } = loaded;
  const zone = policy.month.timeZone;
  const range = accountingMonthRange(month, zone);
  const lastInstant = new Date(Date.parse(range.to) - 1).toISOString();
  const [outages, maintenance, customers] = await Promise.all([
    ledger.outages(range),
    ledger.maintenance(range),
    ledger.customers({ at: lastInstant }),
  ]);
  const names = [...customers, ...outages, ...maintenance].flatMap((r) =>
    'region' in r ? [r.region] : r.regions,
  );
  const regions = [...new Set(names)].sort();
  return {
    month,
    timeZone: zone,
    policyVersion: version,
    targetPercent: policy.uptime.targetPercent,
    regions: regions.map((region) => {
      const input = regionUptimeInput({
        month,
        zone,
        noticeHours: policy.maintenanceNoticeHours,
        region,
        outages,
        maintenance,
      });
      const figures = monthUptime(input);
      return {
        region,
        uptimePercent: figures.uptimePercent,
        downtimeMs: figures.downtimeMs,
        excludedMs: figures.excludedMs,
        days: dailyUptime(input),
      };
    }),
  };
}

/** Each region's daily uptime of a month, as GET /v1/uptime/regions answers it. */
export type RegionDays = Awaited<ReturnType<typeof ledgerRegionDays>>;
