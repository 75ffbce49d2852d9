/** Tickets and support sessions (C6–C13) through the one client (src/client.ts). */
import { z } from 'zod';
import {
  Assign,
  Escalate,
  FirstResponse,
  Id,
  OpenSession,
  OpenTicket,
  Reclassify,
  Reopen,
  Reply,
  Resolve,
} from '../../model/ticket';
import { AGENT_WRITES, OPERATIONS_READ } from './roles';
import { AnObject, createdOr200, route, Started, type Route } from './route';

const TicketParams = z.object({ ticketId: Id });
const SessionParams = z.object({ sessionId: Id });

/** The ticket messages: each an update of the ticket's workflow, applied once per requestId. */
const MESSAGES = [
  ['assign', 'assign', Assign, 'Assign the ticket to a responder (I13 checked)'],
  [
    'first-response',
    'recordFirstResponse',
    FirstResponse,
    'Record the first response: stops the clock (C6–C8)',
  ],
  ['replies', 'reply', Reply, 'Record a reply from the agent or the customer'],
  ['resolve', 'resolve', Resolve, 'Resolve the ticket: its outcome is written to the ledger once'],
  ['reopen', 'reopen', Reopen, 'Reopen a resolved ticket'],
  ['escalate', 'escalate', Escalate, 'Escalate by hand to the next step'],
  [
    'reclassify',
    'reclassify',
    Reclassify,
    'Change the level: the clock is recomputed from the opening (I11)',
  ],
] as const;

export const ticketRoutes: Route[] = [
  route({
    id: 'openTicket',
    method: 'POST',
    path: '/v1/tickets',
    summary: 'Open a ticket (opening the same ticketId again returns the running one)',
    tag: 'tickets',
    roles: AGENT_WRITES,
    body: OpenTicket,
    success: { 201: 'opened', 200: 'already open' },
    returns: Started,
    handler: async ({ body }, s) => createdOr200(await s.sla.tickets.openTicket(body)),
  }),
  route({
    id: 'ticketStatus',
    method: 'GET',
    path: '/v1/tickets/{ticketId}',
    summary: "A ticket's SLA state: level, due, plan, steps fired, policy version",
    tag: 'tickets',
    roles: OPERATIONS_READ,
    params: TicketParams,
    success: { 200: 'the status' },
    returns: AnObject,
    handler: async ({ params }, s) => ({
      status: 200,
      body: await s.sla.tickets.ticketStatus(params.ticketId),
    }),
  }),
  ...MESSAGES.map(([segment, method, schema, summary]) =>
    route({
      id: `${method === 'recordFirstResponse' ? 'firstResponse' : method}Ticket`,
      method: 'POST',
      path: `/v1/tickets/{ticketId}/${segment}`,
      summary,
      tag: 'tickets',
      roles: AGENT_WRITES,
      params: TicketParams,
      body: schema,
      success: { 200: 'applied (a repeated requestId answers the first result)' },
      returns: AnObject,
      handler: async ({ params, body }, s) => ({
        status: 200,
        body: await s.sla.tickets[method](params.ticketId, body),
      }),
    }),
  ),
  route({
    id: 'openSession',
    method: 'POST',
    path: '/v1/sessions',
    summary: 'Open a support session (chat, meeting, phone)',
    tag: 'sessions',
    roles: AGENT_WRITES,
    body: OpenSession,
    success: { 201: 'opened', 200: 'already open' },
    returns: Started,
    handler: async ({ body }, s) => createdOr200(await s.sla.tickets.openSession(body)),
  }),
  route({
    id: 'sessionStatus',
    method: 'GET',
    path: '/v1/sessions/{sessionId}',
    summary: "A session's state and minutes",
    tag: 'sessions',
    roles: OPERATIONS_READ,
    params: SessionParams,
    success: { 200: 'the status' },
    returns: AnObject,
    handler: async ({ params }, s) => ({
      status: 200,
      body: await s.sla.tickets.sessionStatus(params.sessionId),
    }),
  }),
  route({
    id: 'endSession',
    method: 'POST',
    path: '/v1/sessions/{sessionId}/end',
    summary: 'End a session',
    tag: 'sessions',
    roles: AGENT_WRITES,
    params: SessionParams,
    body: z.object({ requestId: Id }),
    success: { 200: 'ended (a repeated requestId answers the first result)' },
    returns: z.looseObject({ endedAt: z.string(), minutes: z.number() }),
    handler: async ({ params, body }, s) => ({
      status: 200,
      body: await s.sla.tickets.endSession(params.sessionId, body.requestId),
    }),
  }),
];
