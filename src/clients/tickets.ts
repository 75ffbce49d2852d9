/**
 * Tickets and support sessions (C6–C8, C10–C13; I5, I6, I11, I12): every input parsed once here
 * with the schemas of src/model (the workflows' validators check the same rules), every message
 * sent with its definition from src/messages, applied once per requestId.
 */
import { InvalidInputError } from '../errors';
import * as session from '../messages/session';
import * as ticket from '../messages/ticket';
import * as model from '../model/ticket';
import {
  SlaAssignee,
  SlaChannel,
  SlaCustomer,
  SlaDueAt,
  SlaLevel,
  SlaNextStepAt,
  SlaState,
} from '../search-attributes';
import { Calls, isOneOf, MAX_CLOCK_SKEW_MS, notFound, parse, parseId } from './calls';

export interface TicketListItem {
  ticketId: string;
  workflowId: string;
  customerId: string | null;
  level: string | null;
  state: model.SlaState | null;
  due: string | null;
  /** Published by tickets opened since the queue's attributes exist (null before, and unassigned). */
  channel: string | null;
  assigneeId: string | null;
  /** When the next escalation step fires; null once the clock stops or no step is left. */
  nextStepAt: string | null;
  /** Temporal's execution status: RUNNING while open or inside its reopen window. */
  status: string;
  openedAt: string;
  closedAt: string | null;
}

export class TicketClient extends Calls {
  /** Opens a ticket; opening the same ticket id again returns the running workflow. */
  async openTicket(input: unknown): Promise<{ workflowId: string; created: boolean }> {
    const opened = parse(model.OpenTicket, input);
    const now = this.now();
    const openedAt = new Date(opened.openedAt ?? now).toISOString();
    if (Date.parse(openedAt) > now + MAX_CLOCK_SKEW_MS) {
      throw new InvalidInputError([{ path: 'openedAt', message: 'must not be in the future' }]);
    }
    return this.startWorkflow('ticketWorkflow', {
      ...this.startOptions(),
      workflowId: ticket.ticketWorkflowId(opened.ticketId),
      args: [{ ...opened, openedAt }],
      // Customer id only: no personal data in search attributes.
      typedSearchAttributes: [
        { key: SlaCustomer, value: opened.customerId },
        ...(opened.level ? [{ key: SlaLevel, value: opened.level }] : []),
        { key: SlaState, value: 'on-track' },
      ],
    });
  }

  async ticketStatus(ticketId: string): Promise<ticket.TicketStatus> {
    const id = parseId('ticketId', ticketId);
    return this.status(ticket.ticketWorkflowId(id), ticket.ticketStatus, notFound(`ticket ${id}`));
  }

  private readonly message = this.messages('ticketId', model.Id, ticket.ticketWorkflowId, (id) =>
    notFound(`ticket ${id}`),
  );

  readonly assign = this.message(ticket.assign, model.Assign);
  /** The first response: stops the clock and records met or breached (I5, I6). */
  readonly recordFirstResponse = this.message(ticket.firstResponse, model.FirstResponse);
  readonly reply = this.message(ticket.reply, model.Reply);
  readonly resolve = this.message(ticket.resolve, model.Resolve);
  /** Reopens a resolved ticket within its reopen window. */
  readonly reopen = this.message(ticket.reopen, model.Reopen);
  readonly escalate = this.message(ticket.escalate, model.Escalate);
  /** A new level, with the clock recomputed from the original opening (I11). */
  readonly reclassify = this.message(ticket.reclassify, model.Reclassify);

  /**
   * Tickets from Temporal's visibility store (search attributes, no worker, no replay), soonest
   * due first: e.g. every breached ticket of one customer.
   */
  async listTickets(filter: model.ListTickets = {}): Promise<TicketListItem[]> {
    const f = parse(model.ListTickets, filter);
    // Every value below passed the schema (enums, the id pattern, an instant).
    const query = [
      `WorkflowType = 'ticketWorkflow'`,
      ...(f.state ? [`SlaState = '${f.state}'`] : []),
      ...(f.customerId ? [`SlaCustomer = '${f.customerId}'`] : []),
      ...(f.level ? [`SlaLevel = '${f.level}'`] : []),
      ...(f.channel ? [`SlaChannel = '${f.channel}'`] : []),
      ...(f.assigneeId ? [`SlaAssignee = '${f.assigneeId}'`] : []),
      // A ticket that publishes no queue attributes (SlaChannel) says nothing of its assignee.
      ...(f.unassigned ? ['SlaAssignee IS NULL AND SlaChannel IS NOT NULL'] : []),
      ...(f.open ? [`ExecutionStatus = 'Running'`] : []),
      ...(f.dueBefore ? [`SlaDueAt < '${new Date(f.dueBefore).toISOString()}'`] : []),
    ].join(' AND ');
    const items = await this.list(query, f.limit, 'tickets', (info) => {
      const attributes = info.typedSearchAttributes;
      const due = attributes.get(SlaDueAt);
      const state = attributes.get(SlaState);
      return {
        ticketId: info.workflowId.slice('ticket-'.length),
        workflowId: info.workflowId,
        customerId: attributes.get(SlaCustomer) ?? null,
        level: attributes.get(SlaLevel) ?? null,
        state: isOneOf(model.SLA_STATES, state) ? state : null,
        due: due ? due.toISOString() : null,
        channel: attributes.get(SlaChannel) ?? null,
        assigneeId: attributes.get(SlaAssignee) ?? null,
        nextStepAt: attributes.get(SlaNextStepAt)?.toISOString() ?? null,
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
    const opened = parse(model.OpenSession, input);
    return this.startWorkflow('sessionWorkflow', {
      ...this.startOptions(),
      workflowId: session.sessionWorkflowId(opened.sessionId),
      args: [opened],
    });
  }

  /** Ends a session; ending it again answers the same end (the update is idempotent). */
  async endSession(sessionId: string, requestId: string): Promise<session.SessionEnded> {
    const id = parseId('sessionId', sessionId);
    const message = parse(model.EndSession, { requestId });
    return this.send(session.sessionWorkflowId(id), session.endSession, message, notFound(`session ${id}`));
  }

  async sessionStatus(sessionId: string): Promise<session.SessionStatus> {
    const id = parseId('sessionId', sessionId);
    return this.status(session.sessionWorkflowId(id), session.sessionStatus, notFound(`session ${id}`));
  }
}
