/** The audit timeline (C12, C14): a workflow's decisions read from its history alone. */
import { z } from 'zod';
import { translate } from '../../clients/calls';
import { timelineOf } from '../../audit';
import { NotFoundError } from '../../errors';
import { AUDIT_READ } from './roles';
import { AnObject, route, type Route } from './route';

/** Every workflow id the engine makes: a prefix ("ticket-", "outage-" …) and a model id. */
const WorkflowId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'expected a workflow id, e.g. ticket-T-1042');

export const auditRoutes: Route[] = [
  route({
    id: 'auditTimeline',
    method: 'GET',
    path: '/v1/audit/{workflowId}/timeline',
    summary: "A workflow's trail of decisions, from its history decrypted with the codec keys",
    tag: 'audit',
    roles: AUDIT_READ,
    params: z.object({ workflowId: WorkflowId }),
    query: z.object({ runId: z.uuid().optional() }),
    success: { 200: 'the timeline' },
    returns: AnObject,
    handler: async ({ params, query }, s) => {
      let history;
      try {
        history = await s.client.workflow.getHandle(params.workflowId, query.runId).fetchHistory();
      } catch (err) {
        if ((err as Error).name === 'WorkflowNotFoundError' || (err as { code?: number }).code === 5)
          throw new NotFoundError(`no workflow ${params.workflowId}`);
        return translate(err);
      }
      return { status: 200, body: await timelineOf(history, s.payloadCodecs, params.workflowId) };
    },
  }),
];
