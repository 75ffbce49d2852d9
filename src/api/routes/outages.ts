/** Outages (C3, C4, C9; I7, I9) and planned maintenance (C1) through the one client (src/client.ts). */
import { z } from 'zod';
import {
  CancelMaintenance,
  EndMaintenance,
  ListMaintenance,
  RescheduleMaintenance,
  ScheduleMaintenance,
  StartMaintenance,
} from '../../model/maintenance';
import {
  AcknowledgeOutage,
  ClassifyOutage,
  ConfirmStart,
  OutageKey,
  ReportOutage,
  ResolveOutage,
} from '../../model/outage';
import { Id } from '../../model/ticket';
import { ONCALL_WRITES, OPERATIONS_READ } from './roles';
import { messageRoute, resource, statusRoute } from './resource';
import { AnObject, createdOr200, QueryBoolean, route, Started, type Route } from './route';

const OUTAGE = resource('outage', '/v1/outages/{key}', 'outages', { key: OutageKey }, ONCALL_WRITES);
const MAINTENANCE = resource(
  'maintenance',
  '/v1/maintenance/{maintenanceId}',
  'maintenance',
  { maintenanceId: Id },
  ONCALL_WRITES,
);

const OutageList = z.object({
  open: QueryBoolean.optional(),
  // The range is the pattern, so the OpenAPI document states it as it is enforced.
  limit: z
    .string()
    .regex(/^(1000|[1-9]\d{0,2})$/, 'expected a whole number from 1 to 1000')
    .transform(Number)
    .optional(),
});

const OUTAGE_MESSAGES = [
  ['acknowledge', 'acknowledgeOutage', AcknowledgeOutage, 'A Level 3 responder acknowledged (C9, I7)'],
  ['classify', 'classifyOutage', ClassifyOutage, 'Change the classification and regions (C3, C4)'],
  [
    'confirm-start',
    'confirmStart',
    ConfirmStart,
    'Confirm the start a webhook claimed (claimedStart): the outage counts from it (I7)',
  ],
  ['resolve', 'resolveOutage', ResolveOutage, 'End the outage: its record is written to the ledger once'],
] as const;

const MAINTENANCE_MESSAGES = [
  [
    'reschedule',
    'rescheduleMaintenance',
    RescheduleMaintenance,
    'Move the window: notices go out again (C1)',
  ],
  ['cancel', 'cancelMaintenance', CancelMaintenance, 'Withdraw the window; those told are told'],
  ['start', 'startMaintenance', StartMaintenance, 'The work started'],
  ['end', 'endMaintenance', EndMaintenance, 'The work ended (past the announced end is an overrun, I9)'],
] as const;

export const outageRoutes: Route[] = [
  route({
    id: 'reportOutage',
    method: 'POST',
    path: '/v1/outages',
    summary:
      "Report an outage (every report of the same key joins one outage; one that started again after it was resolved opens the key's next one, `key.2`, …)",
    tag: 'outages',
    roles: ONCALL_WRITES,
    body: ReportOutage,
    success: {
      201: 'opened (a repeat of a resolved key: repeatOf names it)',
      200: 'joined, or a late report of a resolved outage (nothing started)',
    },
    returns: z.looseObject({
      outageId: z.string(),
      workflowId: z.string(),
      created: z.boolean(),
      state: z.string(),
      reports: z.number(),
    }),
    handler: async ({ body }, s) => createdOr200(await s.sla.outages.reportOutage(body)),
  }),
  route({
    id: 'listOutages',
    method: 'GET',
    path: '/v1/outages',
    summary: 'Outages, newest first (open=true: the running ones)',
    tag: 'outages',
    roles: OPERATIONS_READ,
    query: OutageList,
    success: { 200: 'the outages' },
    returns: z.array(AnObject),
    handler: async ({ query }, s) => ({
      status: 200,
      body: await s.sla.outages.listOutages({
        ...(query.open !== undefined ? { open: query.open } : {}),
        ...(query.limit !== undefined ? { limit: query.limit } : {}),
      }),
    }),
  }),
  statusRoute(OUTAGE, "An outage's state, engagement (C9) and classification history", (p, s) =>
    s.sla.outages.outageStatus(p.key),
  ),
  ...OUTAGE_MESSAGES.map(([segment, id, body, summary]) =>
    messageRoute(OUTAGE, { segment, id, body, summary }, (p, b, s) => s.sla.outages[id](p.key, b)),
  ),
  route({
    id: 'scheduleMaintenance',
    method: 'POST',
    path: '/v1/maintenance',
    summary: 'Announce a maintenance window: notices go out at once (C1)',
    tag: 'maintenance',
    roles: ONCALL_WRITES,
    body: ScheduleMaintenance,
    success: { 201: 'scheduled', 200: 'this maintenanceId exists (ids are used once)' },
    returns: Started,
    handler: async ({ body }, s) => createdOr200(await s.sla.maintenance.scheduleMaintenance(body)),
  }),
  route({
    id: 'listMaintenance',
    method: 'GET',
    path: '/v1/maintenance',
    summary: 'Maintenance windows by state and announced start in [from, to)',
    tag: 'maintenance',
    roles: OPERATIONS_READ,
    query: ListMaintenance,
    success: { 200: 'the windows' },
    returns: z.array(AnObject),
    handler: async ({ query }, s) => ({ status: 200, body: await s.sla.maintenance.listMaintenance(query) }),
  }),
  statusRoute(MAINTENANCE, "A window's state, notices and whether it qualifies for exclusion (C1)", (p, s) =>
    s.sla.maintenance.maintenanceStatus(p.maintenanceId),
  ),
  ...MAINTENANCE_MESSAGES.map(([segment, id, body, summary]) =>
    messageRoute(MAINTENANCE, { segment, id, body, summary }, (p, b, s) =>
      s.sla.maintenance[id](p.maintenanceId, b),
    ),
  ),
];
