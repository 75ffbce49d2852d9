/**
 * The typed client for outages (C3, C4, C9; I7, I9), beside the ticket client of client.ts and
 * built the same way: inputs parsed by the schemas the workflow validates with, Temporal's
 * failures mapped to the engine's typed errors. The CLI and the webhooks are built on it.
 */
import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import type { z } from 'zod';
import { parse, queryStatus, translate, type SlaClientOptions } from './client';
import { ConflictError, InvalidInputError, NotFoundError } from './errors';
import {
  AcknowledgeOutage,
  ClassifyOutage,
  ConfirmStart,
  OutageKey,
  ReportOutage,
  ResolveOutage,
  incidentKey,
  outageWorkflowId,
  type EngagementState,
  type OutageState,
  type ReceivedReport,
  type ReportVia,
} from './model/outage';
import { ID_MAX } from './model/message-checks';
import { SlaDueAt, SlaKind, SlaPhase, SlaState } from './search-attributes';
import type {
  AcknowledgeAnswer,
  ClassifyAnswer,
  ConfirmStartAnswer,
  OutageStatus,
  ReportAnswer,
  ResolveAnswer,
  outageWorkflow,
} from './workflows/outage';

type OutageWorkflow = typeof outageWorkflow;

/** How far ahead of the engine's clock a monitor's startedAt may be (monitor clocks drift). */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export interface OutageListItem {
  outageId: string;
  workflowId: string;
  /** Temporal's execution status: RUNNING while the outage is open or engaged. */
  status: string;
  phase: OutageState | null;
  engagement: EngagementState | null;
  engagementDue: string | null;
  reportedAt: string;
  closedAt: string | null;
}

export class OutageClient {
  private readonly now: () => number;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly options: SlaClientOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  /**
   * Reports an outage. Every report of the same key joins one workflow (update-with-start, so the
   * answer says whether this report opened it). A key whose incident is resolved names the next
   * incident of its sequence (`key.2`, … see incidentKey) when the report says the outage started
   * again at or after that end: the monitor fired again, which is a new incident and pages anew.
   * A report that started before the end is a late or retried delivery of the resolved incident
   * and starts nothing; one without startedAt cannot tell the two apart and is refused, naming
   * startedAt. A retried delivery of a repeat walks the same sequence and joins the incident its
   * first delivery opened.
   *
   * `via: 'webhook'` marks a monitor's report: its startedAt is a claim, counted only within the
   * policy's outageBackdateLimitMinutes of its receipt (I7). The default is the on-call role's
   * own report (API, CLI), trusted with its startedAt.
   */
  async reportOutage(input: unknown, opts: { via?: ReportVia } = {}): Promise<ReportAnswer> {
    const report = parse(ReportOutage, input);
    const now = this.now();
    if (report.startedAt && Date.parse(report.startedAt) > now + MAX_CLOCK_SKEW_MS)
      throw new InvalidInputError([{ path: 'startedAt', message: 'must not be in the future' }]);
    const received: ReceivedReport = {
      ...report,
      ...(report.startedAt ? { startedAt: new Date(report.startedAt).toISOString() } : {}),
      reportId: randomUUID(),
      receivedAt: new Date(now).toISOString(),
      via: opts.via ?? 'operator',
    };
    let previous: { key: string; end: string } | null = null;
    for (let n = 1; ; n++) {
      const key = incidentKey(report.key, n);
      if (!OutageKey.safeParse(key).success)
        throw new InvalidInputError([
          {
            path: 'key',
            message: `too long to number its repeat incident ${key} (at most ${ID_MAX} characters)`,
          },
        ]);
      const answer = await this.reportTo({ ...received, key });
      if (answer.state !== 'resolved')
        return previous
          ? {
              ...answer,
              repeatOf: previous.key,
              message: `outage ${previous.key} was resolved (ended ${previous.end}) and this one started after it: ${answer.created ? `opened the new outage ${key}` : `joined the open outage ${key}`}`,
            }
          : answer;
      // A resolved outage always has its end; were it missing, the report counts as a late one.
      const end = answer.end ?? received.receivedAt;
      if (!report.startedAt)
        throw new InvalidInputError([
          {
            path: 'startedAt',
            message: `outage ${key} is already resolved (ended ${end}): to report that it is down again, give startedAt at or after ${end} (a new outage ${incidentKey(report.key, n + 1)} opens), or report under a new key`,
          },
        ]);
      if (Date.parse(report.startedAt) < Date.parse(end)) return { ...answer, end };
      previous = { key, end };
    }
  }

  /**
   * One report to one incident's workflow: its answer, or for a workflow already closed (a
   * resolved outage is never reopened under its id) an answer saying so.
   */
  private async reportTo(received: ReceivedReport): Promise<ReportAnswer> {
    const workflowId = outageWorkflowId(received.key);
    const start = new WithStartWorkflowOperation<OutageWorkflow>('outageWorkflow', {
      taskQueue: this.taskQueue,
      workflowId,
      args: [received],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A resolved (completed) outage is never reopened under its id; a failed or terminated
      // run can be started again, since it wrote no record.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      ...(this.options.workflowTaskTimeout ? { workflowTaskTimeout: this.options.workflowTaskTimeout } : {}),
      typedSearchAttributes: [
        { key: SlaKind, value: 'outage' },
        { key: SlaPhase, value: 'open' },
        { key: SlaState, value: 'on-track' },
      ],
    });
    try {
      const answer = await this.client.workflow.executeUpdateWithStart<
        OutageWorkflow,
        ReportAnswer,
        [ReceivedReport]
      >('report', { args: [received], updateId: received.reportId, startWorkflowOperation: start });
      // Resolved and still writing its record: the end is in its status.
      if (answer.state === 'resolved' && !answer.end) {
        const status = await queryStatus<OutageStatus>(this.client.workflow.getHandle(workflowId));
        return { ...answer, ...(status.end ? { end: status.end } : {}) };
      }
      return answer;
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) {
        const closed = await this.closedOutage(received.key);
        return {
          outageId: received.key,
          workflowId,
          created: false,
          state: 'resolved',
          reports: closed?.reports ?? 0,
          ...(closed?.end ? { end: closed.end } : {}),
          message: `outage ${received.key} is already resolved${closed?.end ? ` (ended ${closed.end})` : ''}; nothing new was started`,
        };
      }
      return translate(err);
    }
  }

  /**
   * Ends the current incident of a monitor key (Alertmanager's resolved notification): the first
   * of `key`, `key.2`, … still open. A notification whose end is before that incident was
   * detected is about an earlier, already resolved one: a conflict, like resolving it twice.
   */
  async resolveLatest(key: string, message: unknown): Promise<ResolveAnswer> {
    const k = parse(OutageKey, key);
    const m = parse(ResolveOutage, message);
    for (let n = 1; ; n++) {
      const current = incidentKey(k, n);
      const handle = this.client.workflow.getHandle(outageWorkflowId(current));
      let status: OutageStatus;
      try {
        const description = await handle.describe();
        // A closed run is a resolved incident: only the next one can still be open.
        if (description.status.name !== 'RUNNING') continue;
        status = await queryStatus<OutageStatus>(handle);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) return translate(err);
        if (n === 1) throw new NotFoundError(`no outage with key ${k}`);
        throw new ConflictError(`outage ${incidentKey(k, n - 1)} is already resolved`);
      }
      if (status.state === 'resolved') continue;
      if (m.end && Date.parse(m.end) < Date.parse(status.detectedAt)) {
        // A redelivered resolution of the incident before this one ends no later than it did;
        // any other end before the counted start is refused naming it, and nothing changes.
        const earlier = n > 1 ? await this.endOf(incidentKey(k, n - 1)) : null;
        if (earlier !== null && Date.parse(m.end) <= Date.parse(earlier))
          throw new ConflictError(`the end ${m.end} repeats the resolution of ${incidentKey(k, n - 1)}`);
        throw new InvalidInputError([
          { path: 'end', message: `must be after the open outage's counted start (${status.detectedAt})` },
        ]);
      }
      return this.resolveOutage(current, m);
    }
  }

  /** The end of a resolved incident (its closed workflow's result), or null if it has none. */
  private async endOf(key: string): Promise<string | null> {
    try {
      return (await this.client.workflow.getHandle<typeof outageWorkflow>(outageWorkflowId(key)).result())
        .end;
    } catch (err) {
      return translate(err);
    }
  }

  /** C9 / I7: a Level 3 responder acknowledged; anyone else is refused naming responderId. */
  acknowledgeOutage(key: string, message: unknown): Promise<AcknowledgeAnswer> {
    return this.update(key, 'acknowledge', AcknowledgeOutage, message);
  }

  /** C3 / C4: unexpected, external or partial, with the affected regions, who and why. */
  classifyOutage(key: string, message: unknown): Promise<ClassifyAnswer> {
    return this.update(key, 'classify', ClassifyOutage, message);
  }

  /**
   * I7: an on-call confirms the start a webhook claimed (the status's claimedStart): the outage
   * counts from it. Without requestId one is made up (confirming twice changes nothing).
   */
  confirmStart(key: string, message: unknown): Promise<ConfirmStartAnswer> {
    const withId =
      message && typeof message === 'object' && !('requestId' in message)
        ? { requestId: randomUUID(), ...message }
        : message;
    return this.update(key, 'confirmStart', ConfirmStart, withId);
  }

  /** Ends the outage; its record is written to the ledger once. */
  resolveOutage(key: string, message: unknown): Promise<ResolveAnswer> {
    return this.update(key, 'resolve', ResolveOutage, message);
  }

  async outageStatus(key: string): Promise<OutageStatus> {
    const k = parse(OutageKey, key);
    try {
      return await queryStatus<OutageStatus>(this.client.workflow.getHandle(outageWorkflowId(k)));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no outage with key ${k}`);
      return translate(err);
    }
  }

  /** Outages from Temporal's visibility store, newest first; `open` keeps the running ones. */
  async listOutages(filter: { open?: boolean; limit?: number } = {}): Promise<OutageListItem[]> {
    const query = `SlaKind = 'outage'${filter.open ? ` AND ExecutionStatus = 'Running'` : ''}`;
    const limit = filter.limit ?? 100;
    const items: OutageListItem[] = [];
    try {
      for await (const info of this.client.workflow.list({ query, pageSize: Math.min(limit, 100) })) {
        const due = info.typedSearchAttributes.get(SlaDueAt);
        items.push({
          outageId: info.workflowId.slice('outage-'.length),
          workflowId: info.workflowId,
          status: info.status.name,
          phase: (info.typedSearchAttributes.get(SlaPhase) as OutageState | undefined) ?? null,
          engagement: (info.typedSearchAttributes.get(SlaState) as EngagementState | undefined) ?? null,
          engagementDue: due ? due.toISOString() : null,
          reportedAt: info.startTime.toISOString(),
          closedAt: info.closeTime?.toISOString() ?? null,
        });
        if (items.length >= limit) break;
      }
    } catch (err) {
      return translate(err);
    }
    return items;
  }

  private async update<R>(
    key: string,
    name: string,
    schema: z.ZodType<{ requestId: string }>,
    message: unknown,
  ): Promise<R> {
    const k = parse(OutageKey, key);
    const parsed = parse(schema, message);
    try {
      return await this.client.workflow
        .getHandle(outageWorkflowId(k))
        .executeUpdate<R, [typeof parsed]>(name, { args: [parsed], updateId: parsed.requestId });
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        // The workflow ends once the outage is resolved and recorded: a closed one is a conflict.
        if (await this.closedOutage(k)) throw new ConflictError(`outage ${k} is already resolved`);
        throw new NotFoundError(`no outage with key ${k}`);
      }
      return translate(err);
    }
  }

  /** The final status of a closed outage workflow, or null when there is none. */
  private async closedOutage(key: string): Promise<OutageStatus | null> {
    const handle = this.client.workflow.getHandle(outageWorkflowId(key));
    try {
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') return null;
      // A query, not result(): the final state is the same, and a query never waits on the run.
      return description.status.name === 'COMPLETED' ? await queryStatus<OutageStatus>(handle) : null;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }
}
