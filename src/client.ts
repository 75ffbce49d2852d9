/**
 * The typed client support tooling uses (and the CLI and API are built on): one function per
 * operation, inputs parsed by the same zod schemas the workflows validate with, typed errors.
 * Tickets and sessions here; outages (client-outages.ts) and maintenance (maintenance-client.ts)
 * beside it, and the facade over all of them, built from configuration, in sla-client.ts.
 */
import {
  QueryNotRegisteredError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, NamespaceNotFoundError, type Duration } from '@temporalio/common';
import type { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from './errors';
import {
  Assign,
  EndSession,
  Escalate,
  FirstResponse,
  Id,
  ListTickets,
  OpenSession,
  OpenTicket,
  Reclassify,
  Reopen,
  Reply,
  Resolve,
  sessionWorkflowId,
  ticketWorkflowId,
  type SlaState,
} from './model/ticket';
import { SlaCustomer, SlaDueAt, SlaLevel, SlaState as SlaStateKey } from './search-attributes';
import type { SessionStatus } from './workflows/session';
import type { TicketStatus } from './workflows/ticket';

/** How far ahead of the engine's clock an openedAt may be (helpdesk clocks drift a little). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw InvalidInputError.fromZod(parsed.error);
  return parsed.data;
}

/** How long a status query waits for a workflow that has just started to answer queries. */
const STARTING_WAIT_MS = 5_000;

/**
 * A workflow's `status` query. The ticket, session and maintenance workflows register their
 * status handler once their first lookups (policy, calendar, rules) have answered, so a query in
 * the first moments of such a workflow's life finds no handler: wait for it a little rather than
 * call that a fault, then say the workflow is still starting (unavailable, worth a retry).
 */
export async function queryStatus<T>(handle: WorkflowHandle): Promise<T> {
  const started = Date.now();
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await handle.query<T>('status');
    } catch (err) {
      // The SDK reports every query the worker failed as QueryNotRegisteredError, and the failure
      // converter encrypts its message, so a missing handler cannot be told from a handler that
      // threw: both are waited for, then answered unavailable. The workflows' state is bounded
      // (docs/limits.md), so an answer too large is not among them.
      if (!(err instanceof QueryNotRegisteredError)) throw err;
      if (Date.now() - started >= STARTING_WAIT_MS)
        throw new UnavailableError(`${handle.workflowId} is still starting; try again in a moment`);
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/**
 * A ticket continues as new every few hundred messages (workflows/ticket.ts). A message Temporal
 * had admitted but not yet handed to the run is retried on the new run by the SDK itself; one the
 * run had accepted but not answered when it ended fails with this type, and is sent again here
 * (the new run applies it once: its request id is among those carried across). A few attempts:
 * a run continues as new after hundreds of messages, never twice in a row on one message.
 */
const CONTINUED_RETRIES = 3;
const continuedUnanswered = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError &&
  err.cause instanceof ApplicationFailure &&
  err.cause.type === 'AcceptedUpdateCompletedWorkflow';

/** Maps Temporal's failures to the engine's typed errors. */
export function translate(err: unknown): never {
  if (err instanceof WorkflowNotFoundError) throw new NotFoundError(err.message);
  if (err instanceof NamespaceNotFoundError) throw new NotFoundError(`no namespace ${err.namespace}`);
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      if (cause.type === 'Conflict') throw new ConflictError(cause.message);
      if (cause.type === 'Invalid' || cause.type === 'InvalidAssignee')
        throw new InvalidInputError([
          { path: cause.message.split(':')[0] ?? '(input)', message: cause.message },
        ]);
    }
    // A message that arrives before the workflow's first lookups have answered finds no handler
    // (see queryStatus): nothing was applied, so it is worth a retry, not a fault of the input.
    if (cause?.message.startsWith('No registered handler for update'))
      throw new UnavailableError('the workflow is still starting; try again in a moment');
    // A validator's rejection arrives as a plain failure naming the field.
    throw new InvalidInputError([{ path: '(update)', message: cause?.message ?? err.message }]);
  }
  const code = grpcCode(err);
  if (code === 14 /* UNAVAILABLE */ || code === 4 /* DEADLINE_EXCEEDED */)
    throw new UnavailableError((err as Error).message);
  // UNIMPLEMENTED: something answers at the address, but not Temporal (an HTTP proxy's 404).
  if (code === 12)
    throw new UnavailableError(
      `no Temporal frontend answers there: ${causeDetails(err) ?? (err as Error).message}`,
    );
  // NOT_FOUND outside a workflow handle: the namespace (or a run id) does not exist.
  if (code === 5) throw new NotFoundError((err as Error).message);
  throw err;
}

/** The gRPC status of a failure, on the error itself or on the ServiceError's cause. */
function grpcCode(err: unknown): number | undefined {
  for (let e = err, depth = 0; e && depth < 3; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}

function causeDetails(err: unknown): string | undefined {
  const details = (err as { cause?: { details?: unknown } }).cause?.details;
  return typeof details === 'string' ? details : undefined;
}

/** translate(), with "not found" saying which thing in the caller's words. */
function translateAs(what: string, err: unknown): never {
  if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no ${what}`);
  return translate(err);
}

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

export interface SlaClientOptions {
  /** The engine's clock (tests on the time-skipping server pass the server's). */
  now?: () => number;
  /**
   * Workflow task timeout for started workflows. Tests on the time-skipping server raise it: that
   * server may skip time past a workflow task still being processed.
   */
  workflowTaskTimeout?: Duration;
}

export class SlaClient {
  private readonly now: () => number;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly options: SlaClientOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Opens a ticket; opening the same ticket id again returns the running workflow. */
  async openTicket(input: unknown): Promise<{ workflowId: string; created: boolean }> {
    const ticket = parse(OpenTicket, input);
    const openedAt = ticket.openedAt
      ? new Date(ticket.openedAt).toISOString()
      : new Date(this.now()).toISOString();
    if (Date.parse(openedAt) > this.now() + MAX_CLOCK_SKEW_MS) {
      throw new InvalidInputError([{ path: 'openedAt', message: 'must not be in the future' }]);
    }
    const workflowId = ticketWorkflowId(ticket.ticketId);
    try {
      await this.client.workflow.start('ticketWorkflow', {
        taskQueue: this.taskQueue,
        workflowId,
        args: [{ ...ticket, openedAt }],
        ...(this.options.workflowTaskTimeout
          ? { workflowTaskTimeout: this.options.workflowTaskTimeout }
          : {}),
        // Customer id only: no personal data in search attributes.
        typedSearchAttributes: [
          { key: SlaCustomer, value: ticket.customerId },
          ...(ticket.level ? [{ key: SlaLevel, value: ticket.level }] : []),
          { key: SlaStateKey, value: 'on-track' },
        ],
      });
      return { workflowId, created: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, created: false };
      return translate(err);
    }
  }

  private async update<R>(
    ticketId: string,
    name: string,
    schema: z.ZodType<{ requestId: string }>,
    message: unknown,
  ): Promise<R> {
    const id = parseId('ticketId', ticketId);
    const parsed = parse(schema, message);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.workflow
          .getHandle(ticketWorkflowId(id))
          .executeUpdate<R, [typeof parsed]>(name, {
            args: [parsed],
            updateId: parsed.requestId,
          });
      } catch (err) {
        if (attempt < CONTINUED_RETRIES && continuedUnanswered(err)) continue;
        return translateAs(`ticket ${id}`, err);
      }
    }
  }

  assign(ticketId: string, message: unknown) {
    return this.update<{ assigneeId: string }>(ticketId, 'assign', Assign, message);
  }
  recordFirstResponse(ticketId: string, message: unknown) {
    return this.update<{ met: boolean | null; coverageMinutes: number; state: string }>(
      ticketId,
      'firstResponse',
      FirstResponse,
      message,
    );
  }
  reply(ticketId: string, message: unknown) {
    return this.update<{ replies: number }>(ticketId, 'reply', Reply, message);
  }
  resolve(ticketId: string, message: unknown) {
    return this.update<{ resolution: number }>(ticketId, 'resolve', Resolve, message);
  }
  reopen(ticketId: string, message: unknown) {
    return this.update<{ status: 'open' }>(ticketId, 'reopen', Reopen, message);
  }
  escalate(ticketId: string, message: unknown) {
    return this.update<{ stepId: string }>(ticketId, 'escalate', Escalate, message);
  }
  reclassify(ticketId: string, message: unknown) {
    return this.update<{ level: string; due: string; state: string }>(
      ticketId,
      'reclassify',
      Reclassify,
      message,
    );
  }

  async ticketStatus(ticketId: string): Promise<TicketStatus> {
    const id = parseId('ticketId', ticketId);
    try {
      return await queryStatus<TicketStatus>(this.client.workflow.getHandle(ticketWorkflowId(id)));
    } catch (err) {
      return translateAs(`ticket ${id}`, err);
    }
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
    const items: TicketListItem[] = [];
    try {
      for await (const info of this.client.workflow.list({ query, pageSize: Math.min(f.limit, 100) })) {
        const due = info.typedSearchAttributes.get(SlaDueAt);
        items.push({
          ticketId: info.workflowId.slice('ticket-'.length),
          workflowId: info.workflowId,
          customerId: info.typedSearchAttributes.get(SlaCustomer) ?? null,
          level: info.typedSearchAttributes.get(SlaLevel) ?? null,
          state: (info.typedSearchAttributes.get(SlaStateKey) as SlaState | undefined) ?? null,
          due: due ? due.toISOString() : null,
          status: info.status.name,
          openedAt: info.startTime.toISOString(),
          closedAt: info.closeTime?.toISOString() ?? null,
        });
        if (items.length >= f.limit) break;
      }
    } catch (err) {
      // The query holds checked values only: a refusal means this cluster lacks the attributes.
      if (grpcCode(err) === 3 /* INVALID_ARGUMENT */) {
        throw new UnavailableError(
          `visibility cannot list tickets here (${causeDetails(err) ?? (err as Error).message}); ` +
            'register the search attributes (README, Operations)',
        );
      }
      return translate(err);
    }
    // Visibility's order is by start time; whoever reads a list of tickets wants the next due first.
    return items.sort(
      (a, b) => (a.due ?? '~').localeCompare(b.due ?? '~') || a.ticketId.localeCompare(b.ticketId),
    );
  }

  async openSession(input: unknown): Promise<{ workflowId: string; created: boolean }> {
    const session = parse(OpenSession, input);
    const workflowId = sessionWorkflowId(session.sessionId);
    try {
      await this.client.workflow.start('sessionWorkflow', {
        taskQueue: this.taskQueue,
        workflowId,
        args: [session],
        ...(this.options.workflowTaskTimeout
          ? { workflowTaskTimeout: this.options.workflowTaskTimeout }
          : {}),
      });
      return { workflowId, created: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, created: false };
      return translate(err);
    }
  }

  /** Ends a session; ending it again answers the same end (the update is idempotent). */
  async endSession(sessionId: string, requestId: string): Promise<{ endedAt: string; minutes: number }> {
    const id = parseId('sessionId', sessionId);
    parse(EndSession, { requestId });
    try {
      return await this.client.workflow
        .getHandle(sessionWorkflowId(id))
        .executeUpdate<{ endedAt: string; minutes: number }, [EndSession]>('end', {
          args: [{ requestId }],
          updateId: requestId,
        });
    } catch (err) {
      return translateAs(`session ${id}`, err);
    }
  }

  async sessionStatus(sessionId: string): Promise<SessionStatus> {
    const id = parseId('sessionId', sessionId);
    try {
      return await queryStatus<SessionStatus>(this.client.workflow.getHandle(sessionWorkflowId(id)));
    } catch (err) {
      return translateAs(`session ${id}`, err);
    }
  }
}

/** An id given apart from its message (a path segment, a CLI argument), checked like the rest. */
function parseId(field: string, value: unknown): string {
  const parsed = Id.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(parsed.error.issues.map((i) => ({ path: field, message: i.message })));
}
