/**
 * The typed client support tooling uses (and the CLI and API are built on): one function per
 * operation, inputs parsed by the same zod schemas the workflows validate with, typed errors.
 * Tickets and sessions for now; outages, maintenance and credits join as they land.
 */
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type Duration } from '@temporalio/common';
import type { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from './errors';
import {
  Assign,
  Escalate,
  FirstResponse,
  OpenSession,
  OpenTicket,
  Reclassify,
  Reopen,
  Reply,
  Resolve,
  sessionWorkflowId,
  ticketWorkflowId,
} from './model/ticket';
import { SlaCustomer, SlaLevel, SlaState } from './search-attributes';
import type { SessionStatus } from './workflows/session';
import type { TicketStatus } from './workflows/ticket';

/** How far ahead of the engine's clock an openedAt may be (helpdesk clocks drift a little). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw InvalidInputError.fromZod(parsed.error);
  return parsed.data;
}

/** Maps Temporal's failures to the engine's typed errors. */
export function translate(err: unknown): never {
  if (err instanceof WorkflowNotFoundError) throw new NotFoundError(err.message);
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      if (cause.type === 'Conflict') throw new ConflictError(cause.message);
      if (cause.type === 'Invalid' || cause.type === 'InvalidAssignee')
        throw new InvalidInputError([
          { path: cause.message.split(':')[0] ?? '(input)', message: cause.message },
        ]);
    }
    // A validator's rejection arrives as a plain failure naming the field.
    throw new InvalidInputError([{ path: '(update)', message: cause?.message ?? err.message }]);
  }
  const code = (err as { code?: unknown }).code;
  if (code === 14 /* gRPC UNAVAILABLE */ || code === 4 /* DEADLINE_EXCEEDED */)
    throw new UnavailableError((err as Error).message);
  throw err;
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
          { key: SlaState, value: 'on-track' },
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
    const parsed = parse(schema, message);
    try {
      return await this.client.workflow
        .getHandle(ticketWorkflowId(ticketId))
        .executeUpdate<R, [typeof parsed]>(name, {
          args: [parsed],
          updateId: parsed.requestId,
        });
    } catch (err) {
      return translate(err);
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
    try {
      return await this.client.workflow.getHandle(ticketWorkflowId(ticketId)).query<TicketStatus>('status');
    } catch (err) {
      return translate(err);
    }
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

  async endSession(sessionId: string, requestId: string): Promise<{ endedAt: string; minutes: number }> {
    try {
      return await this.client.workflow
        .getHandle(sessionWorkflowId(sessionId))
        .executeUpdate<{ endedAt: string; minutes: number }, [{ requestId: string }]>('end', {
          args: [{ requestId }],
          updateId: requestId,
        });
    } catch (err) {
      return translate(err);
    }
  }

  async sessionStatus(sessionId: string): Promise<SessionStatus> {
    try {
      return await this.client.workflow
        .getHandle(sessionWorkflowId(sessionId))
        .query<SessionStatus>('status');
    } catch (err) {
      return translate(err);
    }
  }
}
