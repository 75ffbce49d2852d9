/**
 * The billing month's facts and side effects (C2, C14; I8–I10, I14), for billingMonthWorkflow.
 * A batch of customers is computed and written in one call and one transaction, and answers with
 * a few counts only, so that 10,000 customers keep the workflow's history small.
 *
 * Idempotency: every entry has its business key (customer, month, kind, sequence); what a
 * customer is owed is compared with what the ledger already credited (creditedTotals), so a
 * retry after the write, or a re-run of a closed month, writes nothing, and only a changed figure
 * (late outage data, I10) writes an adjustment of the difference. Entries carry the calling
 * batch's write instant, fixed by the workflow, which is how a retried notice step finds the
 * entries its batch wrote even when the retry itself wrote none.
 */
import { Context, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import type { CreditEntry, CustomerRecord, Ledger, MaintenanceRecord, OutageRecord } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import { computeCredit, formatMinor as money } from '../rules/credits';
import { regionMonth } from '../rules/customer-month';
import { accountingMonth, accountingMonthRange, type MonthUptime } from '../rules/uptime';
import type { EmailMessage } from './email';
import { openOutagesBefore } from './open-outages';

/** Notices sent at once by one batch's notice step. */
const NOTICES_IN_FLIGHT = 8;

export interface BillingDeps {
  ledger: Ledger;
  policy: () => LoadedPolicy;
  sendEmail: (message: EmailMessage) => Promise<unknown>;
  /** Where the outages still open at the close are found (visibility and their status query). */
  temporal: Client;
}

export interface BillingBatchInput {
  month: string;
  /** The last customer id of the previous batch; null for the first. */
  after: string | null;
  limit: number;
  workflowId: string;
  /** The workflow's instant for this batch (ISO): the entries' createdAt, the same on every retry. */
  writtenAt: string;
  /**
   * The outages open at the close (billingMonthStart's snapshot, the same for every batch of a
   * pass, so every customer of a region gets one figure); a record in the ledger replaces its
   * snapshot (the outage ended since).
   */
  openOutages?: OutageRecord[];
}

export interface BillingBatchResult {
  /** The batch's last customer id; null when there was nobody left. */
  through: string | null;
  customers: number;
  /** Entries this batch call wrote, on this attempt or on one that failed after its commit. */
  written: number;
  adjustments: number;
  /** Customers whose month (this call's entries) carry a credit, and the money by currency. */
  credited: number;
  creditMinorByCurrency: Record<string, number>;
  /**
   * The figures behind every customer of the batch, for the audit (C14: a month's timeline is
   * read from history alone). Compact: the uptime inputs once per region, then one row per
   * customer. Optional: a batch result without it reads as a batch without figures.
   */
  figures?: BatchFigures;
}

/** The month's uptime inputs of one deployment region (I9): the same for all its customers. */
export interface RegionUptime {
  uptimePercent: string;
  /** T, E and D of I9, in milliseconds. */
  totalMs: number;
  excludedMs: number;
  downtimeMs: number;
  outageIds: string[];
  maintenanceIds: string[];
}

/**
 * One customer of a batch: [customerId, region, currency, monthly fee, credit tier %, the
 * month's credit (minor units), what this batch wrote]. `written` is [kind, sequence, amount] of
 * the entry this batch call wrote, or null when the ledger already held that credit (a re-run),
 * or a reason when nothing could be written (a currency changed after the month was credited).
 */
export type CustomerFigures = [
  customerId: string,
  region: string,
  currency: string,
  monthlyFeeMinor: number,
  creditPercent: number,
  creditMinor: number,
  written: [kind: CreditEntry['kind'], sequence: number, amountMinor: number] | null | string,
];

export interface BatchFigures {
  policyVersion: string;
  /** The policy's month zone (I8): where the month starts and ends. */
  timeZone: string;
  regions: Record<string, RegionUptime>;
  customers: CustomerFigures[];
}

/** "YYYY-MM": exactly the months the policy's month zone defines (checked before any read). */
function checkMonth(month: string): void {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`month: expected "YYYY-MM", got ${month}`);
}

/** Uptime per deployment region: every customer of a region has the same month (I9). */
function uptimeByRegion(
  month: string,
  policy: LoadedPolicy['policy'],
  outages: OutageRecord[],
  maintenance: MaintenanceRecord[],
): (region: string) => MonthUptime {
  const cache = new Map<string, MonthUptime>();
  return (region) => {
    let u = cache.get(region);
    if (!u) {
      u = regionMonth({
        month,
        zone: policy.month.timeZone,
        noticeHours: policy.maintenanceNoticeHours,
        region,
        outages,
        maintenance,
      });
      cache.set(region, u);
    }
    return u;
  };
}

/** Deterministic per customer, month and entry, so a resent notice is recognisably the same. */
export function creditNoticeMessageId(
  e: Pick<CreditEntry, 'customerId' | 'month' | 'kind' | 'sequence'>,
): string {
  const id = e.customerId.replace(/[^A-Za-z0-9._-]/g, (c) => `=${c.charCodeAt(0).toString(16)}`);
  return `<credit-${e.month}.${id}.${e.kind}-${e.sequence}@sla-engine>`;
}

function noticeFor(customer: CustomerRecord, e: CreditEntry, zone: string): EmailMessage {
  const label = DateTime.fromISO(`${e.month}-01`, { zone }).toFormat('LLLL yyyy');
  const figures = [
    `Month: ${label} (${zone})`,
    `Measured uptime: ${e.uptimePercent} %`,
    `Credit tier: ${e.creditPercent} % of the monthly fee (${money(e.monthlyFeeMinor, e.currency)})`,
  ];
  if (e.kind === 'credit') {
    return {
      messageId: creditNoticeMessageId(e),
      to: customer.administrators,
      subject: `Service credit for ${label}: ${money(e.creditMinor, e.currency)}`,
      text: [
        `Hello ${customer.name},`,
        '',
        `Your service's uptime for ${label} was below the level of our agreement, so a service credit`,
        'is applied to your account automatically (no claim is needed).',
        '',
        ...figures,
        `Credit: ${money(e.creditMinor, e.currency)}`,
        '',
        `Reference: ${e.customerId} ${e.month} credit #${e.sequence}`,
      ].join('\n'),
    };
  }
  return {
    messageId: creditNoticeMessageId(e),
    to: customer.administrators,
    subject: `Service credit adjustment for ${label}: ${money(e.creditMinor, e.currency)}`,
    text: [
      `Hello ${customer.name},`,
      '',
      `Outage records for ${label} were completed after the month was closed; your service credit`,
      'for that month is adjusted by the amount below.',
      '',
      ...figures,
      `Adjustment: ${money(e.creditMinor, e.currency)}`,
      '',
      `Reference: ${e.customerId} ${e.month} adjustment #${e.sequence}`,
    ].join('\n'),
  };
}

export function createBillingActivities(deps: BillingDeps) {
  return {
    /**
     * How many customers the month closes over (the progress total), whether it is closed, and
     * the outages still open (I14): running outage workflows detected before the month's end,
     * each ending at the month's end here (I8: split at the boundary). A snapshot in history, so
     * every batch and the audit see the same ones.
     */
    async billingMonthStart(input: {
      month: string;
    }): Promise<{ customers: number; closed: boolean; openOutages: OutageRecord[] }> {
      checkMonth(input.month);
      const { to } = accountingMonthRange(input.month, deps.policy().policy.month.timeZone);
      const [customers, close, open] = await Promise.all([
        deps.ledger.customerCount(),
        deps.ledger.monthClose(input.month),
        openOutagesBefore(deps.temporal, to),
      ]);
      if (open.length) log.info('outages open at the month close', { month: input.month, open: open.length });
      return { customers, closed: close !== null, openOutages: open };
    },

    /**
     * One batch: each customer's uptime (their region, I9), tier and credit (I10), compared with
     * what the ledger holds: nothing yet → the month's `credit` entry (sequence 1), written even
     * at 0 so the month's figures are on record; a different credit → an `adjustment` of the
     * difference at the next sequence; the same → nothing. All of the batch in one transaction.
     */
    async closeBillingBatch(input: BillingBatchInput): Promise<BillingBatchResult> {
      checkMonth(input.month);
      const { policy, version } = deps.policy();
      const customers = await deps.ledger.customersPage({ after: input.after, limit: input.limit });
      const empty = { customers: 0, written: 0, adjustments: 0, credited: 0, creditMinorByCurrency: {} };
      if (!customers.length) return { through: null, ...empty };
      const through = customers[customers.length - 1]!.customerId;
      const range = accountingMonthRange(input.month, policy.month.timeZone);
      const [recorded, maintenance, totals] = await Promise.all([
        deps.ledger.outages(range),
        deps.ledger.maintenance(range),
        deps.ledger.creditedTotals({ month: input.month, customerRange: { after: input.after, through } }),
      ]);
      const known = new Set(recorded.map((o) => o.outageId));
      const outages = [...recorded, ...(input.openOutages ?? []).filter((o) => !known.has(o.outageId))];
      const credited = new Map(totals.map((t) => [t.customerId, t]));
      const uptimeOf = uptimeByRegion(input.month, policy, outages, maintenance);

      const entries: CreditEntry[] = [];
      const regions: Record<string, RegionUptime> = {};
      const rows: CustomerFigures[] = [];
      for (const c of customers) {
        const u = uptimeOf(c.region);
        regions[c.region] ??= {
          uptimePercent: u.uptimePercent,
          totalMs: u.totalMs,
          excludedMs: u.excludedMs,
          downtimeMs: u.downtimeMs,
          outageIds: u.countedOutageIds,
          maintenanceIds: u.qualifyingMaintenanceIds,
        };
        const credit = computeCredit(u.uptime, c.annualFeeMinor, policy.uptime.creditTiers);
        const row: CustomerFigures = [
          c.customerId,
          c.region,
          c.currency,
          credit.monthlyFeeMinor,
          credit.creditPercent,
          credit.creditMinor,
          null,
        ];
        rows.push(row);
        const before = credited.get(c.customerId);
        if (before && before.currency !== c.currency) {
          // A change of currency after close is finance's to settle; an adjustment in another
          // currency would add up amounts that cannot be added.
          log.warn('customer currency changed after the month was credited; no adjustment written', {
            customerId: c.customerId,
            month: input.month,
          });
          row[6] = `currency changed from ${before.currency} after the month was credited: nothing written`;
          continue;
        }
        const difference = credit.creditMinor - (before?.creditedMinor ?? 0);
        if (before && difference === 0) continue;
        entries.push({
          customerId: c.customerId,
          month: input.month,
          kind: before ? 'adjustment' : 'credit',
          sequence: before ? before.nextAdjustmentSequence : 1,
          currency: c.currency,
          uptimePercent: u.uptimePercent,
          creditPercent: credit.creditPercent,
          monthlyFeeMinor: credit.monthlyFeeMinor,
          creditMinor: before ? difference : credit.creditMinor,
          totalMs: u.totalMs,
          excludedMs: u.excludedMs,
          downtimeMs: u.downtimeMs,
          outageIds: u.countedOutageIds,
          maintenanceIds: u.qualifyingMaintenanceIds,
          policyVersion: version,
          workflowId: input.workflowId,
          createdAt: input.writtenAt,
        });
      }
      const { written } = await deps.ledger.appendCreditEntries(entries);

      // The summary counts this batch call's entries, whether this attempt or an earlier one
      // (crashed after its commit) wrote them: read back by the batch's write instant.
      const mine =
        written > 0 && written === entries.length ? entries : await batchEntries(deps.ledger, input, through);
      const wrote = new Map(mine.map((e) => [e.customerId, e]));
      for (const row of rows) {
        const e = wrote.get(row[0]);
        if (e) row[6] = [e.kind, e.sequence, e.creditMinor];
      }
      const creditMinorByCurrency: Record<string, number> = {};
      for (const e of mine) {
        if (e.creditMinor === 0) continue;
        creditMinorByCurrency[e.currency] = (creditMinorByCurrency[e.currency] ?? 0) + e.creditMinor;
      }
      return {
        through,
        customers: customers.length,
        written: mine.length,
        adjustments: mine.filter((e) => e.kind === 'adjustment').length,
        credited: mine.filter((e) => e.creditMinor !== 0).length,
        creditMinorByCurrency,
        figures: { policyVersion: version, timeZone: policy.month.timeZone, regions, customers: rows },
      };
    },

    /**
     * Emails a notice to the administrators of each customer whose entry from this batch carries
     * money (a credit, or an adjustment of one). Progress is heartbeated, so a retry resumes after
     * the last notice sent; a notice resent after a crash has the same Message-ID.
     */
    async sendCreditNotices(input: BillingBatchInput & { through: string }): Promise<{ sent: number }> {
      const { policy } = deps.policy();
      const due = (await batchEntries(deps.ledger, input, input.through)).filter((e) => e.creditMinor !== 0);
      // The batch's customers in one read, not one per notice.
      const customers = new Map(
        (await deps.ledger.customersPage({ after: input.after, limit: input.limit })).map((c) => [
          c.customerId,
          c,
        ]),
      );
      // Heartbeat: how many notices, from the first, are known sent; a retry starts there.
      const resumeAt = (Context.current().info.heartbeatDetails as number | undefined) ?? 0;
      const done = new Array<boolean>(due.length).fill(false);
      let prefix = resumeAt;
      let next = resumeAt;
      let sent = 0;
      // A few messages in flight: an SMTP round trip (or an outbox file) each, not a CPU cost.
      await Promise.all(
        Array.from({ length: NOTICES_IN_FLIGHT }, async () => {
          while (next < due.length) {
            const i = next++;
            const e = due[i]!;
            const customer = customers.get(e.customerId) ?? (await deps.ledger.customer(e.customerId));
            if (customer?.administrators.length) {
              await deps.sendEmail(noticeFor(customer, e, policy.month.timeZone));
              sent++;
            }
            done[i] = true;
            while (prefix < due.length && done[prefix]) prefix++;
            Context.current().heartbeat(prefix);
          }
        }),
      );
      return { sent };
    },

    /** The month's close, once (I14): a re-run finds it and leaves it as it was. */
    async recordBillingMonthClose(input: {
      month: string;
      workflowId: string;
      closedAt: string;
      customers: number;
      totalCreditMinor: number;
      openOutages?: number;
      openOutageIds?: string[];
    }): Promise<'written' | 'exists'> {
      return deps.ledger.recordMonthClose(input);
    },

    /**
     * Which month a scheduled run closes and when it may (I14): the month before the one the
     * schedule fired in (the policy's month zone), after the policy's grace period from its end.
     * An activity, so the answer — policy, zone rules — is a fact in history.
     */
    async billingMonthToClose(input: { scheduledAt: string }): Promise<{
      month: string;
      closeAt: string;
      timeZone: string;
      graceHours: number;
      policyVersion: string;
    }> {
      const { policy, version } = deps.policy();
      const fired = DateTime.fromISO(input.scheduledAt, { zone: policy.month.timeZone });
      const month = fired.startOf('month').minus({ months: 1 }).toFormat('yyyy-MM');
      const { end } = accountingMonth(month, policy.month.timeZone);
      return {
        month,
        closeAt: new Date(end + policy.month.closeGraceHours * 3_600_000).toISOString(),
        // Why that month and that instant, for the audit: the zone, the grace and the policy.
        timeZone: policy.month.timeZone,
        graceHours: policy.month.closeGraceHours,
        policyVersion: version,
      };
    },
  };
}

/** The entries one batch call wrote, found by its write instant (the same on every retry). */
function batchEntries(ledger: Ledger, input: BillingBatchInput, through: string): Promise<CreditEntry[]> {
  return ledger.creditEntries({
    month: input.month,
    customerRange: { after: input.after, through },
    createdAt: input.writtenAt,
  });
}

export type BillingActivities = ReturnType<typeof createBillingActivities>;
