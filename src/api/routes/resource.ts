/**
 * The routes every workflow-backed resource has alike (a ticket, a session, an outage, a
 * maintenance window): GET <path> for its status, and POST <path>/<segment> for each of its
 * messages, each an update of its workflow applied once per requestId. An area names them and
 * gives the client call; the rest is the same everywhere.
 */
import { z } from 'zod';
import type { ApiRole } from '../../config';
import { OPERATIONS_READ } from './roles';
import { AnObject, route, type Route, type Services, type Shape } from './route';

export interface Resource<P extends Shape> {
  /** e.g. "outage": its status route is "outageStatus". */
  name: string;
  /** e.g. "/v1/outages/{key}". */
  path: string;
  tag: string;
  params: P;
  /** Who sends its messages. */
  writes: readonly ApiRole[];
}

/** A resource at `path` named by the path parameters of `shape`. */
export const resource = <S extends z.ZodRawShape>(
  name: string,
  path: string,
  tag: string,
  shape: S,
  writes: readonly ApiRole[],
): Resource<z.ZodObject<S>> => ({ name, path, tag, params: z.object(shape), writes });

/** GET <path>: the status, for every role that reads operations. */
export const statusRoute = <P extends Shape>(
  resource: Resource<P>,
  summary: string,
  read: (params: z.infer<P>, s: Services) => Promise<unknown>,
): Route =>
  route({
    id: `${resource.name}Status`,
    method: 'GET',
    path: resource.path,
    summary,
    tag: resource.tag,
    roles: OPERATIONS_READ,
    params: resource.params,
    success: { 200: 'the status' },
    returns: AnObject,
    handler: async ({ params }, s) => ({ status: 200, body: await read(params, s) }),
  });

export interface Message<B extends z.ZodType> {
  /** The path's last segment, e.g. "acknowledge". */
  segment: string;
  id: string;
  body: B;
  summary: string;
}

/** POST <path>/<segment>: one message, applied once per requestId. */
export const messageRoute = <P extends Shape, B extends z.ZodType>(
  resource: Resource<P>,
  message: Message<B>,
  send: (params: z.infer<P>, body: z.infer<B>, s: Services) => Promise<unknown>,
): Route =>
  route({
    id: message.id,
    method: 'POST',
    path: `${resource.path}/${message.segment}`,
    summary: message.summary,
    tag: resource.tag,
    roles: resource.writes,
    params: resource.params,
    body: message.body,
    success: { 200: 'applied (a repeated requestId answers the first result)' },
    returns: AnObject,
    handler: async ({ params, body }, s) => ({ status: 200, body: await send(params, body, s) }),
  });
