/** The API's route table: every operation, in the order the OpenAPI document lists them. */
import { auditRoutes } from './audit';
import { financeRoutes } from './finance';
import { outageRoutes } from './outages';
import type { Route } from './route';
import { ticketRoutes } from './tickets';

export const ROUTES: readonly Route[] = [...ticketRoutes, ...outageRoutes, ...financeRoutes, ...auditRoutes];

export type { Route, Services } from './route';
