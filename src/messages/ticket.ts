/**
 * The ticket workflow's messages (C6–C8, C10–C13; I5, I6, I11): its id, its status query and its
 * updates with their inputs and answers. The workflow (src/workflows/ticket.ts) sets its handlers
 * with these definitions and the clients send with them, so a change of a message's type fails the
 * type-check of every user. Sandbox-safe: types only from src/model, no zod values.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { EligibleDuty } from '../calendar/business-calendar';
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

/**
 * I13: a Canada-only ticket's coverage as decided with the roster in force then (at the opening,
 * again at a reclassification): recorded in history, so the clock, the measurement of its first
 * response and an audit all read the same duty.
 */
export interface ResidencyFacts {
  /** When a Canada-based responder of the ticket's level is on duty (the roster's stretches, merged). */
  duty: EligibleDuty;
  /** The clock waits past the plain coverage start for such a responder: held until then. */
  heldUntil: string | null;
  /** No such time within the policy's look-ahead from the opening: the SLA is suspended. */
  suspendedReason: string | null;
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
  /** I13: waiting for a Canada-based responder of its level to be on duty, until this instant. */
  heldUntil: string | null;
  /** I13: the duty its coverage is restricted to (null: not a Canada-only ticket). */
  eligibleDuty: EligibleDuty | null;
  suspendedReason: string | null;
  firstResponse: { at: string; by: string; coverageMinutes: number; met: boolean } | null;
  plan: PlannedStep[];
  holidayWindows: HolidayWindow[];
  stepsFired: FiredStep[];
  reclassifications: { at: string; from: Level; to: Level; by: string; reason: string }[];
  resolutions: number;
  /** The latest replies (at most the workflow's REPLIES_KEPT), oldest first, and how many in all. */
  replies: { at: string; from: Reply['from'] }[];
  replyCount: number;
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
