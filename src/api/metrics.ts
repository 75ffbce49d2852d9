/**
 * sla_api_requests_total: one count per request of the route table, labelled with what the
 * access log keeps (./dispatch.ts, AccessLogEntry) made bounded — the route's id (never the path,
 * which holds ticket and customer ids), the caller's role or source, and the status.
 */
import { API_ROLES } from '../config';
import { apiRequests, OTHER } from '../metrics/registry';
import type { AccessLogEntry } from './dispatch';
import { ROUTES } from './routes';
import { SOURCES } from './sources';

export const ROUTE_IDS: readonly string[] = ROUTES.map((r) => r.id);
export const CALLER_ROLES: readonly string[] = [
  ...API_ROLES,
  ...Object.values(SOURCES).map((s) => s.role),
  'none',
];

export function countApiRequest(entry: AccessLogEntry): void {
  apiRequests.inc({
    route: ROUTE_IDS.includes(entry.route) ? entry.route : OTHER,
    role: CALLER_ROLES.includes(entry.role ?? 'none') ? (entry.role ?? 'none') : OTHER,
    status: /^[1-5]\d\d$/.test(String(entry.status)) ? String(entry.status) : OTHER,
  });
}
