// The API's route table and what is derived from it: docs/api.md's role matrix is the
// table's, the OpenAPI document describes every route with its roles and schemas, role tokens
// are parsed from SLA_API_TOKENS with errors naming the variable (never the secret), and the
// rate limiter's token buckets refill at their rate.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Authenticator } from '../../src/api/auth';
import { openApiDocument } from '../../src/api/openapi';
import { RateLimiter } from '../../src/api/rate-limit';
import { roleMatrixMarkdown } from '../../src/api/roles';
import { ROUTES } from '../../src/api/routes';
import { API_ROLES, ConfigError, loadConfig } from '../../src/config';
import { tableCells as cells } from '../helpers/markdown';

describe('the route table', () => {
  it('the role matrix of docs/api.md is the one the dispatcher enforces', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'api.md'), 'utf8');
    const between = /<!-- role-matrix:start -->([\s\S]*?)<!-- role-matrix:end -->/.exec(doc)?.[1];
    expect(between, 'docs/api.md has the role-matrix markers').toBeDefined();
    expect(cells(between!)).toEqual(cells(roleMatrixMarkdown(ROUTES)));
  });

  it('has unique operation ids and unique method + path pairs; every path parameter has a schema', () => {
    expect(new Set(ROUTES.map((r) => r.id)).size).toBe(ROUTES.length);
    expect(new Set(ROUTES.map((r) => `${r.method} ${r.path}`)).size).toBe(ROUTES.length);
    for (const r of ROUTES) {
      const names = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      const shape = (r.params as { shape?: object } | undefined)?.shape ?? {};
      expect({ route: r.id, params: Object.keys(shape).sort() }).toEqual({
        route: r.id,
        params: names.sort(),
      });
      // A webhook is called by its source alone; every other route by some role.
      expect(r.source ? r.roles.length === 0 : r.roles.length > 0, r.id).toBe(true);
    }
  });

  it('the auditor may call every read and no write; every write has exactly one role', () => {
    for (const r of ROUTES.filter((x) => !x.source)) {
      const read = r.method === 'GET' || r.changesNothing === true;
      expect({ route: r.id, auditor: r.roles.includes('auditor') }).toEqual({ route: r.id, auditor: read });
      if (r.method === 'POST') expect(r.roles, r.id).toHaveLength(1);
    }
  });

  it('the OpenAPI document describes each route: roles, path and query parameters, body schema, errors', () => {
    const doc = openApiDocument(ROUTES, 'test') as {
      openapi: string;
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()] as {
        operationId: string;
        'x-roles': string[];
        parameters: { name: string; in: string }[];
        requestBody?: { content: { 'application/json': { schema: { type?: string } } } };
        responses: Record<string, unknown>;
      };
      expect(op.operationId).toBe(r.id);
      expect(op['x-roles']).toEqual(r.source ? undefined : [...r.roles]);
      const pathParams = op.parameters.filter((p) => p.in === 'path').map((p) => p.name);
      expect(pathParams.sort()).toEqual([...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort());
      expect(op.requestBody !== undefined, r.id).toBe(r.body !== undefined);
      if (r.body) expect(op.requestBody!.content['application/json'].schema.type).toMatch(/^(object|array)$/);
      // A webhook's source proves itself or is refused 401: no role, so no 403. The codec's
      // refuses browsers of other origins: 403.
      expect(Object.keys(op.responses)).toEqual(
        expect.arrayContaining(r.source ? ['400', '401'] : ['400', '401', '403']),
      );
      if (r.source === 'codec')
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['403', '422']));
      else if (r.source) expect(Object.keys(op.responses)).not.toContain('403');
    }
    expect(doc.paths['/v1/tickets']?.post?.requestBody).toMatchObject({
      content: {
        'application/json': { schema: { required: expect.arrayContaining(['ticketId', 'customerId']) } },
      },
    });
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/webhooks/alertmanager', '/health']));
  });

  it("each webhook and the codec endpoint are routes of the table with their own source, documented with that source's security scheme", () => {
    const doc = openApiDocument(ROUTES, 'test') as {
      paths: Record<string, { post?: { security: Record<string, string[]>[] } }>;
      components: { securitySchemes: Record<string, Record<string, string>> };
    };
    const webhooks = ROUTES.filter((r) => r.source).map((r) => [r.method, r.path, r.source]);
    expect(webhooks).toEqual([
      ['POST', '/webhooks/alerts', 'alerts'],
      ['POST', '/webhooks/alertmanager', 'alertmanager'],
      ['POST', '/webhooks/paging', 'paging'],
      ['POST', '/codec/decode', 'codec'],
      ['POST', '/codec/encode', 'codec'],
    ]);
    const schemes = (path: string) => doc.paths[path]!.post!.security.flatMap((s) => Object.keys(s));
    expect(schemes('/webhooks/alerts')).toEqual(['alertsToken']);
    expect(schemes('/webhooks/alertmanager')).toEqual(['alertmanagerToken']);
    expect(schemes('/webhooks/paging')).toEqual(['pagingSignature']);
    expect(schemes('/codec/decode')).toEqual(['codecToken']);
    expect(schemes('/codec/encode')).toEqual(['codecToken']);
    expect(doc.components.securitySchemes).toMatchObject({
      alertsToken: { type: 'http', scheme: 'bearer' },
      alertmanagerToken: { type: 'http', scheme: 'bearer' },
      pagingSignature: { type: 'apiKey', in: 'header', name: 'X-PagerDuty-Signature' },
      codecToken: { type: 'http', scheme: 'bearer' },
    });
    expect(doc.components.securitySchemes).not.toHaveProperty('webhookToken');
    expect(roleMatrixMarkdown(ROUTES)).not.toMatch(/\/webhooks\/|\/codec\//);
  });
});

describe('role tokens (SLA_API_TOKENS)', () => {
  const secret = (role: string) => `${role}-secret-0123456789`;
  const all = API_ROLES.map((r) => `${r}:${secret(r)}`).join(',');

  it('parses role:secret pairs; unset means no tokens', () => {
    expect(loadConfig({ SLA_API_TOKENS: all }).apiTokens).toEqual(
      API_ROLES.map((role) => ({ role, token: secret(role) })),
    );
    expect(loadConfig({}).apiTokens).toEqual([]);
  });

  it.each([
    ['root:whatever-secret-0123', /SLA_API_TOKENS: entry 1: expected role:secret/],
    ['agent:short', /SLA_API_TOKENS: entry 1 \(agent\): the secret must be at least 16 characters/],
    [
      'agent:same-secret-0123456789,finance:same-secret-0123456789',
      /entry 2 \(finance\): the same secret is given twice/,
    ],
    ['agent-secret-0123456789', /entry 1: expected role:secret/],
  ])('refuses %s naming the variable and the entry, never the secret', (value, message) => {
    expect(() => loadConfig({ SLA_API_TOKENS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ SLA_API_TOKENS: value })).toThrow(message);
    try {
      loadConfig({ SLA_API_TOKENS: value });
    } catch (err) {
      expect((err as Error).message).not.toContain('0123456789');
    }
  });

  it('refuses a rate that is not a positive number, naming the variable', () => {
    expect(() => loadConfig({ SLA_API_RATE: '0' })).toThrow(/SLA_API_RATE/);
    expect(() => loadConfig({ SLA_API_BURST: 'many' })).toThrow(/SLA_API_BURST/);
    expect(loadConfig({ SLA_API_RATE: '2.5', SLA_API_BURST: '5' }).apiRate).toEqual({
      perSecond: 2.5,
      burst: 5,
    });
  });

  it('the authenticator gives the role of a known bearer token, and null otherwise', () => {
    const auth = new Authenticator(loadConfig({ SLA_API_TOKENS: all }).apiTokens);
    const req = (authorization?: string) =>
      ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;
    for (const role of API_ROLES) expect(auth.authenticate(req(`Bearer ${secret(role)}`))?.role).toBe(role);
    expect(auth.authenticate(req())).toBeNull();
    expect(auth.authenticate(req(secret('agent')))).toBeNull(); // no "Bearer "
    expect(auth.authenticate(req(`Bearer ${secret('agent')}x`))).toBeNull();
    expect(auth.authenticate(req(`Bearer ${secret('agent')}`))?.key).not.toContain(secret('agent'));
  });
});

describe('rate limiter', () => {
  it('allows a burst, then refuses with the seconds to wait, and refills at its rate', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 2, burst: 3 }, () => now);
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([0, 0, 0, 1]);
    expect(limiter.take('b')).toBe(0); // each caller has its own bucket
    now += 500; // one token back
    expect([limiter.take('a'), limiter.take('a')]).toEqual([0, 1]);
    now += 10_000; // full again, never more than the burst
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([0, 0, 0, 1]);
  });

  it('says how long to wait when the rate is slow', () => {
    let now = 0;
    const limiter = new RateLimiter({ perSecond: 0.1, burst: 1 }, () => now);
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(10);
    now += 5_000;
    expect(limiter.take('a')).toBe(5);
  });
});
