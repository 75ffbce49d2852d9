/**
 * The billing month's facts and side effects (C2, C14; I8–I10, I14), for billingMonthWorkflow.
 * A batch of customers is computed and written in one call and one transaction, and answers with
 * a few counts only, so that 10,000 customers keep the workflow's history small.
 *
 * Idempotency: every entry has its business key (customer, month, kind, sequence); what a
 * customer is owed is compared with what the ledger already credited (creditedTotals), so a
 * retry after the write, or a re-run of a closed month, writes nothing, and only a changed figure
 * (late outage data, I10) writes an adjustment of the difference. A month is judged by the policy
 * recorded at its first close and by each customer's terms in force during it (I15), both fixed in
 * the ledger, so a re-run with no new facts writes nothing. Entries carry the calling
 * batch's write instant, fixed by the workflow, which is how a retried notice step finds the
 * entries its batch wrote even when the retry itself wrote none.
 */
import { Context, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import type { CreditEntry, CustomerRecord, Ledger, OutageRecord } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import { monthPolicies } from '../ledger/month-policy';
import { labels, monthCloseEntries, monthCloseSeconds } from '../metrics/registry';
import { formatMinor as money } from '../rules/credits';
import { customerMonth, monthRules, type CustomerMonth } from '../rules/customer-month';
import { byCustomer } from '../rules/ledger-inputs';
import { accountingMonth, accountingMonthRange, type MonthUptime } from '../rules/uptime';
import type { EmailMessage } from './email';
import { openOutagesBefore } from './open-outages';

/**
 * sla_month_close_seconds: from the close's workflow start to its close record, once (the write
 * that is 'written'). The start is the workflow's, asked of Temporal: a fact of the run, not of
 * this process, so any worker may observe it. Not fatal: the close is recorded already.
 */
async function observeMonthClose(temporal: Client, workflowId: string): Promise<void> {
  try {
    const { startTime } = await temporal.workflow.getHandle(workflowId).describe();
    monthCloseSeconds.observe(Math.max(0, Date.now() - startTime.getTime()) / 1000);
  } catch (err) {
    log.warn('month close duration not observed', { workflowId, error: (err as Error).message });
  }
}

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
 * One customer of a batch: [customerId, region(s) in force, currency, monthly fee, credit tier %,
 * the month's credit (minor units), what this batch wrote, its uptime figure]. `written` is
 * [kind, sequence, amount] of the entry this batch call wrote, or null when the ledger already
 * held that credit (a re-run), or a reason when nothing could be written (a currency that differs
 * from the month's earlier entries).
 */
export type CustomerFigures = [
  customerId: string,
  region: string,
  currency: string,
  monthlyFeeMinor: number,
  creditPercent: number,
  creditMinor: number,
  written: [kind: CreditEntry['kind'], sequence: number, amountMinor: number] | null | string,
  /** The customer's uptime among BatchFigures.uptimes; absent: the region's in BatchFigures.regions. */
  uptime?: number,
];

export interface BatchFigures {
  policyVersion: string;
  /** The policy's month zone (I8): where the month starts and ends. */
  timeZone: string;
  /** The uptime of each region, in batches whose customers all had their region's figure. */
  regions: Record<string, RegionUptime>;
  /** Each customer's own month (I9 per customer, I15): the distinct figures of the batch. */
  uptimes?: RegionUptime[];
  customers: CustomerFigures[];
}

/** The regions in force over the customer's month, in order ("ca-central", "ca-central→eu-west"). */
function regionsOf(month: CustomerMonth): string {
  return month.regions.join('→');
}

/** "YYYY-MM": exactly the months the policy's month zone defines (checked before any read). */
function checkMonth(month: string): void {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new RangeError(`month: expected "YYYY-MM", got ${month}`);
}

/**
 * The batch's distinct uptime figures: customers of a region whose notices all arrived share one,
 * so a batch result names each figure once and its customers point at it.
 */
class UptimeFigures {
  readonly list: RegionUptime[] = [];
  private readonly index = new Map<string, number>();
  of(u: MonthUptime): number {
    const figure: RegionUptime = {
      uptimePercent: u.uptimePercent,
      totalMs: u.totalMs,
      excludedMs: u.excludedMs,
      downtimeMs: u.downtimeMs,
      outageIds: u.countedOutageIds,
      maintenanceIds: u.qualifyingMaintenanceIds,
    };
    const key = JSON.stringify(figure);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.list.length;
      this.list.push(figure);
      this.index.set(key, i);
    }
    return i;
  }
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
  const months = monthPolicies(deps.ledger, deps.policy);

  /** Where each batch customer's notice goes: the administrators in force now, else the last ones. */
  async function recipients(customerIds: string[], after: string | null, limit: number) {
    const now = new Map(
      (await deps.ledger.customersPage({ after, limit })).map((c) => [c.customerId, c] as const),
    );
    const out = new Map<string, CustomerRecord>();
    for (const id of customerIds) {
      // Beyond the page (customers who joined since the month take places in it), one read each.
      const inForce = now.get(id) ?? (await deps.ledger.customer(id));
      if (inForce) {
        out.set(id, inForce);
        continue;
      }
      // The contract ended since the month: its last terms still say who to tell (I15).
      const last = (await deps.ledger.customerHistory(id)).filter((v) => v.terms !== null).pop();
      if (last?.terms) out.set(id, { customerId: id, ...last.terms });
    }
    return out;
  }

  return {
    /**
     * How many customers the month closes over (the progress total: those in force for some part
     * of it, I15), whether it is closed, the policy that judges it (recorded by its first close),
     * and the outages still open (I14): running outage workflows detected before the month's end,
     * each ending at the month's end here (I8: split at the boundary). A snapshot in history, so
     * every batch and the audit see the same ones.
     */
    async billingMonthStart(input: { month: string }): Promise<{
      customers: number;
      closed: boolean;
      openOutages: OutageRecord[];
      policyVersion: string;
    }> {
      checkMonth(input.month);
      const judged = await months.judge(input.month);
      const range = accountingMonthRange(input.month, judged.policy.month.timeZone);
      const [customers, close, open] = await Promise.all([
        deps.ledger.customerCount(range),
        deps.ledger.monthClose(input.month),
        openOutagesBefore(deps.temporal, range.to),
      ]);
      if (open.length) log.info('outages open at the month close', { month: input.month, open: open.length });
      return { customers, closed: close !== null, openOutages: open, policyVersion: judged.version };
    },

    /**
     * One batch: each customer's month as its terms in force and its notices say (I9, I15), tier
     * and credit (I10) by the month's policy, compared with what the ledger holds: nothing yet →
     * the month's `credit` entry (sequence 1), written even at 0 so the month's figures are on
     * record; a different credit → an `adjustment` of the difference at the next sequence; the
     * same → nothing. All of the batch in one transaction.
     */
    async closeBillingBatch(input: BillingBatchInput): Promise<BillingBatchResult> {
      checkMonth(input.month);
      const { policy, version } = await months.judge(input.month);
      const range = accountingMonthRange(input.month, policy.month.timeZone);
      const page = await deps.ledger.customerTermsPage({ after: input.after, limit: input.limit, range });
      const empty = { customers: 0, written: 0, adjustments: 0, credited: 0, creditMinorByCurrency: {} };
      if (!page.length) return { through: null, ...empty };
      const through = page[page.length - 1]!.customerId;
      const customerRange = { after: input.after, through };
      const [recorded, maintenance, totals] = await Promise.all([
        deps.ledger.outages(range),
        deps.ledger.maintenance(range),
        deps.ledger.creditedTotals({ month: input.month, customerRange }),
      ]);
      const notices = maintenance.length
        ? await deps.ledger.maintenanceNotices({
            maintenanceIds: maintenance.map((m) => m.maintenanceId),
            customerRange,
          })
        : [];
      const known = new Set(recorded.map((o) => o.outageId));
      const outages = [...recorded, ...(input.openOutages ?? []).filter((o) => !known.has(o.outageId))];
      const credited = new Map(totals.map((t) => [t.customerId, t]));
      const noticesOf = byCustomer(notices);

      const entries: CreditEntry[] = [];
      const uptimes = new UptimeFigures();
      const rows: CustomerFigures[] = [];
      for (const { customerId, versions } of page) {
        const month = customerMonth({
          ...monthRules(policy),
          month: input.month,
          customerId,
          versions,
          outages,
          maintenance,
          notices: noticesOf.get(customerId) ?? [],
        });
        if (!month) continue;
        const { uptime: u, credit, fee } = month;
        const row: CustomerFigures = [
          customerId,
          regionsOf(month),
          fee.currency,
          credit.monthlyFeeMinor,
          credit.creditPercent,
          credit.creditMinor,
          null,
          uptimes.of(u),
        ];
        rows.push(row);
        const before = credited.get(customerId);
        if (before && before.currency !== fee.currency) {
          // Terms for a closed month are fixed (I15), so this is a month credited before terms
          // were versions; an adjustment in another currency would add amounts that cannot be added.
          log.warn("currency differs from the month's credited entries; no adjustment written", {
            customerId,
            month: input.month,
          });
          row[6] = `currency ${fee.currency} differs from ${before.currency} already credited for the month: nothing written`;
          continue;
        }
        const difference = credit.creditMinor - (before?.creditedMinor ?? 0);
        if (before && difference === 0) continue;
        entries.push({
          customerId,
          month: input.month,
          kind: before ? 'adjustment' : 'credit',
          sequence: before ? before.nextAdjustmentSequence : 1,
          currency: fee.currency,
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
      // Counted by the attempt that wrote them: the batch is one transaction, so a retry after a
      // commit writes none and counts none.
      if (written > 0 && written === entries.length)
        for (const e of entries) monthCloseEntries.inc(labels({ entry: e.kind }));

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
        customers: page.length,
        written: mine.length,
        adjustments: mine.filter((e) => e.kind === 'adjustment').length,
        credited: mine.filter((e) => e.creditMinor !== 0).length,
        creditMinorByCurrency,
        figures: {
          policyVersion: version,
          timeZone: policy.month.timeZone,
          regions: {},
          uptimes: uptimes.list,
          customers: rows,
        },
      };
    },

    /**
     * Emails a notice to the administrators of each customer whose entry from this batch carries
     * money (a credit, or an adjustment of one): those in force when it is sent (I15). Progress is
     * heartbeated, so a retry resumes after the last notice sent; a notice resent after a crash
     * has the same Message-ID.
     */
    async sendCreditNotices(input: BillingBatchInput & { through: string }): Promise<{ sent: number }> {
      const { policy } = await months.judge(input.month);
      const due = (await batchEntries(deps.ledger, input, input.through)).filter((e) => e.creditMinor !== 0);
      // The batch's customers in one read, not one per notice.
      const customers = await recipients(
        due.map((e) => e.customerId),
        input.after,
        input.limit,
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
            const customer = customers.get(e.customerId);
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
      const result = await deps.ledger.recordMonthClose(input);
      if (result === 'written') await observeMonthClose(deps.temporal, input.workflowId);
      return result;
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
