/**
 * One row of the API's route table: method, path pattern, who may call it, the zod schemas of
 * its path parameters, query and body, and its handler. The dispatcher (../dispatch.ts), the
 * OpenAPI document (../openapi.ts) and the role matrix of docs/api.md (../roles.ts) are all read from
 * these rows, so what is documented is what is enforced.
 */
import type { PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import type { SlaClient } from '../../client';
import type { ApiRole, Config } from '../../config';
import type { ErrorCode } from '../../errors';
import type { Ledger } from '../../ledger/types';
import type { LoadedPolicy } from '../../policy/load';
import type { Source } from '../sources';

export type Method = 'GET' | 'POST';

/** What a handler works with: the one client, the ledger and the settings. */
export interface Services {
  config: Config;
  policy: LoadedPolicy;
  ledger: Ledger;
  sla: SlaClient;
  /** The payload codec chain (decryption), for audit timelines and the codec endpoint. */
  payloadCodecs: PayloadCodec[];
}

export interface Answer {
  status: number;
  body: unknown;
  /** Other than JSON (the report's HTML page): the body is sent as is, with this content type. */
  contentType?: string;
  /** A download (a CSV): sent with Content-Disposition attachment under this file name. */
  filename?: string;
}

/** A CSV download (format=csv), the same bytes `sla … --csv` prints. */
export const csvAnswer = (file: { filename: string; text: string }): Answer => ({
  status: 200,
  body: file.text,
  contentType: 'text/csv; charset=utf-8',
  filename: file.filename,
});

export type Shape = z.ZodType<Record<string, unknown>>;

export interface Route<P extends Shape = Shape, Q extends Shape = Shape, B extends z.ZodType = z.ZodType> {
  /** The OpenAPI operationId, also the route's name in the role matrix. */
  id: string;
  method: Method;
  /** e.g. "/v1/tickets/{ticketId}/assign". */
  path: string;
  /** One line for the OpenAPI document. */
  summary: string;
  /** The area the OpenAPI document groups it under. */
  tag: string;
  /**
   * How its caller is authenticated. Without `source`: a role token (SLA_API_TOKENS) of one of
   * `roles`. With it: that source's own secret (../sources.ts: a webhook's, the codec's), and
   * `roles` is empty.
   */
  roles: readonly ApiRole[];
  source?: Source;
  params?: P;
  query?: Q;
  body?: B;
  /** Largest body accepted, in bytes (default DEFAULT_BODY_LIMIT). */
  bodyLimit?: number;
  /** Errors of its own beside the dispatcher's, for the OpenAPI document. */
  errors?: readonly ErrorCode[];
  /** The statuses it answers on success, for the OpenAPI document. */
  success: Record<number, string>;
  /**
   * The shape of a success's JSON body, for the OpenAPI document (at least its top level: the
   * workflow statuses are documented in their own modules, not repeated here).
   */
  returns: z.ZodType;
  /** Also answers a text/html page (the report's format=html). */
  html?: true;
  /** Also answers a text/csv download (format=csv, ../../report/csv.ts). */
  csv?: true;
  /**
   * A POST that changes nothing (an audit replay: work too heavy for a crawler's GET): a read for
   * the role rules (./roles.ts), so the auditor, who writes nothing, may call it.
   */
  changesNothing?: true;
  handler(
    input: { params: z.infer<P>; query: z.infer<Q>; body: z.infer<B> },
    services: Services,
  ): Promise<Answer>;
}

/** A ticket's text may be 100,000 characters of 4-byte UTF-8; anything larger is not ours. */
export const DEFAULT_BODY_LIMIT = 512 * 1024;

/** Types one route (its handler sees the parsed shapes) and erases it for the table. */
export function route<P extends Shape, Q extends Shape, B extends z.ZodType>(r: Route<P, Q, B>): Route {
  return r;
}

/** A query flag as it comes in a URL: "true" / "false". */
export const QueryBoolean = z.enum(['true', 'false']).transform((v) => v === 'true');

/** A JSON object whose fields are documented elsewhere (a workflow's status, a report). */
export const AnObject = z.looseObject({});

/** What a route that starts a workflow answers: 201 when this call started it, 200 when it existed. */
export const Started = z.looseObject({ workflowId: z.string(), created: z.boolean() });

/** Created or joined: 201 when this call started it, 200 when it existed. */
export const createdOr200 = <T extends { created: boolean }>(answer: T): Answer => ({
  status: answer.created ? 201 : 200,
  body: answer,
});
