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
    days: dailyUptime(input),
  };
}

/** A month's uptime as `sla uptime --json` prints it and the API answers it. */
export type MonthUptime = Awaited<ReturnType<typeof ledgerUptime>>;
