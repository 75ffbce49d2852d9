/**
 * Planned maintenance (C1, I9): every input parsed once here with the schemas of src/model, each
 * message sent with its definition from src/messages as an update whose id is its requestId (a
 * retried call is applied once).
 */
import { ConflictError } from '../errors';
import * as maintenance from '../messages/maintenance';
import * as model from '../model/maintenance';
import { Id } from '../model/ticket';
import { SlaState, SlaWindowStart } from '../search-attributes';
import { Calls, isOneOf, parse, parseId, translate } from './calls';

export interface MaintenanceSummary extends maintenance.WindowMemo {
  maintenanceId: string;
  workflowId: string;
  state: model.MaintenanceState;
}

export class MaintenanceClient extends Calls {
  /**
   * Announces a window: notices go out at once. The same maintenanceId again returns the
   * existing workflow (running or finished): an id is used once.
   */
  async scheduleMaintenance(input: unknown): Promise<{ workflowId: string; created: boolean }> {
    const window = parse(model.ScheduleMaintenance, input);
    return this.startWorkflow('maintenanceWorkflow', {
      ...this.startOptions(),
      workflowId: maintenance.maintenanceWorkflowId(window.maintenanceId),
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
        } satisfies maintenance.WindowMemo,
      },
    });
  }

  private readonly message = this.messages('maintenanceId', Id, maintenance.maintenanceWorkflowId, (id) => {
    // A finished window refuses messages: that is a conflict, not an unknown window.
    return async (err) => {
      const handle = await this.handle(maintenance.maintenanceWorkflowId(id));
      const closed = await handle.describe().then(
        (d) => d.status.name,
        () => null,
      );
      if (closed) throw new ConflictError(`maintenance ${id} is over (${closed.toLowerCase()})`);
      return translate(err);
    };
  });

  /** New window (and regions): notices go out again and C1 is judged against the new start. */
  readonly rescheduleMaintenance = this.message(maintenance.reschedule, model.RescheduleMaintenance);
  /** Withdraws the window: customers who were told get a cancellation; recorded as cancelled. */
  readonly cancelMaintenance = this.message(maintenance.cancel, model.CancelMaintenance);
  /** The operator says the work started (`at`, default now). */
  readonly startMaintenance = this.message(maintenance.started, model.StartMaintenance);
  /** The operator says the work ended (`at`, default now); past the announced end is an overrun (I9). */
  readonly endMaintenance = this.message(maintenance.ended, model.EndMaintenance);

  async maintenanceStatus(maintenanceId: unknown): Promise<maintenance.MaintenanceStatus> {
    const id = parseId('maintenanceId', maintenanceId);
    return this.status(maintenance.maintenanceWorkflowId(id), maintenance.maintenanceStatus, translate);
  }

  /** Windows from visibility (search attributes and memo): no worker needed, no replay. */
  async listMaintenance(filter: unknown = {}): Promise<MaintenanceSummary[]> {
    const f = parse(model.ListMaintenance, filter);
    // Every value below passed a schema (an enum, ISO instants): nothing else reaches the query.
    const query = [
      `WorkflowType = 'maintenanceWorkflow'`,
      ...(f.state ? [`SlaState = '${f.state}'`] : []),
      ...(f.from ? [`SlaWindowStart >= '${new Date(f.from).toISOString()}'`] : []),
      ...(f.to ? [`SlaWindowStart < '${new Date(f.to).toISOString()}'`] : []),
    ].join(' AND ');
    const windows = await this.list(query, Infinity, 'maintenance windows', (w) => {
      // Written by the workflow (satisfies WindowMemo there); absent for a window not started by this client.
      const memo = w.memo?.window as maintenance.WindowMemo | undefined;
      const state = w.typedSearchAttributes.get(SlaState);
      // Not started by this client: no window to show.
      if (!memo || !isOneOf(model.MAINTENANCE_STATES, state)) return null;
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
