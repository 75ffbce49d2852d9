/**
 * GET /openapi.json: the OpenAPI 3.1 document, generated from the route table and its zod
 * schemas (zod's JSON Schema 2020-12 is OpenAPI 3.1's dialect), so it cannot drift from what
 * the dispatcher enforces. Each operation lists the roles that may call it (x-roles), or, for a
 * webhook, its source's security scheme. /health, served outside the table, is described here.
 */
import { z } from 'zod';
import { API_ROLES } from '../config';
import { ERROR_CODES, type ErrorCode } from '../errors';
import type { Route } from './routes/route';
import { SOURCES } from './sources';

type Json = Record<string, unknown>;

const jsonSchema = (schema: z.ZodType): Json =>
  // The input side: what a caller sends (before defaults and transforms).
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

const withoutDialect = ({ $schema: _, ...rest }: Json): Json => rest;

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const s = jsonSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (s.required ?? []).includes(name),
    schema: property,
  }));
}

const errorResponse = (description: string, headers: Record<string, string> = {}): Json => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  ...(Object.keys(headers).length
    ? {
        headers: Object.fromEntries(
          Object.entries(headers).map(([name, about]) => [
            name,
            { description: about, required: true, schema: { type: 'string' } },
          ]),
        ),
      }
    : {}),
});

/**
 * Every error a table route can answer (src/api/dispatch.ts): 400 (any route: an unknown query
 * parameter is refused), 401, 403, 429 and 503 (Temporal or the ledger unreachable) on all;
 * 404 where a path names something; 409, 413 and 415 where there is a body.
 */
function errors(route: Route): Record<string, Json> {
  // A source either proves itself or is unauthorized: no role to forbid, only origins (CORS).
  const codes: ErrorCode[] = ['invalid', 'unauthorized', 'rate_limited', 'unavailable'];
  if (!route.source || SOURCES[route.source].cors) codes.push('forbidden');
  if (route.params || route.method === 'POST') codes.push('not_found');
  if (route.body) codes.push('conflict', 'too_large', 'unsupported_media_type');
  codes.push(...(route.errors ?? []));
  const headers: Partial<Record<ErrorCode, Record<string, string>>> = {
    unauthorized: { 'www-authenticate': 'Bearer' },
    rate_limited: { 'retry-after': 'seconds to wait' },
  };
  return Object.fromEntries(codes.map((c) => [String(ERROR_CODES[c].status), errorResponse(c, headers[c])]));
}

function successes(route: Route): Record<string, Json> {
  const content = {
    'application/json': { schema: withoutDialect(z.toJSONSchema(route.returns, { io: 'output' })) },
    ...(route.html ? { 'text/html': { schema: { type: 'string' } } } : {}),
    ...(route.csv ? { 'text/csv': { schema: { type: 'string' } } } : {}),
  };
  return Object.fromEntries(
    Object.entries(route.success).map(([status, description]) => [status, { description, content }]),
  );
}

function operation(route: Route): Json {
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    ...(route.source
      ? { security: [{ [SOURCES[route.source].scheme]: [] }] }
      : { security: [{ bearer: [] }], 'x-roles': [...route.roles] }),
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: withoutDialect(jsonSchema(route.body)) } },
          },
        }
      : {}),
    responses: { ...successes(route), ...errors(route) },
  };
}

const HEALTH = z.object({
  status: z.enum(['ok', 'unavailable']),
  // Only to a caller with a role token: a stranger learns up or down, nothing else.
  policyVersion: z.string().optional(),
  temporal: z
    .object({
      address: z.string(),
      namespace: z.string(),
      reachable: z.boolean(),
      error: z.string().optional(),
    })
    .optional(),
});

export function openApiDocument(routes: readonly Route[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  const health = { 'application/json': { schema: withoutDialect(z.toJSONSchema(HEALTH)) } };
  paths['/health'] = {
    get: {
      operationId: 'health',
      summary: 'Whether Temporal answers (503 when not); to a role token also the policy version and address',
      tags: ['health'],
      security: [],
      responses: {
        '200': { description: 'up', content: health },
        '503': { description: 'Temporal unreachable', content: health },
      },
    },
  };
  paths['/openapi.json'] = {
    get: {
      operationId: 'openApiDocument',
      summary: 'This document',
      tags: ['health'],
      security: [],
      responses: {
        '200': {
          description: 'the OpenAPI 3.1 document',
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
  };
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'SLA escalation engine',
      version,
      description: `Bearer tokens per role (${API_ROLES.join(', ')}) from SLA_API_TOKENS; x-roles on each operation says which may call it.`,
    },
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'a role token from SLA_API_TOKENS' },
        ...Object.fromEntries(Object.values(SOURCES).map((s) => [s.scheme, s.securityScheme])),
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { enum: Object.keys(ERROR_CODES) },
                message: { type: 'string' },
                issues: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['path', 'message'],
                    properties: { path: { type: 'string' }, message: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
    },
  };
}
