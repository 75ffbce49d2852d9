/** The API's route table: every operation, in the order the OpenAPI document lists them. */
import { auditRoutes } from './audit';
import { codecRoutes } from './codec';
import { financeRoutes } from './finance';
import { outageRoutes } from './outages';
import type { Route } from './route';
import { termsRoutes } from './terms';
import { ticketRoutes } from './tickets';
import { webhookRoutes } from './webhooks';

export const ROUTES: readonly Route[] = [
  ...ticketRoutes,
  ...outageRoutes,
  ...financeRoutes,
  ...termsRoutes,
  ...auditRoutes,
  ...webhookRoutes,
  ...codecRoutes,
];

/** The routes called with role tokens: all but the webhooks and the codec, which their sources call. */
export const ROLE_ROUTES: readonly Route[] = ROUTES.filter((r) => !r.source);

export type { Route, Services } from './route';
