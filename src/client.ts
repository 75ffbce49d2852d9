/**
 * The one client of the engine for support tooling, the CLI and the HTTP API: `SlaClient`, built
 * from configuration (address, namespace, TLS/mTLS, payload codec, ledger), with one area per
 * capability — tickets and sessions, outages, maintenance, credits (src/clients/), customers,
 * reports, audit. Each area parses its input with the schemas of src/model *before* anything is
 * contacted, so a bad input never waits on a connection; failures are the typed errors of
 * errors.ts (invalid, not found, conflict, unavailable), whatever part answered.
 *
 * Connections are opened on first use: uptime needs the ledger and never Temporal, a ticket
 * status needs Temporal and never the ledger. close() releases whatever was opened.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { z } from 'zod';
import { BillingClient } from './clients/billing';
import { parse, parseId, translate, type ClientOptions } from './clients/calls';
import { MaintenanceClient } from './clients/maintenance';
import { OutageClient } from './clients/outages';
import { TicketClient } from './clients/tickets';
import { loadConfig, type Config } from './config';
import { COMMAND_CONNECT_TIMEOUT_MS, connectClient, probeTcp } from './connection';
import { NotFoundError, SlaError } from './errors';
import { parseCustomers } from './ledger/schema';
import type {
  CreditEntry,
  CustomerRecord,
  CustomerVersion,
  Ledger,
  PolicyVersionRecord,
  WriteResult,
} from './ledger/types';
import { Region } from './model/maintenance';
import { Month } from './model/month';
import { EffectiveInstant, effectiveAt } from './model/terms';
import { ClassifyTicket, Id } from './model/ticket';
import { loadPolicy, type LoadedPolicy } from './policy/load';
import { monthPolicies } from './ledger/month-policy';
import type { MonthReport } from './report/build';
import { creditExplanation, type CreditExplanation } from './report/explanation';
import { classify, type Classification } from './rules/classify';
import { ledgerMonthReport } from './report/month';
import type { WorkflowCode } from './audit/current-bundle';
import type { ReplayOutcome, ReplaySummary } from './audit/replay';
import { ledgerRegionDays, ledgerUptime, type MonthUptime, type RegionDays } from './report/uptime';

export interface SlaClientOptions extends ClientOptions {
  /** An already connected Temporal client (the API process keeps one); else one from config. */
  client?: Client;
  /** An already opened ledger; else the configured one, opened and migrated on first use. */
  ledger?: Ledger;
  /** How long to wait for Temporal before answering "unavailable" (default 5 s). */
  connectTimeoutMs?: number;
  /** The policy (month zone, notice hours, version); default: the configured one. */
  policy?: LoadedPolicy;
  /** The workflow code audit replays check against; default: the worker's (src/audit/current-bundle.ts). */
  workflowBundle?: () => Promise<WorkflowCode>;
}

const ReportQuery = z.object({ month: Month, customerId: Id.optional() });
const UptimeQuery = z.object({ month: Month, region: Region.optional() });
const CreditQuery = z.object({ month: Month.optional(), customerId: Id.optional() });
const ExplanationQuery = z.object({ month: Month, customerId: Id });

const EffectiveOption = z.object({ effective: EffectiveInstant.optional() });
const AtOption = z.object({ at: EffectiveInstant.optional() });

/**
 * What an import did (I15): rows read, customers new to the ledger, customers given a new
 * version, customers whose terms were in force already, and the instant the versions take effect.
 */
export interface CustomerImport {
  rows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  effectiveAt: string;
}

/** A contract's end (I15): 'exists' when no terms were in force any more at that instant. */
export interface ContractEnd {
  customerId: string;
  effectiveAt: string;
  result: WriteResult;
}
/** A workflow to audit: every id the engine makes is a prefix ("ticket-", "outage-" …) and a model id. */
export const TimelineQuery = z.object({
  workflowId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'expected a workflow id, e.g. ticket-T-1042'),
  runId: z.uuid().optional(),
});

/** Workflows to replay against the current code, by id (each its latest run). */
export const ReplayQuery = z.object({
  workflowIds: z.array(TimelineQuery.shape.workflowId).min(1).max(100),
});

export class SlaClient {
  private temporal: Promise<Client> | undefined;
  private ownsClient = false;
  private ledgerOpening: Promise<Ledger> | undefined;
  private closeLedger: (() => Promise<void>) | undefined;
  private loadedPolicy: LoadedPolicy | undefined;
  /** Tickets and support sessions (C6–C8, C10–C13; I12): every message an idempotent update. */
  readonly tickets: TicketClient;
  /** Outages (C3, C4, C9; I7, I9). */
  readonly outages: OutageClient;
  /** Planned maintenance (C1, I9). */
  readonly maintenance: MaintenanceClient;
  /** Month-end credits (C2, C14; I10, I14): the billing-month workflow, one per month. */
  readonly credits: BillingClient;

  constructor(
    readonly config: Config,
    private readonly options: SlaClientOptions = {},
  ) {
    if (options.client) this.temporal = Promise.resolve(options.client);
    if (options.ledger) this.ledgerOpening = Promise.resolve(options.ledger);
    this.loadedPolicy = options.policy;
    const connect = () => this.client();
    const { taskQueue } = config;
    this.tickets = new TicketClient(connect, taskQueue, options);
    this.outages = new OutageClient(connect, taskQueue, options);
    this.maintenance = new MaintenanceClient(connect, taskQueue, options);
    this.credits = new BillingClient(connect, taskQueue, () => this.currentPolicy().policy.month, options);
  }

  /** From the environment (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_TLS_*, SLA_CODEC_*, …). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env, options: SlaClientOptions = {}): SlaClient {
    return new SlaClient(loadConfig(env), options);
  }

  /** Closes what this client opened (not a client or ledger it was given). */
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

  private currentPolicy(): LoadedPolicy {
    return (this.loadedPolicy ??= loadPolicy());
  }

  /** A person's date or instant (`effective`, `at`) as the ledger's instant: a day in the month zone (I15). */
  private instant(value: string | undefined): string {
    return value === undefined
      ? new Date(this.options.now?.() ?? Date.now()).toISOString()
      : effectiveAt(value, this.currentPolicy().policy.month.timeZone);
  }

  /** Customers and their terms in force (fees, region, data residency I13; versions I15). */
  readonly customers = {
    /** The customers whose terms are in force at `at` (default now), with those terms. */
    list: async (query: { at?: string } = {}): Promise<CustomerRecord[]> => {
      const q = parse(AtOption, query);
      return (await this.ledger()).customers({ at: this.instant(q.at) });
    },
    get: async (customerId: string): Promise<CustomerRecord> => {
      parseId('customerId', customerId);
      const customer = await (await this.ledger()).customer(customerId);
      if (!customer) throw new NotFoundError(`no customer ${customerId}`);
      return customer;
    },
    /** Every version of a customer's terms, in order of effect (I15). */
    history: async (customerId: string): Promise<CustomerVersion[]> => {
      parseId('customerId', customerId);
      const versions = await (await this.ledger()).customerHistory(customerId);
      if (!versions.length) throw new NotFoundError(`no customer ${customerId}`);
      return versions;
    },
    /**
     * All rows or none (C2 fees, I13 residency): each row is checked, and a customer id given
     * twice is refused naming both rows, before anything is written. Each changed customer gets a
     * version in force from `effective` (default now, I15); the past is never rewritten.
     */
    import: async (rows: unknown[], options: { effective?: string } = {}): Promise<CustomerImport> => {
      const customers = parseCustomers(rows);
      const at = this.instant(parse(EffectiveOption, options).effective);
      const { inserted, updated } = await (
        await this.ledger()
      ).importCustomers(customers, { effectiveAt: at });
      return {
        rows: customers.length,
        inserted,
        updated,
        unchanged: customers.length - inserted - updated,
        effectiveAt: at,
      };
    },
    /** Ends a customer's contract at `effective` (default now, I15): no terms in force from then. */
    end: async (customerId: string, options: { effective?: string } = {}): Promise<ContractEnd> => {
      parseId('customerId', customerId);
      const at = this.instant(parse(EffectiveOption, options).effective);
      const result = await (await this.ledger()).endContract(customerId, { effectiveAt: at });
      return { customerId, effectiveAt: at, result };
    },
  };

  /**
   * C10 / I11: the level the policy's rules give a ticket's subject and body, and the rule and
   * phrase that decided, as opening it would record; nothing is opened, nothing is contacted.
   */
  classify(input: unknown): Classification {
    return classify(this.currentPolicy().policy, parse(ClassifyTicket, input));
  }

  /** The policy versions the engine has judged by (I15), with the months each judged. */
  readonly policy = {
    versions: async (): Promise<PolicyVersionRecord[]> => (await this.ledger()).policyVersions(),
  };

  /** The monthly SLA report (C14, I14): the ledger, and Temporal for the tickets still open. */
  readonly reports = {
    /** A month's uptime (C1; I8, I9), for one region or every region. */
    uptime: async (query: { month: string; region?: string }): Promise<MonthUptime> => {
      const q = parse(UptimeQuery, query);
      const loaded = this.currentPolicy();
      return ledgerUptime(await this.ledger(), loaded, q.month, q.region);
    },
    /** Each region's uptime per local day of a month (C1; I8, I9): the Month page's chart. */
    uptimeByRegion: async (query: { month: string }): Promise<RegionDays> => {
      const q = parse(ReportQuery.pick({ month: true }), query);
      const loaded = this.currentPolicy();
      return ledgerRegionDays(await this.ledger(), loaded, q.month);
    },
    /** The credit entries written (C2, I10), by month and customer. */
    creditEntries: async (filter: { month?: string; customerId?: string } = {}): Promise<CreditEntry[]> =>
      (await this.ledger()).creditEntries(parse(CreditQuery, filter)),
    /**
     * One customer's credit for a month from the ledger alone (C2; I9, I10, I15): the close's
     * computation with every input and reason, beside the entries written (`sla credits explain`).
     */
    creditExplanation: async (query: { month: string; customerId: string }): Promise<CreditExplanation> => {
      const q = parse(ExplanationQuery, query);
      // A bad policy file stops the command before the ledger is opened.
      const current = this.currentPolicy();
      const ledger = await this.ledger();
      return creditExplanation(
        ledger,
        monthPolicies(ledger, () => current),
        () => current,
        q,
      );
    },
    /** Needs Temporal (the open tickets, I14): unavailable when it cannot be reached. */
    month: async (query: { month: string; customerId?: string }): Promise<MonthReport> => {
      const q = parse(ReportQuery, query);
      // A bad policy file stops the command before the ledger is opened.
      const loaded = this.currentPolicy();
      const [ledger, temporal] = await Promise.all([this.ledger(), this.client()]);
      const now = (this.options.now ?? Date.now)();
      try {
        return await ledgerMonthReport(ledger, temporal, loaded, { ...q, now });
      } catch (err) {
        // Temporal's failures (unreachable, a namespace missing) in the engine's words.
        if (err instanceof SlaError) throw err;
        return translate(err);
      }
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
    /**
     * Replays each workflow's history (its latest run) against the current workflow code and
     * says which diverge and at which event (C12): `sla audit replay --workflow-id` and
     * POST /v1/audit/replay. The histories are decoded as the worker decodes them.
     */
    replay: async (
      query: { workflowIds: string[] },
      options: { onOutcome?: (o: ReplayOutcome, index: number) => void } = {},
    ): Promise<ReplaySummary> => {
      const q = parse(ReplayQuery, query);
      const client = await this.client();
      const [{ replayHistories }, { currentWorkflowBundle }, { codecKeys, workerDataConverter }] =
        await Promise.all([import('./audit/replay'), import('./audit/current-bundle'), import('./codec')]);
      const workflowBundle = await (this.options.workflowBundle ?? currentWorkflowBundle)();
      async function* histories() {
        for (const workflowId of q.workflowIds) {
          const history = await client.workflow
            .getHandle(workflowId)
            .fetchHistory()
            .catch((err: unknown) => {
              if (err instanceof WorkflowNotFoundError) throw new NotFoundError(`no workflow ${workflowId}`);
              return translate(err);
            });
          yield { workflowId, history };
        }
      }
      return replayHistories(histories(), {
        workflowBundle,
        dataConverter: workerDataConverter(codecKeys(this.config)),
        ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
      });
    },
  };
}
