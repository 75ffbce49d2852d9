/**
 * GET /openapi.json: the OpenAPI 3.1 document, generated from the route table and its zod
 * schemas (zod's JSON Schema 2020-12 is OpenAPI 3.1's dialect), so it cannot drift from what
 * the dispatcher enforces. Each operation lists the roles that may call it (x-roles), or, for a
 * webhook, its source's security scheme. /health, served outside the table, is described here.
 */
import { z } from 'zod';
import { API_ROLES } from '../config';
import { ERROR_STATUS, type ErrorCode } from './http';
import type { Route } from './routes/route';
import { WEBHOOK_SOURCES } from './sources';

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

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** The errors a table route may answer, besides its successes. */
function errors(route: Route): Record<string, Json> {
  const codes: ErrorCode[] = [
    'invalid',
    'unauthorized',
    'forbidden',
    'not_found',
    'rate_limited',
    'unavailable',
  ];
  if (route.method === 'POST') codes.push('conflict', 'too_large', 'unsupported_media_type');
  return Object.fromEntries(codes.map((c) => [String(ERROR_STATUS[c]), errorResponse(c)]));
}

function operation(route: Route): Json {
  return {
    operationId: route.id,
    summary: route.summary,
    tags: [route.tag],
    ...(route.source
      ? { security: [{ [WEBHOOK_SOURCES[route.source].scheme]: [] }] }
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
    responses: {
      ...Object.fromEntries(
        Object.entries(route.success).map(([status, description]) => [
          status,
          { description, content: { 'application/json': {} } },
        ]),
      ),
      ...errors(route),
    },
  };
}

export function openApiDocument(routes: readonly Route[], version: string): Json {
  const paths: Record<string, Json> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route);
  paths['/health'] = {
    get: {
      operationId: 'health',
      summary: 'Whether Temporal answers (503 when not); to a role token also the policy version and address',
      tags: ['health'],
      security: [],
      responses: { '200': { description: 'up' }, '503': { description: 'Temporal unreachable' } },
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
        ...Object.fromEntries(Object.values(WEBHOOK_SOURCES).map((s) => [s.scheme, s.securityScheme])),
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
                code: { enum: Object.keys(ERROR_STATUS) },
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
