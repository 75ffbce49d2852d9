/**
 * The one way the clients reach a workflow: parse the input (naming the field), start, update,
 * query, list, and translate Temporal's failures into the engine's errors (src/errors.ts). Each
 * message is sent with its definition from src/messages and each start is typed by the workflow
 * function it starts, so a change of either fails the type-check here.
 */
import {
  QueryNotRegisteredError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowExecutionInfo,
  type WorkflowHandle,
  type WorkflowStartOptions,
} from '@temporalio/client';
import {
  ApplicationFailure,
  NamespaceNotFoundError,
  type Duration,
  type QueryDefinition,
  type UpdateDefinition,
} from '@temporalio/common';
import type { z } from 'zod';
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from '../errors';
import { Id } from '../model/ticket';
import type * as workflows from '../workflows';

/** A workflow's type name: the name its function is exported under (src/workflows/index.ts). */
export type WorkflowName = keyof typeof workflows;
export type WorkflowOf<N extends WorkflowName> = (typeof workflows)[N];

export interface ClientOptions {
  /** The engine's clock (tests on the time-skipping server pass the server's). */
  now?: () => number;
  /**
   * Workflow task timeout for started workflows. Tests on the time-skipping server raise it: that
   * server may skip time past a workflow task still being processed.
   */
  workflowTaskTimeout?: Duration;
}

/** A Temporal client, or how to connect one: called only once the input is known good. */
export type ClientSource = Client | (() => Promise<Client>);

/** How far ahead of the engine's clock a given start (openedAt, startedAt) may be: clocks drift. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** Parses an input with its schema from src/model; a bad one is refused naming its fields. */
export function parse<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw InvalidInputError.fromZod(parsed.error);
  return parsed.data;
}

/** An id given apart from its message (a path segment, a CLI argument), named by its field. */
export function parseId(field: string, value: unknown, schema: z.ZodType<string> = Id): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(parsed.error.issues.map((i) => ({ path: field, message: i.message })));
}

/** How long a status query waits for a workflow that has just started to answer queries. */
const STARTING_WAIT_MS = 5_000;

/**
 * How long a status query waits, in all, for a worker to answer. A query is answered by a worker,
 * not by the server: with every worker down or busy it would hold the caller (an API request, a
 * console page) open indefinitely, so it is answered "unavailable" (503, worth a retry) instead.
 * Twice the sticky queue's 10 s (the SDK's default): a query for a workflow whose worker has just
 * gone waits that long on it before the server hands it to another worker.
 */
export const STATUS_DEADLINE_MS = 20_000;

/**
 * A workflow's status query. The ticket, session and maintenance workflows register their status
 * handler once their first lookups (policy, calendar, rules) have answered, so a query in the
 * first moments of such a workflow's life finds no handler: wait for it a little rather than call
 * that a fault, then say the workflow is still starting (unavailable, worth a retry).
 */
export async function queryStatus<R>(
  handle: WorkflowHandle,
  query: QueryDefinition<R, []>,
  deadlineMs = STATUS_DEADLINE_MS,
): Promise<R> {
  const started = Date.now();
  const deadline = started + deadlineMs;
  for (let delay = 25; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await handle.client.withDeadline(deadline, () => handle.query(query));
    } catch (err) {
      // Past the deadline gRPC answers DEADLINE_EXCEEDED, or CANCELLED when that races the call.
      const code = grpcCode(err);
      if (code === 4 /* DEADLINE_EXCEEDED */ || (code === 1 /* CANCELLED */ && Date.now() >= deadline))
        throw new UnavailableError(
          `${handle.workflowId} did not answer within ${deadlineMs} ms: its worker is busy or down; try again in a moment`,
        );
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
 * A ticket or an outage continues as new every few hundred messages (workflows/run-limits.ts). A
 * message Temporal had admitted but not yet handed to the run is retried on the new run by the
 * SDK itself; one the run had accepted but not answered when it ended fails with this type, and is
 * sent again here (the new run applies it once: its request id is among those carried across). A
 * few attempts: a run continues as new after hundreds of messages, never twice in a row on one.
 */
const CONTINUED_RETRIES = 3;
const continuedUnanswered = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError &&
  err.cause instanceof ApplicationFailure &&
  err.cause.type === 'AcceptedUpdateCompletedWorkflow';

/** An update rejected because the workflow had not yet registered its handler. */
const beforeHandlers = (err: unknown) =>
  err instanceof WorkflowUpdateFailedError &&
  (err.cause?.message.startsWith('No registered handler for update') ?? false);

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
    if (beforeHandlers(err))
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

/** Whether a search attribute's value is one of its closed set (a list shows null when not). */
export const isOneOf = <T extends string>(values: readonly T[], value: string | undefined): value is T =>
  value !== undefined && (values as readonly string[]).includes(value);

/** What a call does when the workflow is not there (no workflow, or one that has closed). */
export type OnNotFound = (err: WorkflowNotFoundError) => Promise<never> | never;

/** "not found" in the caller's words. */
export const notFound =
  (what: string): OnNotFound =>
  () => {
    throw new NotFoundError(`no ${what}`);
  };

/**
 * What every area's client is built on: its Temporal client (connected on first use), task queue
 * and options, and the start / update / query / list every area makes the same way.
 */
export abstract class Calls {
  private connecting: Promise<Client> | undefined;

  constructor(
    private readonly source: ClientSource,
    private readonly taskQueue: string,
    private readonly options: ClientOptions = {},
  ) {}

  protected now(): number {
    return (this.options.now ?? Date.now)();
  }

  protected client(): Promise<Client> {
    const source = this.source;
    return (this.connecting ??= typeof source === 'function' ? source() : Promise.resolve(source));
  }

  protected async handle(workflowId: string): Promise<WorkflowHandle> {
    return (await this.client()).workflow.getHandle(workflowId);
  }

  /** The options every start shares: the task queue and the tests' workflow task timeout. */
  protected startOptions(): { taskQueue: string; workflowTaskTimeout?: Duration } {
    const { workflowTaskTimeout } = this.options;
    return { taskQueue: this.taskQueue, ...(workflowTaskTimeout ? { workflowTaskTimeout } : {}) };
  }

  /**
   * Starts the workflow exported as `name`, its arguments typed by that function (with the
   * shared startOptions()); the same workflow id already started (and not to be reused) answers
   * `created: false`.
   */
  protected async startWorkflow<N extends WorkflowName>(
    name: N,
    options: WorkflowStartOptions<WorkflowOf<N>>,
  ): Promise<{ workflowId: string; created: boolean }> {
    const client = await this.client();
    try {
      const handle = await client.workflow.start<WorkflowOf<N>>(name, options);
      return { workflowId: handle.workflowId, created: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError)
        return { workflowId: options.workflowId, created: false };
      return translate(err);
    }
  }

  /** Sends a message (an update whose id is its request id: a retried call is applied once). */
  protected async send<R, M extends { requestId: string }>(
    workflowId: string,
    update: UpdateDefinition<R, [M]>,
    message: M,
    onNotFound: OnNotFound,
  ): Promise<R> {
    const handle = await this.handle(workflowId);
    const started = Date.now();
    for (let attempt = 1, delay = 25; ; attempt++) {
      try {
        return await handle.executeUpdate(update, { args: [message], updateId: message.requestId });
      } catch (err) {
        if (attempt < CONTINUED_RETRIES && continuedUnanswered(err)) continue;
        // A message right after the start can find no handler yet (see queryStatus): it was
        // rejected before anything was applied, so it is sent again for a little while.
        if (beforeHandlers(err) && Date.now() - started < STARTING_WAIT_MS) {
          await new Promise((resolve) => setTimeout(resolve, delay));
          delay = Math.min(delay * 2, 500);
          continue;
        }
        if (err instanceof WorkflowNotFoundError) return onNotFound(err);
        return translate(err);
      }
    }
  }

  /**
   * One kind of message to the area's workflows: `sender(update, schema)` is the function that
   * parses the target id (as `idField`) and the body once, then sends it with its definition.
   */
  protected messages(
    idField: string,
    idSchema: z.ZodType<string>,
    workflowIdOf: (id: string) => string,
    onNotFound: (id: string) => OnNotFound,
  ) {
    return <R, S extends z.ZodType<{ requestId: string }>>(
        update: UpdateDefinition<R, [z.infer<S>]>,
        schema: S,
      ) =>
      async (id: unknown, message: unknown): Promise<R> => {
        const target = parseId(idField, id, idSchema);
        return this.send(workflowIdOf(target), update, parse(schema, message), onNotFound(target));
      };
  }

  /** A workflow's status (see queryStatus). */
  protected async status<R>(
    workflowId: string,
    query: QueryDefinition<R, []>,
    onNotFound: OnNotFound,
  ): Promise<R> {
    try {
      return await queryStatus(await this.handle(workflowId), query);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return onNotFound(err);
      return translate(err);
    }
  }

  /**
   * Workflows from Temporal's visibility store (search attributes and memo: no worker, no
   * replay), up to `limit`, each mapped by `item` (null: not one to show). A query refused by
   * the server holds checked values only: the cluster lacks the search attributes.
   */
  protected async list<T>(
    query: string,
    limit: number,
    what: string,
    item: (info: WorkflowExecutionInfo) => T | null,
  ): Promise<T[]> {
    const client = await this.client();
    const items: T[] = [];
    try {
      for await (const info of client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
        const one = item(info);
        if (one !== null) items.push(one);
        if (items.length >= limit) break;
      }
    } catch (err) {
      if (grpcCode(err) === 3 /* INVALID_ARGUMENT */) {
        throw new UnavailableError(
          `visibility cannot list ${what} here (${causeDetails(err) ?? (err as Error).message}); ` +
            'register the search attributes (docs/operations.md, Production)',
        );
      }
      return translate(err);
    }
    return items;
  }
}
