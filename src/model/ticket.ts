/**
 * The shapes support tooling sends for tickets and sessions (C6–C13). The client, the CLI, the
 * API and the workflows' update validators all parse with these schemas, so a bad field is named
 * the same way wherever it comes in, and nothing starts with it.
 */
import { z } from 'zod';
import { Level } from './level';
import {
  CALENDAR_YEAR_HINT,
  CALENDAR_YEAR_PATTERN,
  ID_HINT,
  ID_MAX,
  ID_PATTERN,
  INSTANT_HINT,
  REASON_MAX,
} from './message-checks';

/** C11: the support channels. */
export const CHANNELS = ['chat', 'meeting', 'email', 'phone'] as const;
export const Channel = z.enum(CHANNELS);
export type Channel = z.infer<typeof Channel>;

export const Id = z.string().min(1).max(ID_MAX).regex(ID_PATTERN, ID_HINT);

/** An instant with an explicit offset or Z: the one shape every input of time has. */
export const Instant = z.iso.datetime({ offset: true, message: INSTANT_HINT });

/**
 * An instant a workflow starts from, looked up in the business calendar (1971–2199): its year is
 * one the calendar covers whatever the offset, so that no accepted opening leaves a workflow
 * unable to start. A pattern, so the OpenAPI document states it too. (The messages' instants are
 * checked in the workflows as well, zod-free, by src/model/message-checks.ts.)
 */
export const CalendarInstant = Instant.regex(CALENDAR_YEAR_PATTERN, CALENDAR_YEAR_HINT);

export const OpenTicket = z.object({
  ticketId: Id,
  customerId: Id,
  requester: z.object({ name: z.string().min(1).max(200), email: z.email() }),
  subject: z.string().min(1).max(500),
  body: z.string().max(100_000),
  channel: Channel,
  /** C12 / I13: answering needs access to the customer's data. */
  needsDataAccess: z.boolean(),
  /** An agent's level, bypassing classification. */
  level: Level.optional(),
  /** When the customer opened it (the helpdesk's time); defaults to when the engine hears of it. */
  openedAt: CalendarInstant.optional(),
});
export type OpenTicket = z.infer<typeof OpenTicket>;

/** C10 / I11: what classification reads of a ticket, within the limits of its opening. */
export const ClassifyTicket = OpenTicket.pick({ subject: true, body: true }).extend({
  // A preview may give the subject alone, as `sla classify` does without --body.
  body: OpenTicket.shape.body.default(''),
});
export type ClassifyTicket = z.input<typeof ClassifyTicket>;

/** Every message carries a request id: a retried or duplicated message is applied once. */
const Message = z.object({ requestId: Id });

export const Assign = Message.extend({ responderId: Id });
export const FirstResponse = Message.extend({ responderId: Id, at: Instant.optional() });
export const Reply = Message.extend({ from: z.enum(['agent', 'customer']), at: Instant.optional() });
export const Resolve = Message.extend({ responderId: Id, at: Instant.optional() });
export const Reopen = Message.extend({ reason: z.string().min(1).max(REASON_MAX) });
export const Escalate = Message.extend({ by: Id, reason: z.string().min(1).max(REASON_MAX) });
export const Reclassify = Message.extend({ level: Level, by: Id, reason: z.string().min(1).max(REASON_MAX) });

export type Assign = z.infer<typeof Assign>;
export type FirstResponse = z.infer<typeof FirstResponse>;
export type Reply = z.infer<typeof Reply>;
export type Resolve = z.infer<typeof Resolve>;
export type Reopen = z.infer<typeof Reopen>;
export type Escalate = z.infer<typeof Escalate>;
export type Reclassify = z.infer<typeof Reclassify>;

export const OpenSession = z.object({
  sessionId: Id,
  ticketId: Id.optional(),
  channel: z.enum(['chat', 'meeting', 'phone']),
  responderId: Id,
});
export type OpenSession = z.infer<typeof OpenSession>;
export const EndSession = Message;
export type EndSession = z.infer<typeof EndSession>;

/**
 * The state of a ticket's SLA, also the SlaState search attribute. `held`: a Canada-only ticket
 * waiting for a Canada-based responder of its level to come on duty (I13).
 */
export const SLA_STATES = ['on-track', 'held', 'at-risk', 'breached', 'met', 'suspended'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/**
 * A ticket listing from Temporal's visibility store. Every value here is checked (an enum, an id
 * pattern, an instant) before it is put into a visibility query: nothing unchecked is spliced in.
 */
export const ListTickets = z
  .object({
    state: z.enum(SLA_STATES).optional(),
    customerId: Id.optional(),
    level: Level.optional(),
    channel: Channel.optional(),
    /** Only tickets assigned to this responder (roster id). */
    assigneeId: Id.optional(),
    /** Only tickets assigned to nobody (of those that publish their assignee). */
    unassigned: z.boolean().optional(),
    /** Only tickets whose workflow still runs (open, or resolved within the reopen window). */
    open: z.boolean().optional(),
    /** Only tickets due before this instant. */
    dueBefore: Instant.optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .refine((f) => !(f.unassigned && f.assigneeId), {
    path: ['unassigned'],
    message: 'either an assignee or unassigned, not both',
  });
export type ListTickets = z.input<typeof ListTickets>;
