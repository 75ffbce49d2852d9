/**
 * The ticket workflow's messages (C6–C8, C10–C13; I5, I6, I11): its id, its status query and its
 * updates with their inputs and answers. The workflow (src/workflows/ticket.ts) sets its handlers
 * with these definitions and the clients send with them, so a change of a message's type fails the
 * type-check of every user. Sandbox-safe: types only from src/model, no zod values.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Level, TicketClock } from '../model/level';
import type {
  Assign,
  Escalate,
  FirstResponse,
  Reclassify,
  Reopen,
  Reply,
  Resolve,
  SlaState,
} from '../model/ticket';

export const ticketWorkflowId = (ticketId: string) => `ticket-${ticketId}`;

/** A step of the escalation plan, as the clock lookup answered it (I5, I6). */
export interface PlannedStep {
  id: string;
  kind: 'warning' | 'breach';
  fireAt: string;
  audience: string;
  channels: ('email' | 'page')[];
  reason: string;
}

/** A holiday window between opening and deadline: why the clock ran as it did. */
export interface HolidayWindow {
  date: string;
  country: string;
  name: string;
  start: string;
  end: string;
}

export interface FiredStep {
  id: string;
  kind: 'warning' | 'breach' | 'manual' | 'suspension';
  /** When the plan said (null for manual and suspension notices) and when it fired. */
  plannedAt: string | null;
  at: string;
  reason: string;
  deliveries: { channel: 'email' | 'page'; to: string; ok: boolean; detail: string }[];
}

export interface TicketStatus extends TicketClock {
  ticketId: string;
  channel: string;
  state: SlaState;
  status: 'open' | 'resolved';
  assigneeId: string | null;
  canadaOnly: boolean;
  suspendedReason: string | null;
  firstResponse: { at: string; by: string; coverageMinutes: number; met: boolean } | null;
  plan: PlannedStep[];
  holidayWindows: HolidayWindow[];
  stepsFired: FiredStep[];
  reclassifications: { at: string; from: Level; to: Level; by: string; reason: string }[];
  resolutions: number;
}

export const ticketStatus = defineQuery<TicketStatus>('status');
export const assign = defineUpdate<{ assigneeId: string }, [Assign]>('assign');
export const firstResponse = defineUpdate<
  { met: boolean | null; coverageMinutes: number; state: SlaState },
  [FirstResponse]
>('firstResponse');
export const reply = defineUpdate<{ replies: number }, [Reply]>('reply');
export const resolve = defineUpdate<{ resolution: number }, [Resolve]>('resolve');
export const reopen = defineUpdate<{ status: 'open' }, [Reopen]>('reopen');
export const escalate = defineUpdate<{ stepId: string }, [Escalate]>('escalate');
export const reclassify = defineUpdate<{ level: Level; due: string; state: SlaState }, [Reclassify]>(
  'reclassify',
);
