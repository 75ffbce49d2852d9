/**
 * Who may call what, by area. Writes belong to the role whose work they are; reads are
 * open to every role that needs them, and the auditor reads everything and writes nothing.
 * Agents read customers, outages and maintenance (to answer customers) but not money; the audit
 * timeline and the replay decode whole histories, ticket text included, so they are the auditor's
 * alone (the replay is a POST that changes nothing: a read, Route.changesNothing).
 */
import type { ApiRole } from '../../config';

export const AGENT_WRITES: readonly ApiRole[] = ['agent'];
/** What support tooling asks before opening a ticket (its classification, C10): agents' work alone. */
export const AGENT_TOOLS: readonly ApiRole[] = ['agent'];
export const ONCALL_WRITES: readonly ApiRole[] = ['oncall'];
export const FINANCE_WRITES: readonly ApiRole[] = ['finance'];
/** Tickets, sessions, customers, outages, maintenance. */
export const OPERATIONS_READ: readonly ApiRole[] = ['agent', 'oncall', 'finance', 'auditor'];
/** Uptime, credits, reports. */
export const MONEY_READ: readonly ApiRole[] = ['oncall', 'finance', 'auditor'];
export const AUDIT_READ: readonly ApiRole[] = ['auditor'];
