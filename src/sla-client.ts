/**
 * The one door to the engine for the CLI, the HTTP API and support tooling: `Sla`, built from
 * configuration (address, namespace, TLS/mTLS, payload codec, ledger), with one typed function per
 * operation grouped by capability — tickets, sessions, outages, maintenance, customers, credits,
 * reports, audit. Inputs are parsed by the schemas the workflows validate with *before* anything
 * is contacted, so a bad input never waits on a connection; failures are the typed errors of
 * errors.ts (invalid, not found, conflict, unavailable), whatever part answered.
 *
 * Connections are opened on first use: a report needs the ledger and never Temporal, a ticket
 * status needs Temporal and never the ledger. close() releases whatever was opened.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/client';
import { parse, SlaClient, translate, type SlaClientOptions } from './client';
import { OutageClient } from './client-outages';
import { loadConfig, type Config } from './config';
import { COMMAND_CONNECT_TIMEOUT_MS, connectClient, probeTcp } from './connection';
import { InvalidInputError, NotFoundError } from './errors';
import type { CustomerRecord, Ledger } from './ledger/types';
import { MaintenanceClient } from './maintenance-client';
import {
  CancelMaintenance,
  EndMaintenance,
  ListMaintenance,
  RescheduleMaintenance,
  ScheduleMaintenance,
  StartMaintenance,
} from './model/maintenance';
import { Month } from './model/month';
import { AcknowledgeOutage, ClassifyOutage, ConfirmStart, ReportOutage, ResolveOutage } from './model/outage';
import {
  Assign,
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
} from './model/ticket';
import { loadPolicy, type LoadedPolicy } from './policy/load';
import type { MonthReport } from './report/build';
import { ledgerMonthReport } from './report/month';
import { MonthCloseRequest, monthCloseProgress, startMonthClose } from './month-close';
import { billingMonthWorkflowId, type BillingProgress } from './workflows/billing-month';
import { z } from 'zod';

export interface SlaOptions extends SlaClientOptions {
  /** An already connected Temporal client (the API process keeps one); else one from config. */
  client?: Client;
  /** An already opened ledger; else the configured one, opened and migrated on first use. */
  ledger?: Ledger;
  /** How long to wait for Temporal before answering "unavailable" (default 5 s). */
  connectTimeoutMs?: number;
  /** The policy (month zone, notice hours, version); default: the configured one. */
  policy?: LoadedPolicy;
}

const ReportQuery = z.object({ month: Month, customerId: Id.optional() });
const TimelineQuery = z.object({
  workflowId: z.string().min(1).max(400),
  runId: z.string().min(1).optional(),
});

export class Sla {
  private temporal: Promise<Client> | undefined;
  private ownsClient = false;
  private ledgerOpening: Promise<Ledger> | undefined;
  private closeLedger: (() => Promise<void>) | undefined;
  private loadedPolicy: LoadedPolicy | undefined;

  constructor(
    readonly config: Config,
    private readonly options: SlaOptions = {},
  ) {
    if (options.client) this.temporal = Promise.resolve(options.client);
    if (options.ledger) this.ledgerOpening = Promise.resolve(options.ledger);
    this.loadedPolicy = options.policy;
  }

  /** From the environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_*, SLA_CODEC_*, …). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, options: SlaOptions = {}): Sla {
    return new Sla(loadConfig(env), options);
  }

  /** Closes what this facade opened (not a client or ledger it was given). */
  async close(): Promise<void> {
    const client = this.ownsClient ? await this.temporal?.catch(() => undefined) : undefined;
    await Promise.all([client?.connection.close(), this.closeLedger?.()]);
  }

  private client(): Promise<Client> {
    if (!this.temporal) {
      this.ownsClient = true;
      const timeoutMs = this.options.connectTimeoutMs ?? COMMAND_CONNECT_TIMEOUT_MS;
      this.temporal = probeTcp(this.config.temporalAddress, timeoutMs).then(() =>
        connectClient(this.config, timeoutMs),
      );
    }
    return this.temporal;
  }

  private async ticketClient() {
    return new SlaClient(await this.client(), this.config.taskQueue, this.options);
  }

  private ledger(): Promise<Ledger> {
    this.ledgerOpening ??= (async () => {
      const { openLedger } = await import('./ledger');
      const ledger = await openLedger(this.config);
      this.closeLedger = () => ledger.close();
      await ledger.migrate();
      return ledger;
    })();
    return this.ledgerOpening;
  }

  private policy(): LoadedPolicy {
    return (this.loadedPolicy ??= loadPolicy());
  }

  /** Tickets (C6–C8, C10–C13): every message is an idempotent update keyed by its requestId. */
  readonly tickets = {
    /** Opens a ticket; the same ticketId again returns the running one (`created: false`). */
    open: async (input: unknown) => {
      parse(OpenTicket, input);
      return (await this.ticketClient()).openTicket(input);
    },
    status: async (ticketId: string) => {
      checkId('ticketId', ticketId);
      return (await this.ticketClient()).ticketStatus(ticketId);
    },
    list: async (filter: ListTickets = {}) => {
      parse(ListTickets, filter);
      return (await this.ticketClient()).listTickets(filter);
    },
    assign: async (ticketId: string, message: unknown) => {
      precheck('ticketId', ticketId, Assign, message);
      return (await this.ticketClient()).assign(ticketId, message);
    },
    /** The first response: stops the clock and records met or breached (I5, I6). */
    respond: async (ticketId: string, message: unknown) => {
      precheck('ticketId', ticketId, FirstResponse, message);
      return (await this.ticketClient()).recordFirstResponse(ticketId, message);
    },
    reply: async (ticketId: string, message: unknown) => {
      precheck('ticketId', ticketId, Reply, message);
      return (await this.ticketClient()).reply(ticketId, message);
    },
    resolve: async (ticketId: string, message: unknown) => {
      precheck('ticketId', ticketId, Resolve, message);
      return (await this.ticketClient()).resolve(ticketId, message);
    },
    reopen: async (ticketId: string, message: unknown) => {
      precheck('ticketId', ticketId, Reopen, message);
      return (await this.ticketClient()).reopen(ticketId, message);
    },
    escalate: async (ticketId: string, message: unknown) => {
      precheck('ticketId', ticketId, Escalate, message);
      return (await this.ticketClient()).escalate(ticketId, message);
    },
    /** A new level, with the clock recomputed from the original opening (I11). */
    reclassify: async (ticketId: string, message: unknown) => {
      precheck('ticketId', ticketId, Reclassify, message);
      return (await this.ticketClient()).reclassify(ticketId, message);
    },
  };

  /** Support sessions (C13, I12). */
  readonly sessions = {
    start: async (input: unknown) => {
      parse(OpenSession, input);
      return (await this.ticketClient()).openSession(input);
    },
    status: async (sessionId: string) => {
      checkId('sessionId', sessionId);
      return (await this.ticketClient()).sessionStatus(sessionId);
    },
    end: async (sessionId: string, message: { requestId: string }) => {
      checkId('sessionId', sessionId);
      checkId('requestId', message.requestId);
      return (await this.ticketClient()).endSession(sessionId, message.requestId);
    },
  };

  /** Outages (C3, C4, C9; I7, I9). */
  readonly outages = {
    /** Opens the outage, or joins the open one of the same key (update-with-start). */
    report: async (input: unknown) => {
      parse(ReportOutage, input);
      return (await this.outageClient()).reportOutage(input);
    },
    /** A Level 3 responder engaged (C9, I7). */
    acknowledge: async (key: string, message: unknown) => {
      precheck('key', key, AcknowledgeOutage, message);
      return (await this.outageClient()).acknowledgeOutage(key, message);
    },
    classify: async (key: string, message: unknown) => {
      precheck('key', key, ClassifyOutage, message);
      return (await this.outageClient()).classifyOutage(key, message);
    },
    /** I7: the start a webhook claimed is confirmed; the outage counts from it. */
    confirmStart: async (key: string, message: unknown) => {
      precheck('key', key, ConfirmStart, message);
      return (await this.outageClient()).confirmStart(key, message);
    },
    resolve: async (key: string, message: unknown) => {
      precheck('key', key, ResolveOutage, message);
      return (await this.outageClient()).resolveOutage(key, message);
    },
    status: async (key: string) => {
      checkId('key', key);
      return (await this.outageClient()).outageStatus(key);
    },
    list: async (filter: { open?: boolean; limit?: number } = {}) =>
      (await this.outageClient()).listOutages(filter),
  };

  private async outageClient() {
    return new OutageClient(await this.client(), this.config.taskQueue, this.options);
  }

  /** Planned maintenance (C1, I9). */
  readonly maintenance = {
    /** Announces a window: notices go out at once (C1). */
    schedule: async (input: unknown) => {
      parse(ScheduleMaintenance, input);
      return (await this.maintenanceClient()).scheduleMaintenance(input);
    },
    reschedule: async (id: string, message: unknown) => {
      precheck('maintenanceId', id, RescheduleMaintenance, message);
      return (await this.maintenanceClient()).rescheduleMaintenance(id, message);
    },
    cancel: async (id: string, message: unknown) => {
      precheck('maintenanceId', id, CancelMaintenance, message);
      return (await this.maintenanceClient()).cancelMaintenance(id, message);
    },
    start: async (id: string, message: unknown) => {
      precheck('maintenanceId', id, StartMaintenance, message);
      return (await this.maintenanceClient()).startMaintenance(id, message);
    },
    end: async (id: string, message: unknown) => {
      precheck('maintenanceId', id, EndMaintenance, message);
      return (await this.maintenanceClient()).endMaintenance(id, message);
    },
    status: async (id: string) => {
      checkId('maintenanceId', id);
      return (await this.maintenanceClient()).maintenanceStatus(id);
    },
    list: async (filter: unknown = {}) => {
      parse(ListMaintenance, filter);
      return (await this.maintenanceClient()).listMaintenance(filter);
    },
  };

  private async maintenanceClient() {
    return new MaintenanceClient(await this.client(), this.config.taskQueue, this.options);
  }

  /** Customers as the ledger knows them (fees, region, data residency I13). */
  readonly customers = {
    list: async (): Promise<CustomerRecord[]> => (await this.ledger()).customers(),
    get: async (customerId: string): Promise<CustomerRecord> => {
      checkId('customerId', customerId);
      const customer = await (await this.ledger()).customer(customerId);
      if (!customer) throw new NotFoundError(`no customer ${customerId}`);
      return customer;
    },
  };

  /** Month-end credits (C2, C14; I10, I14): the billing-month workflow, one per month. */
  readonly credits = {
    /**
     * Closes a month that has ended (or joins the close in progress; a month closed before is
     * closed again, which writes only adjustments, I10). Inside the grace period it is refused
     * unless `force` (I14: src/rules/month-close.ts). Answers the workflow id to follow.
     */
    runMonth: async (input: {
      month: string;
      batchSize?: number;
      force?: boolean;
    }): Promise<{ workflowId: string }> => {
      const request = parse(MonthCloseRequest, input);
      return startMonthClose(
        {
          client: () => this.client(),
          taskQueue: this.config.taskQueue,
          months: this.policy().policy.month,
          // The facade's caller is the CLI (the API route says `force: true`).
          forceFlag: '--force',
        },
        request,
      );
    },
    /** Where the month's close stands (across continue-as-new: the handle follows the chain). */
    progress: async (month: string): Promise<BillingProgress> =>
      monthCloseProgress(() => this.client(), parse(Month, month)),
    /** Waits for the month's close to finish and answers its summary. */
    result: async (month: string): Promise<BillingProgress> => {
      const m = parse(Month, month);
      try {
        return (await (
          await this.client()
        ).workflow
          .getHandle(billingMonthWorkflowId(m))
          .result()) as BillingProgress;
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no month close for ${m}`);
        return translate(err);
      }
    },
  };

  /** The monthly SLA report (C14, I14), from the ledger alone. */
  readonly reports = {
    month: async (query: { month: string; customerId?: string }): Promise<MonthReport> => {
      const q = parse(ReportQuery, query);
      // A bad policy file stops the command before the ledger is opened.
      const loaded = this.policy();
      return ledgerMonthReport(await this.ledger(), loaded, q.month, q.customerId);
    },
  };

  /** For auditors: a workflow's decisions, read from its history with the codec keys. */
  readonly audit = {
    timeline: async (query: { workflowId: string; runId?: string }) => {
      const q = parse(TimelineQuery, query);
      const client = await this.client();
      const { timelineOf, historyChain } = await import('./audit');
      let histories;
      try {
        // A month that continued as new is several runs: the timeline follows them all.
        histories = await historyChain(
          (runId) => client.workflow.getHandle(q.workflowId, runId).fetchHistory(),
          q.runId,
        );
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no workflow ${q.workflowId}`);
        return translate(err);
      }
      return timelineOf(histories, client.options.dataConverter.payloadCodecs ?? [], q.workflowId);
    },
  };
}

function checkId(field: string, value: unknown): void {
  const parsed = Id.safeParse(value);
  if (!parsed.success)
    throw new InvalidInputError(parsed.error.issues.map((i) => ({ path: field, message: i.message })));
}

/** A message's target id and body are checked before any connection is made. */
function precheck(idField: string, id: string, schema: z.ZodType, message: unknown): void {
  checkId(idField, id);
  parse(schema, message);
}
