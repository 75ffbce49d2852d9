/**
 * Tickets and support sessions (C6–C8, C10–C13; I5, I6, I11, I12): every input parsed once here
 * with the schemas of src/model (the workflows' validators check the same rules), every message
 * sent with its definition from src/messages, applied once per requestId.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { InvalidInputError } from '../errors';
import {
  endSession,
  sessionStatus,
  sessionWorkflowId,
  type SessionEnded,
  type SessionStatus,
} from '../messages/session';
import {
  assign,
  escalate,
  firstResponse,
  reclassify,
  reopen,
  reply,
  resolve,
  ticketStatus,
  ticketWorkflowId,
  type TicketStatus,
} from '../messages/ticket';
import {
  Assign,
  EndSession,
  Escalate,
  FirstResponse,
  ListTickets,
  OpenSession,
  OpenTicket,
  Reclassify,
  Reopen,
  Reply,
  Resolve,
  SLA_STATES,
  type SlaState,
} from '../model/ticket';
import { SlaCustomer, SlaDueAt, SlaLevel, SlaState as SlaStateKey } from '../search-attributes';
import {
  Calls,
  isOneOf,
  MAX_CLOCK_SKEW_MS,
  notFound,
  parse,
  parseId,
  type ClientOptions,
  type ClientSource,
} from './calls';

export interface TicketListItem {
  ticketId: string;
  workflowId: string;
  customerId: string | null;
  level: string | null;
  state: SlaState | null;
  due: string | null;
  /** Temporal's execution status: RUNNING while open or inside its reopen window. */
  status: string;
  openedAt: string;
  closedAt: string | null;
}

export class TicketClient {
  private readonly calls: Calls;

  constructor(client: ClientSource, taskQueue: string, options: ClientOptions = {}) {
    this.calls = new Calls(client, taskQueue, options);
  }

  /** Opens a ticket; opening the same ticket id again returns the running workflow. */
  async openTicket(input: unknown): Promise<{ workflowId: string; created: boolean }> {
    const ticket = parse(OpenTicket, input);
    const now = this.calls.now();
    const openedAt = new Date(ticket.openedAt ?? now).toISOString();
    if (Date.parse(openedAt) > now + MAX_CLOCK_SKEW_MS) {
      throw new InvalidInputError([{ path: 'openedAt', message: 'must not be in the future' }]);
    }
    return this.calls.startWorkflow('ticketWorkflow', {
      ...this.calls.startOptions(),
      workflowId: ticketWorkflowId(ticket.ticketId),
      args: [{ ...ticket, openedAt }],
      // Customer id only: no personal data in search attributes.
      typedSearchAttributes: [
        { key: SlaCustomer, value: ticket.customerId },
        ...(ticket.level ? [{ key: SlaLevel, value: ticket.level }] : []),
        { key: SlaStateKey, value: 'on-track' },
      ],
    });
  }

  /** One message to a ticket: its id and body parsed, then sent with its definition. */
  private async update<R, S extends z.ZodType<{ requestId: string }>>(
    ticketId: unknown,
    update: UpdateDefinition<R, [z.infer<S>]>,
    schema: S,
    message: unknown,
  ): Promise<R> {
    const id = parseId('ticketId', ticketId);
    return this.calls.update(ticketWorkflowId(id), update, parse(schema, message), notFound(`ticket ${id}`));
  }

  assign(ticketId: string, message: unknown) {
    return this.update(ticketId, assign, Assign, message);
  }
  /** The first response: stops the clock and records met or breached (I5, I6). */
  recordFirstResponse(ticketId: string, message: unknown) {
    return this.update(ticketId, firstResponse, FirstResponse, message);
  }
  reply(ticketId: string, message: unknown) {
    return this.update(ticketId, reply, Reply, message);
  }
  resolve(ticketId: string, message: unknown) {
    return this.update(ticketId, resolve, Resolve, message);
  }
  reopen(ticketId: string, message: unknown) {
    return this.update(ticketId, reopen, Reopen, message);
  }
  escalate(ticketId: string, message: unknown) {
    return this.update(ticketId, escalate, Escalate, message);
  }
  /** A new level, with the clock recomputed from the original opening (I11). */
  reclassify(ticketId: string, message: unknown) {
    return this.update(ticketId, reclassify, Reclassify, message);
  }

  ticketStatus(ticketId: string): Promise<TicketStatus> {
    const id = parseId('ticketId', ticketId);
    return this.calls.status(ticketWorkflowId(id), ticketStatus, notFound(`ticket ${id}`));
  }

  /**
   * Tickets from Temporal's visibility store (search attributes, no worker, no replay), soonest
   * due first: e.g. every breached ticket of one customer.
   */
  async listTickets(filter: ListTickets = {}): Promise<TicketListItem[]> {
    const f = parse(ListTickets, filter);
    // Every value below passed the schema (enums, the id pattern, an instant).
    const query = [
      `WorkflowType = 'ticketWorkflow'`,
      ...(f.state ? [`SlaState = '${f.state}'`] : []),
      ...(f.customerId ? [`SlaCustomer = '${f.customerId}'`] : []),
      ...(f.level ? [`SlaLevel = '${f.level}'`] : []),
      ...(f.open ? [`ExecutionStatus = 'Running'`] : []),
      ...(f.dueBefore ? [`SlaDueAt < '${new Date(f.dueBefore).toISOString()}'`] : []),
    ].join(' AND ');
    const items = await this.calls.list(query, f.limit, 'tickets', (info) => {
      const due = info.typedSearchAttributes.get(SlaDueAt);
      const state = info.typedSearchAttributes.get(SlaStateKey);
      return {
        ticketId: info.workflowId.slice('ticket-'.length),
        workflowId: info.workflowId,
        customerId: info.typedSearchAttributes.get(SlaCustomer) ?? null,
        level: info.typedSearchAttributes.get(SlaLevel) ?? null,
        state: isOneOf(SLA_STATES, state) ? state : null,
        due: due ? due.toISOString() : null,
        status: info.status.name,
        openedAt: info.startTime.toISOString(),
        closedAt: info.closeTime?.toISOString() ?? null,
      };
    });
    // Visibility's order is by start time; whoever reads a list of tickets wants the next due first.
    return items.sort(
      (a, b) => (a.due ?? '~').localeCompare(b.due ?? '~') || a.ticketId.localeCompare(b.ticketId),
    );
  }

  async openSession(input: unknown): Promise<{ workflowId: string; created: boolean }> {
    const session = parse(OpenSession, input);
    return this.calls.startWorkflow('sessionWorkflow', {
      ...this.calls.startOptions(),
      workflowId: sessionWorkflowId(session.sessionId),
      args: [session],
    });
  }

  /** Ends a session; ending it again answers the same end (the update is idempotent). */
  endSession(sessionId: string, requestId: string): Promise<SessionEnded> {
    const id = parseId('sessionId', sessionId);
    const message = parse(EndSession, { requestId });
    return this.calls.update(sessionWorkflowId(id), endSession, message, notFound(`session ${id}`));
  }

  sessionStatus(sessionId: string): Promise<SessionStatus> {
    const id = parseId('sessionId', sessionId);
    return this.calls.status(sessionWorkflowId(id), sessionStatus, notFound(`session ${id}`));
  }
}
