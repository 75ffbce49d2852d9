/**
 * The billing workflows' messages (C2, C14; I8–I10, I14): the month's id, its start input, its
 * progress query and the late-record signal, and what the Schedule's trigger answers; shared by
 * the workflows (src/workflows/billing-month.ts), the clients and the record-writing activities
 * (src/activities/late-records.ts). Sandbox-safe: types only.
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { OutageRecord } from '../ledger/types';

export function billingMonthWorkflowId(month: string): string {
  return `billing-month-${month}`;
}

export interface BillingProgress {
  month: string;
  phase: 'closing' | 'closed';
  /** Customers in the ledger when the month started closing. */
  total: number;
  done: number;
  batches: number;
  /** Entries written by this run (credits at 0 % included) and how many were adjustments. */
  written: number;
  adjustments: number;
  /** Customers with money in this run's entries, and the money by currency (minor units). */
  credited: number;
  creditMinorByCurrency: Record<string, number>;
  noticesSent: number;
  /** Whether the month was closed before this run (a re-run: only late data adjusts it). */
  alreadyClosed: boolean;
  /** 'written' the first time; 'exists' when an earlier run closed the month. */
  monthClose: 'written' | 'exists' | null;
  /**
   * Outages still running at the close, counted from detection to the month's end (I8, I14);
   * absent from histories recorded before they were.
   */
  openOutages?: number;
  /** Which read of the month this is: 1, then one more each time late data came mid-read. */
  pass?: number;
  /** The last customer done: where the next batch (or run) starts. */
  after: string | null;
}

export interface BillingMonthInput {
  month: string;
  batchSize?: number;
  /** Carried across continue-as-new; absent on the first run. */
  progress?: BillingProgress;
  /** This pass's snapshot of the outages open at the close (billingMonthStart), for every batch. */
  openOutages?: OutageRecord[];
  /** Late records this chain was told about (`kind:id`): a repeated signal is not a new one. */
  lateSeen?: string[];
  /** A late record came after this pass had begun reading: read the month once more. */
  readAgain?: boolean;
  /** The pass a continue-as-new starts (absent: the first). */
  pass?: number;
}

/**
 * The month's workflow as those who start it see it (src/workflows/billing-month.ts has this
 * signature): the record-writing activities start it without importing the workflow.
 */
export type BillingMonthWorkflow = (input: BillingMonthInput) => Promise<BillingProgress>;

/** An outage or maintenance record written after the month's close began (I10, I14). */
export interface LateRecord {
  kind: 'outage' | 'maintenance';
  id: string;
}

export const billingProgressQuery = defineQuery<BillingProgress>('progress');
/**
 * Sent by the record-writing activities (src/activities/late-records.ts) to a running close, or
 * with the start of a re-run of a closed month: the ledger holds a record that this month's
 * figures may not include yet.
 */
export const lateRecordSignal = defineSignal<[LateRecord]>('lateRecord');

export interface BillingScheduleResult {
  month: string;
  /** false: that month's workflow had already run (e.g. by hand) and did not fail. */
  started: boolean;
  progress: BillingProgress | null;
}
