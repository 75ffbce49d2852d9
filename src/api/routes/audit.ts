/** The audit timeline (C12, C14): a workflow's decisions read from its history alone, through the one client. */
import { TimelineQuery } from '../../client';
import { AUDIT_READ } from './roles';
import { AnObject, route, type Route } from './route';

export const auditRoutes: Route[] = [
  route({
    id: 'auditTimeline',
    method: 'GET',
    path: '/v1/audit/{workflowId}/timeline',
    summary:
      "A workflow's trail of decisions, from its history decrypted with the codec keys (every run when it continued as new)",
    tag: 'audit',
    roles: AUDIT_READ,
    params: TimelineQuery.pick({ workflowId: true }),
    query: TimelineQuery.pick({ runId: true }),
    success: { 200: 'the timeline' },
    returns: AnObject,
    handler: async ({ params, query }, s) => ({
      status: 200,
      body: await s.sla.audit.timeline({ ...params, ...query }),
    }),
  }),
];
