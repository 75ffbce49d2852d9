/**
 * The audit timeline (C12, C14): a workflow's decisions read from its history alone, and the
 * replay of its history against the current workflow code, through the one client.
 */
import { z } from 'zod';
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
  route({
    id: 'auditReplay',
    method: 'POST',
    path: '/v1/audit/replay',
    summary:
      "Replay a workflow's history (its latest run) against the current workflow code: ok, or the nondeterminism found and the first diverging event (as `sla audit replay --workflow-id`)",
    tag: 'audit',
    roles: AUDIT_READ,
    changesNothing: true,
    body: z.strictObject({ workflowId: TimelineQuery.shape.workflowId }),
    success: { 200: 'the outcome: ok, or the error and where the code and the history diverge' },
    returns: z.object({
      workflowId: z.string(),
      ok: z.boolean(),
      error: z.object({ name: z.string(), message: z.string() }).optional(),
      divergedAt: z.object({ eventId: z.int(), eventType: z.string() }).optional(),
    }),
    handler: async ({ body }, s) => {
      const summary = await s.sla.audit.replay({ workflowIds: [body.workflowId] });
      return { status: 200, body: summary.outcomes[0] };
    },
  }),
];
