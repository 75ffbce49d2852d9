/**
 * The typed client for planned maintenance (C1, I9), companion to src/client.ts (same errors,
 * same options): inputs parsed by the schemas the workflow validates with, each
 * message sent as an update whose id is its requestId (a retried call is applied once), typed
 * errors.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { z } from 'zod';
import { parse, queryStatus, translate, type SlaClientOptions } from './client';
import { ConflictError, InvalidInputError } from './errors';
import {
  CancelMaintenance,
  EndMaintenance,
  ListMaintenance,
  type MaintenanceState,
  maintenanceWorkflowId,
  RescheduleMaintenance,
  ScheduleMaintenance,
  StartMaintenance,
} from './model/maintenance';
import { Id } from './model/ticket';
import { SlaState, SlaWindowStart } from './search-attributes';
import type { MaintenanceStatus, NoticeResult } from './workflows/maintenance';

export interface MaintenanceSummary {
  maintenanceId: string;
  workflowId: string;
  state: MaintenanceState;
  start: string;
  end: string;
  regions: string[];
  version: number;
  qualifies: boolean;
}

interface WindowMemo {
  start: string;
  end: string;
  regions: string[];
  version: number;
  qualifies: boolean;
}

export class MaintenanceClient {
  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
    private readonly options: SlaClientOptions = {},
  ) {}

  /**
   * Announces a window: notices go out at once. The same maintenanceId again returns the
   * existing workflow (running or finished): an id is used once.
   */
  async scheduleMaintenance(input: unknown): Promise<{ workflowId: string; created: boolean }> {
    const window = parse(ScheduleMaintenance, input);
    const workflowId = maintenanceWorkflowId(window.maintenanceId);
    try {
      await this.client.workflow.start('maintenanceWorkflow', {
        taskQueue: this.taskQueue,
        workflowId,
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        args: [window],
        ...(this.options.workflowTaskTimeout
          ? { workflowTaskTimeout: this.options.workflowTaskTimeout }
          : {}),
        typedSearchAttributes: [
          { key: SlaState, value: 'scheduled' },
          { key: SlaWindowStart, value: new Date(window.start) },
        ],
        // The workflow keeps it current; set here so that a list sees the window at once.
        memo: {
          window: {
            start: new Date(window.start).toISOString(),
            end: new Date(window.end).toISOString(),
            regions: window.regions,
            version: 1,
            qualifies: false,
          } satisfies WindowMemo,
        },
      });
      return { workflowId, created: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, created: false };
      return translate(err);
    }
  }

  private async update<R>(
    maintenanceId: unknown,
    name: string,
    schema: z.ZodType<{ requestId: string }>,
    message: unknown,
  ): Promise<R> {
    const id = parseId(maintenanceId);
    const parsed = parse(schema, message);
    const handle = this.client.workflow.getHandle(maintenanceWorkflowId(id));
    try {
      return await handle.executeUpdate<R, [typeof parsed]>(name, {
        args: [parsed],
        updateId: parsed.requestId,
      });
    } catch (err) {
      // A finished window refuses messages: that is a conflict, not an unknown window.
      if (err instanceof WorkflowNotFoundError) {
        const closed = await handle.describe().then(
          (d) => d.status.name,
          () => null,
        );
        if (closed) throw new ConflictError(`maintenance ${id} is over (${closed.toLowerCase()})`);
      }
      return translate(err);
    }
  }

  /** New window (and regions): notices go out again and C1 is judged against the new start. */
  rescheduleMaintenance(maintenanceId: unknown, message: unknown) {
    return this.update<NoticeResult>(maintenanceId, 'reschedule', RescheduleMaintenance, message);
  }
  /** Withdraws the window: customers who were told get a cancellation; recorded as cancelled. */
  cancelMaintenance(maintenanceId: unknown, message: unknown) {
    return this.update<{ version: number; notified: number }>(
      maintenanceId,
      'cancel',
      CancelMaintenance,
      message,
    );
  }
  /** The operator says the work started (`at`, default now). */
  startMaintenance(maintenanceId: unknown, message: unknown) {
    return this.update<{ state: MaintenanceState; startedAt: string }>(
      maintenanceId,
      'started',
      StartMaintenance,
      message,
    );
  }
  /** The operator says the work ended (`at`, default now); past the announced end is an overrun (I9). */
  endMaintenance(maintenanceId: unknown, message: unknown) {
    return this.update<{ endedAt: string; overrunMs: number }>(
      maintenanceId,
      'ended',
      EndMaintenance,
      message,
    );
  }

  async maintenanceStatus(maintenanceId: unknown): Promise<MaintenanceStatus> {
    const id = parseId(maintenanceId);
    try {
      return await queryStatus<MaintenanceStatus>(this.client.workflow.getHandle(maintenanceWorkflowId(id)));
    } catch (err) {
      return translate(err);
    }
  }

  /** Windows from visibility (search attributes and memo): no worker needed, no replay. */
  async listMaintenance(filter: unknown = {}): Promise<MaintenanceSummary[]> {
    const f = parse(ListMaintenance, filter);
    // Every value below passed a schema (an enum, ISO instants): nothing else reaches the query.
    const query = [
      `WorkflowType = 'maintenanceWorkflow'`,
      ...(f.state ? [`SlaState = '${f.state}'`] : []),
      ...(f.from ? [`SlaWindowStart >= '${new Date(f.from).toISOString()}'`] : []),
      ...(f.to ? [`SlaWindowStart < '${new Date(f.to).toISOString()}'`] : []),
    ].join(' AND ');
    const out: MaintenanceSummary[] = [];
    try {
      for await (const w of this.client.workflow.list({ query })) {
        const memo = w.memo?.window as WindowMemo | undefined;
        const state = w.typedSearchAttributes.get(SlaState);
        if (!memo || !state) continue; // not started by this client: no window to show
        out.push({
          maintenanceId: w.workflowId.replace(/^maintenance-/, ''),
          workflowId: w.workflowId,
          state: state as MaintenanceState,
          ...memo,
        });
      }
    } catch (err) {
      return translate(err);
    }
    return out.sort(
      (a, b) => a.start.localeCompare(b.start) || a.maintenanceId.localeCompare(b.maintenanceId),
    );
  }
}

function parseId(maintenanceId: unknown): string {
  const parsed = Id.safeParse(maintenanceId);
  if (!parsed.success)
    throw new InvalidInputError(
      parsed.error.issues.map((i) => ({ path: 'maintenanceId', message: i.message })),
    );
  return parsed.data;
}
