/**
 * The maintenance workflow's messages (C1, I9): its id, its status query and its updates
 * (reschedule, cancel, started, ended) with their inputs and answers, shared by the workflow
 * (src/workflows/maintenance.ts) and the clients. Sandbox-safe: types only.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { WriteResult } from '../ledger/types';
import type {
  CancelMaintenance,
  EndMaintenance,
  MaintenanceState,
  RescheduleMaintenance,
  StartMaintenance,
} from '../model/maintenance';

export const maintenanceWorkflowId = (maintenanceId: string) => `maintenance-${maintenanceId}`;

export interface NoticeDelivery {
  customerId: string;
  messageId: string;
  ok: boolean;
  /** When the message was accepted (the activity's answer), null if it never was. */
  sentAt: string | null;
  recipients: number;
  detail: string;
}

export interface NoticeRound {
  version: number;
  kind: 'scheduled' | 'rescheduled' | 'cancelled';
  /** The window this round announced (or withdrew). */
  start: string;
  end: string;
  regions: string[];
  requestedAt: string;
  /** When the last successful message of the round went out. */
  sentAt: string | null;
  deliveries: NoticeDelivery[];
  /** Customers told by a reschedule that the window no longer affects them. */
  withdrawals: NoticeDelivery[];
  done: boolean;
}

export interface MaintenanceStatus {
  maintenanceId: string;
  workflowId: string;
  description: string;
  /** The window as currently announced. */
  start: string;
  end: string;
  regions: string[];
  /** 1 at scheduling, one more per reschedule and for a cancellation. */
  version: number;
  state: MaintenanceState;
  noticeHours: number;
  policyVersion: string;
  /** When the notice of the current version went out; null until it has. */
  announcedAt: string | null;
  /** C1: only a qualifying window is excluded from uptime (I9). */
  qualifies: boolean;
  qualification: string;
  noticeLeadMinutes: number | null;
  notices: NoticeRound[];
  /** When the window began: the operator's `started`, else its announced start. */
  startedAt: string | null;
  /** What the operator said; null means as announced. */
  actualStart: string | null;
  actualEnd: string | null;
  endedAt: string | null;
  /** I9: past the announced end, counted as downtime. */
  overrunMs: number;
  cancellation: { at: string; reason: string } | null;
  /** The ledger's answer when the record was written. */
  record: WriteResult | null;
}

export interface NoticeResult {
  version: number;
  announcedAt: string | null;
  qualifies: boolean;
  qualification: string;
}

export const maintenanceStatus = defineQuery<MaintenanceStatus>('status');
export const reschedule = defineUpdate<NoticeResult, [RescheduleMaintenance]>('reschedule');
export const cancel = defineUpdate<{ version: number; notified: number }, [CancelMaintenance]>('cancel');
export const started = defineUpdate<{ state: MaintenanceState; startedAt: string }, [StartMaintenance]>(
  'started',
);
export const ended = defineUpdate<{ endedAt: string; overrunMs: number }, [EndMaintenance]>('ended');

/** The window as the workflow keeps it in its memo, so that a list needs no query per window. */
export interface WindowMemo {
  start: string;
  end: string;
  regions: string[];
  version: number;
  qualifies: boolean;
}
