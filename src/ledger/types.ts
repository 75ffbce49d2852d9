/**
 * What the ledger holds and the one interface every part of the engine writes and reads it
 * through (C14, I8–I10, I14). Activities depend on this interface, never on a database driver,
 * so workflow tests can run on an embedded PGlite in a temporary directory and production on
 * PostgreSQL with the same code. Instants are UTC ISO-8601 strings; money is integer minor units.
 */
import type { TicketClock } from '../model/level';

/** A customer of the vendor: what credits (C2, I10), notices (C1) and routing (C12, I13) need. */
export interface CustomerRecord {
  customerId: string;
  name: string;
  /** Annual fee in minor units (cents); a safe integer. */
  annualFeeMinor: number;
  /** ISO 4217 code, e.g. "CAD". */
  currency: string;
  /** The deployment region the customer's members use (I9: an outage counts where it hits it). */
  region: string;
  /** Who receives maintenance notices and credit notices. */
  administrators: string[];
  /** C12 / I13: data access restricted to Canada-based staff. */
  canadaOnlyDataAccess: boolean;
}

/** A customer's terms without its id: what one version of them holds (I15). */
export type CustomerTerms = Omit<CustomerRecord, 'customerId'>;

/**
 * One version of a customer's terms (I15), in force from `effectiveAt` until the customer's next
 * version. Written once: a change is a new version, never an edit of an old one.
 */
export interface CustomerVersion {
  customerId: string;
  /** When it takes effect (ISO instant; a date given by people means 00:00 in the month zone). */
  effectiveAt: string;
  /** When the ledger recorded it. */
  recordedAt: string;
  /** The terms in force from effectiveAt; null: the contract ends at effectiveAt. */
  terms: CustomerTerms | null;
}

/**
 * A customer's versions that bear on a period [from, to): the one in force at `from` (if any),
 * then each later one taking effect before `to`, in order of effectiveAt.
 */
export interface CustomerTermsInRange {
  customerId: string;
  versions: CustomerVersion[];
}

/** A policy version the engine has used (its content hash) and its canonical JSON. */
export interface PolicyVersionRecord {
  version: string;
  /** The policy object, as canonical JSON parses back (sorted keys). */
  policy: unknown;
  recordedAt: string;
  /** The months whose close this version judges (I15), in order. */
  months: string[];
}

/** The policy version a month is judged by: the one in force when its close first began (I15). */
export interface MonthPolicy {
  month: string;
  policyVersion: string;
  recordedAt: string;
}

/** C3 / C4 / I9: only `unexpected` outages count as downtime. */
export type OutageClassification = 'unexpected' | 'external' | 'partial';

export interface ClassificationChange {
  at: string;
  by: string;
  classification: OutageClassification;
  regions: string[];
  reason: string;
}

/** One resolved outage, written once when its workflow ends (C9, I7, I9). */
export interface OutageRecord {
  outageId: string;
  /** Detection: when the first report says it started. */
  start: string;
  end: string;
  classification: OutageClassification;
  /** Affected deployment regions. */
  regions: string[];
  /** C9 / I7: when a Level 3 responder acknowledged, who, and whether within the target. */
  engagedAt: string | null;
  engagedBy: string | null;
  engagementMet: boolean;
  classificationHistory: ClassificationChange[];
  policyVersion: string;
  workflowId: string;
}

/** One planned maintenance window, written once when it ends or is cancelled (C1, I9). */
export interface MaintenanceRecord {
  maintenanceId: string;
  /** The announced window. */
  start: string;
  end: string;
  regions: string[];
  /** When the last notice for this window (as finally scheduled) went out; null if none did. */
  announcedAt: string | null;
  /** Notice at least the policy's hours before start (C1): only then is the window excluded. */
  qualifies: boolean;
  /** What really happened; null means it ran as announced. */
  actualStart: string | null;
  actualEnd: string | null;
  status: 'completed' | 'cancelled';
  policyVersion: string;
  workflowId: string;
  /**
   * Every round of notices in order (I9 as amended): what each announced or withdrew, and when
   * it was published. Absent on records written before rounds were kept.
   */
  rounds?: NoticeRoundRecord[];
}

/** One round of a maintenance's notices, as published (the window's version). */
export interface NoticeRoundRecord {
  version: number;
  kind: 'scheduled' | 'rescheduled' | 'cancelled';
  /** The window it announced (for a cancellation: the window withdrawn). */
  start: string;
  end: string;
  regions: string[];
  /** When the round was published (its notices requested). */
  publishedAt: string;
}

/**
 * One notice of a maintenance to one customer (I9 as amended), whether or not it reached them:
 * the window it announced, or a withdrawal (a cancellation, or a reschedule that no longer
 * affects the customer). Written once per (maintenance, customer, version).
 */
export interface CustomerNotice {
  maintenanceId: string;
  customerId: string;
  /** The round (the window's version): a later round withdraws what it no longer covers. */
  version: number;
  kind: 'announced' | 'withdrawn';
  /** The window announced (for a withdrawal: the window withdrawn). */
  start: string;
  end: string;
  /** When the mail server (or outbox) accepted it for the customer's administrators; null: it never did. */
  sentAt: string | null;
}

/**
 * A credit entry (C2, I10). Append-only: the business key (customerId, month, kind, sequence)
 * makes a repeated write a no-op; a correction after close is a new `adjustment` whose
 * creditMinor is the difference from what was already credited.
 */
export interface CreditEntry {
  customerId: string;
  /** "YYYY-MM", a calendar month in the policy's month time zone (I8). */
  month: string;
  kind: 'credit' | 'adjustment';
  sequence: number;
  currency: string;
  /** Decimal string for display, truncated to 4 decimals (e.g. "99.9431"); the tier used the exact ratio. */
  uptimePercent: string;
  creditPercent: number;
  monthlyFeeMinor: number;
  creditMinor: number;
  /** The inputs behind the figure, so that an auditor can redo it. */
  totalMs: number;
  excludedMs: number;
  downtimeMs: number;
  outageIds: string[];
  maintenanceIds: string[];
  policyVersion: string;
  workflowId: string;
  createdAt: string;
}

export interface MonthClose {
  month: string;
  closedAt: string;
  workflowId: string;
  customers: number;
  totalCreditMinor: number;
  /**
   * Outages still running when the month was closed, counted from detection to the month's end
   * (I8, I14); absent on closes recorded before they were counted.
   */
  openOutages?: number;
  /** Which outages those were; absent on closes recorded before the ids were kept. */
  openOutageIds?: string[];
}

export type WriteResult = 'written' | 'exists';

/** Which credit entries a read wants; every field narrows. */
export interface CreditFilter {
  month?: string;
  customerId?: string;
  /** Customers with ids in (after, through], in the ledger's id order: one billing batch. */
  customerRange?: { after: string | null; through: string };
  /** Entries written by one billing batch call (its deterministic write instant, ISO). */
  createdAt?: string;
}

/** What has been credited so far for one customer and month: the base of an adjustment (I10). */
export interface CreditedTotal {
  customerId: string;
  month: string;
  currency: string;
  /** The sum of every entry's creditMinor (credit and adjustments). */
  creditedMinor: number;
  entries: number;
  /** The sequence the next adjustment takes (1 for the first). */
  nextAdjustmentSequence: number;
}

export interface Ledger {
  /** Applies the schema migrations not yet applied (idempotent; safe from several processes). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /**
   * Adds a version of each customer's terms in force from `effectiveAt` (default: now), all rows
   * or none (I15). `inserted`: customers new to the ledger; `updated`: a new version of a known
   * customer; the others had these terms in force at that instant already. Refused, naming
   * `effective`, for an instant inside a month whose close has begun (its terms are fixed) when a
   * row would change them there (the same file again changes nothing and answers as before), or
   * where a customer has other terms recorded at that very instant.
   */
  importCustomers(
    rows: CustomerRecord[],
    options?: { effectiveAt?: string },
  ): Promise<{ inserted: number; updated: number }>;
  /** Ends a customer's contract at `effectiveAt` (default: now), under the same rules as an import. */
  endContract(customerId: string, options?: { effectiveAt?: string }): Promise<WriteResult>;
  /** Customers whose terms are in force at `at` (default: now), with those terms, in id order. */
  customers(options?: { at?: string }): Promise<CustomerRecord[]>;
  customer(customerId: string, options?: { at?: string }): Promise<CustomerRecord | null>;
  /** Every version of a customer's terms, in order of effectiveAt ([] for an unknown customer). */
  customerHistory(customerId: string): Promise<CustomerVersion[]>;
  /** Customers in force at `at` (default: now) in id order after `after`, at most `limit`. */
  customersPage(page: { after: string | null; limit: number; at?: string }): Promise<CustomerRecord[]>;
  /**
   * Customers whose contract is in force for some part of [from, to), in id order after `after`,
   * at most `limit`, each with the versions that bear on the range: a billing batch (I15).
   */
  customerTermsPage(page: {
    after: string | null;
    limit: number;
    range: { from: string; to: string };
  }): Promise<CustomerTermsInRange[]>;
  /** How many customers are in force for some part of `range` (default: at this instant). */
  customerCount(range?: { from: string; to: string }): Promise<number>;

  /** Stores a policy version the engine uses (written once by its version hash). */
  recordPolicyVersion(policy: { version: string; policy: unknown }): Promise<WriteResult>;
  policyVersion(version: string): Promise<PolicyVersionRecord | null>;
  policyVersions(): Promise<PolicyVersionRecord[]>;
  /**
   * The month's policy (I15): the first call records `policyVersion` (which must be stored);
   * every later call answers what the first recorded, whatever version it is given.
   */
  recordMonthPolicy(month: string, policyVersion: string): Promise<MonthPolicy>;
  monthPolicy(month: string): Promise<MonthPolicy | null>;

  recordOutage(outage: OutageRecord): Promise<WriteResult>;
  recordMaintenance(window: MaintenanceRecord): Promise<WriteResult>;
  /** Each notice once by (maintenance, customer, version), all in one transaction (I9 as amended). */
  recordMaintenanceNotices(notices: CustomerNotice[]): Promise<{ written: number; existing: number }>;
  /** The notices of these windows, for one customer or a batch's customers (ids in (after, through]). */
  maintenanceNotices(filter: {
    maintenanceIds: string[];
    customerId?: string;
    customerRange?: { after: string | null; through: string };
  }): Promise<CustomerNotice[]>;
  /** Outages and windows that overlap [from, to) (ISO instants). */
  outages(range: { from: string; to: string }): Promise<OutageRecord[]>;
  maintenance(range: { from: string; to: string }): Promise<MaintenanceRecord[]>;

  /** Writes each entry once (by business key) in one transaction. */
  appendCreditEntries(entries: CreditEntry[]): Promise<{ written: number; existing: number }>;
  creditEntries(filter: CreditFilter): Promise<CreditEntry[]>;
  /** Credited so far per customer and month (credit plus adjustments), for adjustments (I10). */
  creditedTotals(filter?: CreditFilter): Promise<CreditedTotal[]>;
  recordMonthClose(close: MonthClose): Promise<WriteResult>;
  monthClose(month: string): Promise<MonthClose | null>;

  /** Once per (ticket, resolution); the monthly report's support figures (C6–C8). */
  recordTicketOutcome(outcome: TicketOutcome): Promise<WriteResult>;
  ticketOutcomes(range?: { from: string; to: string }): Promise<TicketOutcome[]>;
}

/** A resolved ticket's figures for the monthly report (C6 mean first response, C7/C8 on-time rates). */
export interface TicketOutcome extends TicketClock {
  ticketId: string;
  /** 1 for the first resolution, 2 after a reopen, … */
  resolution: number;
  firstResponseAt: string | null;
  /** Coverage minutes from clock start to first response (I5). */
  coverageMinutesToFirstResponse: number | null;
  /** null when the SLA was suspended (I13). */
  met: boolean | null;
  slaState: string;
  suspendedReason: string | null;
  resolvedAt: string;
  stepsFired: string[];
}

export interface OutcomeStore {
  /** Writes once per (ticket, resolution); a repeat is a no-op. */
  recordTicketOutcome(outcome: TicketOutcome): Promise<'written' | 'exists'>;
  /** Outcomes resolved in [from, to), or all of them. */
  ticketOutcomes(range?: { from: string; to: string }): Promise<TicketOutcome[]>;
}
