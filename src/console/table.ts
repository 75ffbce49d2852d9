/**
 * The console's reads and actions are calls of the /v1 route table's own rows: the same roles,
 * the same zod schemas and the same handlers (each through SlaClient). So a button is shown to
 * the roles its route allows, its POST is checked against those roles, and nothing here keeps a
 * second list of who may do what.
 */
import { z } from 'zod';
import { ROLE_ROUTES, type Route, type Services } from '../api/routes';
import type { Answer } from '../api/routes/route';
import type { ApiRole } from '../config';
import { issuesOf, SlaError, type Issue } from '../errors';

/** The row of the table with this id; a missing one is a programming error, met at start. */
export function tableRoute(id: string): Route {
  const found = ROLE_ROUTES.find((r) => r.id === id);
  if (!found) throw new Error(`no /v1 route ${id}`);
  return found;
}

export const allows = (route: Route, role: ApiRole): boolean => route.roles.includes(role);

/** The message routes of a resource, e.g. "/v1/tickets/{ticketId}": its POST <path>/<segment>s. */
export const messageRoutes = (resourcePath: string): { segment: string; route: Route }[] =>
  ROLE_ROUTES.filter((r) => r.method === 'POST' && r.path.startsWith(`${resourcePath}/`)).map((route) => ({
    segment: route.path.slice(resourcePath.length + 1),
    route,
  }));

function parsePart(schema: z.ZodType | undefined, value: unknown, issues: Issue[]): unknown {
  if (!schema) return undefined;
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  issues.push(...issuesOf(parsed.error));
  return undefined;
}

/**
 * Calls a route as `role`: refused with 403 unless the route allows the role, with 400 naming
 * the field unless every part parses, before its handler runs.
 */
export async function callRoute(
  route: Route,
  role: ApiRole,
  input: { params?: Record<string, string>; query?: Record<string, string>; body?: unknown },
  services: Services,
): Promise<Answer> {
  if (!allows(route, role)) throw new SlaError('forbidden', `the ${role} role may not call ${route.id}`);
  const issues: Issue[] = [];
  const parsed = {
    params: parsePart(route.params, input.params ?? {}, issues),
    query: parsePart(route.query, input.query ?? {}, issues),
    body: parsePart(route.body, input.body, issues),
  };
  if (issues.length) throw new SlaError('invalid', 'invalid input', issues);
  return route.handler(parsed as Parameters<Route['handler']>[0], services);
}

/** One input of an action's form, read from its route's body schema. */
export interface FormField {
  name: string;
  /** An enum's values: a select; else a text input. */
  options: readonly string[] | null;
}

/**
 * The fields a person fills in for a route's body: its required string and enum fields
 * (requestId is the console's to make). Optional ones keep the engine's defaults (an instant
 * left out is now), so a form asks only what the action cannot do without.
 */
export function formFields(route: Route): FormField[] {
  const shape = (route.body as z.ZodObject | undefined)?.shape ?? {};
  return Object.entries(shape).flatMap(([name, field]): FormField[] => {
    if (name === 'requestId') return [];
    const schema = field as z.ZodType;
    if (schema.safeParse(undefined).success) return [];
    if (schema instanceof z.ZodEnum) return [{ name, options: schema.options as string[] }];
    return schema.def.type === 'string' ? [{ name, options: null }] : [];
  });
}
