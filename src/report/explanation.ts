/**
 * One customer's credit for one month, explained from the ledger alone (C2, C14; I8–I10, I15):
 * the terms in force and when, the policy version that judges the month, each outage and
 * maintenance window counted or not and why, T, E, D, the exact ratio, the tier, fee, proration
 * and credit — the very computation the close runs (src/rules/customer-month.ts) — beside the
 * entries the ledger holds, so that finance or an auditor can redo the figure by hand and see
 * that the entries add up to it. `sla credits explain` and
 * GET /v1/credits/{month}/{customerId}/explanation answer with it.
 */
import { NotFoundError } from '../errors';
import type { CreditEntry, Ledger, MonthClose } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import type { MonthPolicies } from '../ledger/month-policy';
import { customerMonth, monthRules, type MonthExplanation } from '../rules/customer-month';
import { accountingMonthRange } from '../rules/uptime';

export interface CreditExplanation {
  month: string;
  customerId: string;
  /** The month's zone (I8), in which its instants are read. */
  zone: string;
  /** The policy that judges the month (I15); `ofTheMonth` false: no close has begun, the one in force now. */
  policy: { version: string; ofTheMonth: boolean; recordedAt: string | null };
  close: MonthClose | null;
  /** The month as the ledger's facts make it; null when no terms of the customer are in force in it. */
  computed: MonthExplanation | null;
  /** The entries written for the month, in order, and their sum. */
  entries: CreditEntry[];
  creditedMinor: number;
  /**
   * What the computation gives less what the entries hold: 0 when they agree; otherwise what the
   * next close of the month writes as an adjustment (facts recorded since the last close).
   */
  outstandingMinor: number;
  /**
   * Outages that were still open at the close and have no record in the ledger yet: the close
   * counted them to the month's end (I8, I14); this computation, from records, cannot.
   */
  openAtCloseUnrecorded: string[];
}

type ExplanationLedger = Pick<
  Ledger,
  'customerHistory' | 'outages' | 'maintenance' | 'maintenanceNotices' | 'creditEntries' | 'monthClose'
>;

export async function creditExplanation(
  ledger: ExplanationLedger,
  policies: MonthPolicies,
  current: () => LoadedPolicy,
  query: { month: string; customerId: string },
): Promise<CreditExplanation> {
  const { month, customerId } = query;
  const [history, recorded] = await Promise.all([
    ledger.customerHistory(customerId),
    policies.recorded(month),
  ]);
  if (!history.length) throw new NotFoundError(`no customer ${customerId}`);
  const loaded = recorded?.loaded ?? current();
  const range = accountingMonthRange(month, loaded.policy.month.timeZone);
  const [outages, maintenance, entries, close] = await Promise.all([
    ledger.outages(range),
    ledger.maintenance(range),
    ledger.creditEntries({ month, customerId }),
    ledger.monthClose(month),
  ]);
  const notices = maintenance.length
    ? await ledger.maintenanceNotices({ maintenanceIds: maintenance.map((m) => m.maintenanceId), customerId })
    : [];
  // The close's own computation (src/activities/billing.ts) under the month's policy.
  const computed = customerMonth({
    ...monthRules(loaded.policy),
    month,
    customerId,
    versions: history,
    outages,
    maintenance,
    notices,
  });
  const creditedMinor = entries.reduce((sum, e) => sum + e.creditMinor, 0);
  const recordedIds = new Set(outages.map((o) => o.outageId));
  return {
    month,
    customerId,
    zone: loaded.policy.month.timeZone,
    policy: {
      version: loaded.version,
      ofTheMonth: recorded !== null,
      recordedAt: recorded?.recordedAt ?? null,
    },
    close,
    computed: computed?.explanation ?? null,
    entries,
    creditedMinor,
    outstandingMinor: (computed?.credit.creditMinor ?? 0) - creditedMinor,
    openAtCloseUnrecorded: (close?.openOutageIds ?? []).filter((id) => !recordedIds.has(id)),
  };
}
