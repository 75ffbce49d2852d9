/**
 * The engine's own Prometheus metrics (docs/observability.md lists each). Every label takes its value from a set fixed
 * here (levels, states, channels, reasons, route ids, roles): a ticket, customer or outage id, a
 * person or any text a caller sent never becomes a label, so a series count stays bounded whatever
 * the traffic (test/unit/metrics-labels.test.ts holds that). The worker's GET /metrics serves
 * `registry`, the API's `apiRegistry`.
 */
import { Counter, Gauge, Histogram, Registry, type LabelValues } from 'prom-client';
import { LEVELS } from '../model/message-checks';
import { SLA_STATES } from '../model/ticket';

/** The worker's metrics, and the API's: each process serves its own. */
export const registry = new Registry();
export const apiRegistry = new Registry();

/** Anything outside a label's set is counted under this value instead of the value itself. */
export const OTHER = 'other';

/** The values each label may take (besides OTHER); the unit test reads this too. */
export const LABEL_SETS = {
  level: LEVELS,
  state: SLA_STATES,
  kind: ['warning', 'breach', 'manual', 'suspension'],
  channel: ['email', 'page'],
  outcome: ['sent', 'failed'],
  /** Why a delivery failed: refused for good, the far end unavailable (retried), or our error. */
  reason: ['ok', 'rejected', 'unavailable', 'timeout', 'error'],
  entry: ['credit', 'adjustment'],
  /** The ledger's writes (src/ledger/types.ts), each timed by ./ledger.ts. */
  operation: [
    'importCustomers',
    'endContract',
    'recordPolicyVersion',
    'recordMonthPolicy',
    'recordOutage',
    'recordMaintenance',
    'recordMaintenanceNotices',
    'appendCreditEntries',
    'recordMonthClose',
    'recordTicketOutcome',
  ],
  /** A ledger write's outcome. */
  result: ['ok', 'error'],
} as const;

type LabelName = keyof typeof LABEL_SETS;

/** The value itself when it is one of its label's set, else OTHER. */
export function bounded<L extends LabelName>(label: L, value: string): string {
  return (LABEL_SETS[label] as readonly string[]).includes(value) ? value : OTHER;
}

/** Labels made bounded, for a metric whose labels are all of LABEL_SETS. */
export function labels<L extends LabelName>(values: Record<L, string>): LabelValues<L> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, bounded(k as LabelName, v as string)]),
  ) as LabelValues<L>;
}

/** What refreshes sla_tickets_open before a scrape reads it (./open-tickets.ts), if anything. */
let countOpenTickets: (() => Promise<void>) | undefined;
export function onOpenTicketsScrape(count: (() => Promise<void>) | undefined): void {
  countOpenTickets = count;
}

export const openTickets = new Gauge({
  name: 'sla_tickets_open',
  help: 'Open tickets by SLA state and level (Temporal visibility, counted at most every 15 s)',
  labelNames: ['state', 'level'] as const,
  registers: [registry],
  async collect() {
    await countOpenTickets?.();
  },
});

export const stepsFired = new Counter({
  name: 'sla_escalation_steps_total',
  help: 'Ticket escalation steps fired, by level and kind (counted by the step’s first delivery)',
  labelNames: ['level', 'kind'] as const,
  registers: [registry],
});

export const breaches = new Counter({
  name: 'sla_breaches_total',
  help: 'Tickets whose response deadline was breached (C6–C8): the first breach step of their level fired',
  labelNames: ['level'] as const,
  registers: [registry],
});

export const deliveries = new Counter({
  name: 'sla_deliveries_total',
  help: 'Emails and pages: sent, or failed by reason (each attempt)',
  labelNames: ['channel', 'outcome', 'reason'] as const,
  registers: [registry],
});

export const outageAckSeconds = new Histogram({
  name: 'sla_outage_ack_seconds',
  help: 'From outage detection to a Level 3 acknowledgement (C9, I7), observed when the outage is written',
  buckets: [60, 120, 300, 600, 900, 1200, 1800, 2700, 3600, 7200],
  registers: [registry],
});

export const monthCloseSeconds = new Histogram({
  name: 'sla_month_close_seconds',
  help: 'A month close (I14), from its workflow’s start to its close record',
  buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600],
  registers: [registry],
});

export const monthCloseEntries = new Counter({
  name: 'sla_month_close_entries_total',
  help: 'Credit entries the month close wrote (I10), by kind',
  labelNames: ['entry'] as const,
  registers: [registry],
});

export const ledgerWriteSeconds = new Histogram({
  name: 'sla_ledger_write_seconds',
  help: 'Ledger writes, by operation and outcome',
  labelNames: ['operation', 'result'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

export const apiRequests = new Counter({
  name: 'sla_api_requests_total',
  help: 'API requests of the route table, by route id, caller role and status',
  labelNames: ['route', 'role', 'status'] as const,
  registers: [apiRegistry],
});
