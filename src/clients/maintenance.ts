/**
 * Planned maintenance (C1, I9): every input parsed once here with the schemas of src/model, each
 * message sent with its definition from src/messages as an update whose id is its requestId (a
 * retried call is applied once).
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { ConflictError } from '../errors';
import {
  cancel,
  ended,
  maintenanceStatus,
  maintenanceWorkflowId,
  reschedule,
  started,
  type MaintenanceStatus,
} from '../messages/maintenance';
import {
  CancelMaintenance,
  EndMaintenance,
  ListMaintenance,
  MAINTENANCE_STATES,
  RescheduleMaintenance,
  ScheduleMaintenance,
  StartMaintenance,
  type MaintenanceState,
} from '../model/maintenance';
import { SlaState, SlaWindowStart } from '../search-attributes';
import { Calls, isOneOf, parse, parseId, translate, type ClientOptions, type ClientSource } from './calls';

export interface MaintenanceSummary extends WindowMemo {
  maintenanceId: string;
  workflowId: string;
  state: MaintenanceState;
}

/** The window as the workflow keeps it in its memo, for lists without a query. */
interface WindowMemo {
  start: string;
  end: string;
  regions: string[];
  version: number;
  qualifies: boolean;
}

export class MaintenanceClient {
  private readonly calls: Calls;

  constructor(client: ClientSource, taskQueue: string, options: ClientOptions = {}) {
    this.calls = new Calls(client, taskQueue, options);
  }

  /**
   * Announces a window: notices go out at once. The same maintenanceId again returns the
   * existing workflow (running or finished): an id is used once.
   */
  scheduleMaintenance(input: unknown): Promise<{ workflowId: string; created: boolean }> {
    const window = parse(ScheduleMaintenance, input);
    return this.calls.startWorkflow('maintenanceWorkflow', {
      ...this.calls.startOptions(),
      workflowId: maintenanceWorkflowId(window.maintenanceId),
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
      args: [window],
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
  }

  /** One message to a window: its id and body parsed, then sent with its definition. */
  private async update<R, S extends z.ZodType<{ requestId: string }>>(
    maintenanceId: unknown,
    update: UpdateDefinition<R, [z.infer<S>]>,
    schema: S,
    message: unknown,
  ): Promise<R> {
    const id = parseId('maintenanceId', maintenanceId);
    const workflowId = maintenanceWorkflowId(id);
    return this.calls.update(workflowId, update, parse(schema, message), async (err) => {
      // A finished window refuses messages: that is a conflict, not an unknown window.
      const closed = await (await this.calls.handle(workflowId)).describe().then(
        (d) => d.status.name,
        () => null,
      );
      if (closed) throw new ConflictError(`maintenance ${id} is over (${closed.toLowerCase()})`);
      return translate(err);
    });
  }

  /** New window (and regions): notices go out again and C1 is judged against the new start. */
  rescheduleMaintenance(maintenanceId: unknown, message: unknown) {
    return this.update(maintenanceId, reschedule, RescheduleMaintenance, message);
  }
  /** Withdraws the window: customers who were told get a cancellation; recorded as cancelled. */
  cancelMaintenance(maintenanceId: unknown, message: unknown) {
    return this.update(maintenanceId, cancel, CancelMaintenance, message);
  }
  /** The operator says the work started (`at`, default now). */
  startMaintenance(maintenanceId: unknown, message: unknown) {
    return this.update(maintenanceId, started, StartMaintenance, message);
  }
  /** The operator says the work ended (`at`, default now); past the announced end is an overrun (I9). */
  endMaintenance(maintenanceId: unknown, message: unknown) {
    return this.update(maintenanceId, ended, EndMaintenance, message);
  }

  maintenanceStatus(maintenanceId: unknown): Promise<MaintenanceStatus> {
    const id = parseId('maintenanceId', maintenanceId);
    return this.calls.status(maintenanceWorkflowId(id), maintenanceStatus, translate);
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
    const windows = await this.calls.list(query, Infinity, 'maintenance windows', (w) => {
      const memo = w.memo?.window as WindowMemo | undefined;
      const state = w.typedSearchAttributes.get(SlaState);
      // Not started by this client: no window to show.
      if (!memo || !isOneOf(MAINTENANCE_STATES, state)) return null;
      return {
        maintenanceId: w.workflowId.replace(/^maintenance-/, ''),
        workflowId: w.workflowId,
        state,
        ...memo,
      };
    });
    return windows.sort(
      (a, b) => a.start.localeCompare(b.start) || a.maintenanceId.localeCompare(b.maintenanceId),
    );
  }
}
