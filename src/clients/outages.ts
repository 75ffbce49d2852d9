/**
 * Outages (C3, C4, C9; I7, I9): reports (update-with-start, one workflow per incident of a monitor
 * key), the on-call's messages, status and list. Every input parsed once here with the schemas of
 * src/model, every message sent with its definition from src/messages. The CLI, the API and the
 * webhooks reach it through SlaClient.
 */
import { randomUUID } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/client';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import * as outage from '../messages/outage';
import { ID_MAX } from '../model/message-checks';
import * as model from '../model/outage';
import { SlaDueAt, SlaKind, SlaPhase, SlaState } from '../search-attributes';
import {
  Calls,
  isOneOf,
  MAX_CLOCK_SKEW_MS,
  parse,
  parseId,
  queryStatus,
  translate,
  type WorkflowOf,
} from './calls';

export interface OutageListItem {
  outageId: string;
  workflowId: string;
  /** Temporal's execution status: RUNNING while the outage is open or engaged. */
  status: string;
  phase: model.OutageState | null;
  engagement: model.EngagementState | null;
  engagementDue: string | null;
  reportedAt: string;
  closedAt: string | null;
}

export class OutageClient extends Calls {
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
  async reportOutage(input: unknown, opts: { via?: model.ReportVia } = {}): Promise<outage.ReportAnswer> {
    const report = parse(model.ReportOutage, input);
    const now = this.now();
    if (report.startedAt && Date.parse(report.startedAt) > now + MAX_CLOCK_SKEW_MS)
      throw new InvalidInputError([{ path: 'startedAt', message: 'must not be in the future' }]);
    const received: model.ReceivedReport = {
      ...report,
      ...(report.startedAt ? { startedAt: new Date(report.startedAt).toISOString() } : {}),
      reportId: randomUUID(),
      receivedAt: new Date(now).toISOString(),
      via: opts.via ?? 'operator',
    };
    let previous: { key: string; end: string } | null = null;
    for (let n = 1; ; n++) {
      const key = model.incidentKey(report.key, n);
      if (!model.OutageKey.safeParse(key).success)
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
            message: `outage ${key} is already resolved (ended ${end}): to report that it is down again, give startedAt at or after ${end} (a new outage ${model.incidentKey(report.key, n + 1)} opens), or report under a new key`,
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
  private async reportTo(received: model.ReceivedReport): Promise<outage.ReportAnswer> {
    const workflowId = outage.outageWorkflowId(received.key);
    const start = new WithStartWorkflowOperation<WorkflowOf<'outageWorkflow'>>('outageWorkflow', {
      ...this.startOptions(),
      workflowId,
      args: [received],
      workflowIdConflictPolicy: 'USE_EXISTING',
      // A resolved (completed) outage is never reopened under its id; a failed or terminated
      // run can be started again, since it wrote no record.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY',
      typedSearchAttributes: [
        { key: SlaKind, value: 'outage' },
        { key: SlaPhase, value: 'open' },
        { key: SlaState, value: 'on-track' },
      ],
    });
    const client = await this.client();
    try {
      const answer = await client.workflow.executeUpdateWithStart(outage.reportOutage, {
        args: [received],
        updateId: received.reportId,
        startWorkflowOperation: start,
      });
      // Resolved and still writing its record: the end is in its status.
      if (answer.state === 'resolved' && !answer.end) {
        const status = await queryStatus(client.workflow.getHandle(workflowId), outage.outageStatus);
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
  async resolveLatest(key: string, message: unknown): Promise<outage.ResolveAnswer> {
    const k = parseId('key', key, model.OutageKey);
    const m = parse(model.ResolveOutage, message);
    for (let n = 1; ; n++) {
      const current = model.incidentKey(k, n);
      const handle = await this.handle(outage.outageWorkflowId(current));
      let status: outage.OutageStatus;
      try {
        const description = await handle.describe();
        // A closed run is a resolved incident: only the next one can still be open.
        if (description.status.name !== 'RUNNING') continue;
        status = await queryStatus(handle, outage.outageStatus);
      } catch (err) {
        if (!(err instanceof WorkflowNotFoundError)) return translate(err);
        if (n === 1) throw new NotFoundError(`no outage with key ${k}`);
        throw new ConflictError(`outage ${model.incidentKey(k, n - 1)} is already resolved`);
      }
      if (status.state === 'resolved') continue;
      if (m.end && Date.parse(m.end) < Date.parse(status.detectedAt)) {
        // A redelivered resolution of the incident before this one ends no later than it did;
        // any other end before the counted start is refused naming it, and nothing changes.
        const earlier = n > 1 ? await this.endOf(model.incidentKey(k, n - 1)) : null;
        if (earlier !== null && Date.parse(m.end) <= Date.parse(earlier))
          throw new ConflictError(
            `the end ${m.end} repeats the resolution of ${model.incidentKey(k, n - 1)}`,
          );
        throw new InvalidInputError([
          { path: 'end', message: `must be after the open outage's counted start (${status.detectedAt})` },
        ]);
      }
      return this.send(outage.outageWorkflowId(current), outage.resolveOutage, m, this.gone(current));
    }
  }

  /** The end of a resolved incident (its closed workflow's result), or null if it has none. */
  private async endOf(key: string): Promise<string | null> {
    try {
      const client = await this.client();
      const handle = client.workflow.getHandle<WorkflowOf<'outageWorkflow'>>(outage.outageWorkflowId(key));
      return (await handle.result()).end;
    } catch (err) {
      return translate(err);
    }
  }

  /** A closed outage workflow is a resolved outage: a message to it is a conflict. */
  private gone(key: string) {
    return async () => {
      // The workflow ends once the outage is resolved and recorded: a closed one is a conflict.
      if (await this.closedOutage(key)) throw new ConflictError(`outage ${key} is already resolved`);
      throw new NotFoundError(`no outage with key ${key}`);
    };
  }

  private readonly message = this.messages('key', model.OutageKey, outage.outageWorkflowId, (key) =>
    this.gone(key),
  );

  /** C9 / I7: a Level 3 responder acknowledged; anyone else is refused naming responderId. */
  readonly acknowledgeOutage = this.message(outage.acknowledgeOutage, model.AcknowledgeOutage);
  /** C3 / C4: unexpected, external or partial, with the affected regions, who and why. */
  readonly classifyOutage = this.message(outage.classifyOutage, model.ClassifyOutage);
  /** Ends the outage; its record is written to the ledger once. */
  readonly resolveOutage = this.message(outage.resolveOutage, model.ResolveOutage);
  private readonly confirm = this.message(outage.confirmOutageStart, model.ConfirmStart);

  /**
   * I7: an on-call confirms the start a webhook claimed (the status's claimedStart): the outage
   * counts from it. Without requestId one is made up (confirming twice changes nothing).
   */
  async confirmStart(key: string, message: unknown): Promise<outage.ConfirmStartAnswer> {
    const withId =
      message && typeof message === 'object' && !('requestId' in message)
        ? { requestId: randomUUID(), ...message }
        : message;
    return this.confirm(key, withId);
  }

  async outageStatus(key: string): Promise<outage.OutageStatus> {
    const k = parseId('key', key, model.OutageKey);
    return this.status(outage.outageWorkflowId(k), outage.outageStatus, () => {
      throw new NotFoundError(`no outage with key ${k}`);
    });
  }

  /** Outages from Temporal's visibility store, newest first; `open` keeps the running ones. */
  async listOutages(filter: { open?: boolean; limit?: number } = {}): Promise<OutageListItem[]> {
    const query = `SlaKind = 'outage'${filter.open ? ` AND ExecutionStatus = 'Running'` : ''}`;
    return this.list(query, filter.limit ?? 100, 'outages', (info) => {
      const due = info.typedSearchAttributes.get(SlaDueAt);
      const phase = info.typedSearchAttributes.get(SlaPhase);
      const engagement = info.typedSearchAttributes.get(SlaState);
      return {
        outageId: info.workflowId.slice('outage-'.length),
        workflowId: info.workflowId,
        status: info.status.name,
        phase: isOneOf(model.OUTAGE_STATES, phase) ? phase : null,
        engagement: isOneOf(model.ENGAGEMENT_STATES, engagement) ? engagement : null,
        engagementDue: due ? due.toISOString() : null,
        reportedAt: info.startTime.toISOString(),
        closedAt: info.closeTime?.toISOString() ?? null,
      };
    });
  }

  /** The final status of a closed outage workflow, or null when there is none. */
  private async closedOutage(key: string): Promise<outage.OutageStatus | null> {
    const handle = await this.handle(outage.outageWorkflowId(key));
    try {
      const description = await handle.describe();
      if (description.status.name === 'RUNNING') return null;
      // A query, not result(): the final state is the same, and a query never waits on the run.
      return description.status.name === 'COMPLETED' ? await queryStatus(handle, outage.outageStatus) : null;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }
}
