/** Tickets and support sessions (C6–C13) through the one client (src/client.ts). */
import { z } from 'zod';
import { Level } from '../../model/level';
import {
  Assign,
  ClassifyTicket,
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
import { AGENT_TOOLS, AGENT_WRITES } from './roles';
import { messageRoute, resource, statusRoute } from './resource';
import { createdOr200, route, Started, type Route } from './route';

const TICKET = resource('ticket', '/v1/tickets/{ticketId}', 'tickets', { ticketId: Id }, AGENT_WRITES);
const SESSION = resource('session', '/v1/sessions/{sessionId}', 'sessions', { sessionId: Id }, AGENT_WRITES);

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
    id: 'classifyTicket',
    method: 'POST',
    path: '/v1/classify',
    summary:
      "The level the policy's rules give a ticket's subject and body, with the rule and the policy's phrase that decided (C10, I11); nothing is opened",
    tag: 'tickets',
    roles: AGENT_TOOLS,
    body: ClassifyTicket,
    success: { 200: 'the classification' },
    returns: z.object({ level: Level, ruleId: z.string(), phrase: z.string().optional() }),
    handler: async ({ body }, s) => ({ status: 200, body: s.sla.classify(body) }),
  }),
  statusRoute(TICKET, "A ticket's SLA state: level, due, plan, steps fired, policy version", (p, s) =>
    s.sla.tickets.ticketStatus(p.ticketId),
  ),
  ...MESSAGES.map(([segment, method, body, summary]) =>
    messageRoute(
      TICKET,
      { segment, id: `${method === 'recordFirstResponse' ? 'firstResponse' : method}Ticket`, body, summary },
      (p, b, s) => s.sla.tickets[method](p.ticketId, b),
    ),
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
  statusRoute(SESSION, "A session's state and minutes", (p, s) => s.sla.tickets.sessionStatus(p.sessionId)),
  route({
    id: 'endSession',
    method: 'POST',
    path: '/v1/sessions/{sessionId}/end',
    summary: 'End a session',
    tag: 'sessions',
    roles: AGENT_WRITES,
    params: SESSION.params,
    body: z.object({ requestId: Id }),
    success: { 200: 'ended (a repeated requestId answers the first result)' },
    returns: z.looseObject({ endedAt: z.string(), minutes: z.number() }),
    handler: async ({ params, body }, s) => ({
      status: 200,
      body: await s.sla.tickets.endSession(params.sessionId, body.requestId),
    }),
  }),
];
