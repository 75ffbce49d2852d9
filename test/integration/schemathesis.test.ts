// The API tested by tools nobody here wrote (docs/api-testing.md), against the real dev server,
// worker and ledger: the OpenAPI document it serves passes openapi-spec-validator, and
// Schemathesis, reading only that document, sends each role's token through every /v1 operation
// and each source's own secret through its routes (a webhook's bearer token or PagerDuty's
// signature of the raw body, the codec's bearer token, by test/fixtures/schemathesis_hooks.py) and finds no server error, no answer outside what the document states (status, content type,
// headers, body schema), no valid-by-document request refused, and 405 with `allow` for every
// undeclared method. The figures (operations, cases, failures) are printed for each run.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ROLES, type ApiRole } from '../../src/config';
import { issuePaths, ROLE_TOKENS, startEngineApi, type TestApi } from '../helpers/api';
import { outcome } from '../helpers/cli';
import { testTool } from '../helpers/test-tools';
import { WEBHOOK_ENV } from '../helpers/webhooks';

/** The sources' secrets: the webhooks' and the codec endpoint's. */
const SOURCE_ENV = { ...WEBHOOK_ENV, SLA_CODEC_TOKEN: 'test-codec-token-0123456789' };

/**
 * Cases per operation and phase, and a ceiling on each role's run (the four run side by side):
 * on an idle 2-core runner all four finish well inside it (docs/api-testing.md, figures).
 */
const MAX_EXAMPLES = 10;
const MAX_SECONDS = 45;
/** What the API's rules need of the checks, each explained there (docs/api-testing.md). */
const CONFIG = join(__dirname, '..', 'fixtures', 'schemathesis.toml');
/** Signs each webhook request with its source's secret (docs/api-testing.md). */
const HOOKS = join(__dirname, '..', 'fixtures', 'schemathesis_hooks.py');
/** A source's run has one operation, not thirty, in the same time: more cases. */
const SOURCE_EXAMPLES = 100;
/** The routes their sources call, one run each. */
const SOURCE_PATHS = [
  '/webhooks/alerts',
  '/webhooks/alertmanager',
  '/webhooks/paging',
  '/codec/decode',
  '/codec/encode',
] as const;
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'response_headers_conformance',
  'positive_data_acceptance',
  'unsupported_method',
  'allow_header_conformance',
];

let api: TestApi;
let stop: () => Promise<void>;
const dir = mkdtempSync(join(tmpdir(), 'sla-schemathesis-'));

beforeAll(async () => {
  ({ api, stop } = await startEngineApi(SOURCE_ENV));
});

afterAll(async () => {
  await stop?.();
  rmSync(dir, { recursive: true, force: true });
});

/** One Schemathesis run: a role's token through the /v1 operations, or one source's route with its own secret. */
type RunName = ApiRole | (typeof SOURCE_PATHS)[number];
const isSourcePath = (name: RunName): name is (typeof SOURCE_PATHS)[number] => name.startsWith('/');

interface Run {
  name: RunName;
  code: number;
  /** What failed, as Schemathesis reported it (its whole output when nothing is in the report). */
  output: string;
  operations: number;
  /** Operations the time budget left untested. */
  skipped: number;
  failures: string[];
  cases: string;
}

/**
 * How each run authenticates: a role sends its token on every request and leaves the sources'
 * routes out; a source's run takes that route alone, each request sent with its source's secret
 * by the hook (a bearer token, or PagerDuty's signature of the raw body).
 */
function runArgs(name: RunName): { args: string[]; env: Record<string, string> } {
  if (isSourcePath(name))
    return {
      args: ['--include-path-regex', `^${name}$`, '--max-examples', String(SOURCE_EXAMPLES)],
      env: { ...SOURCE_ENV, SCHEMATHESIS_HOOKS: HOOKS },
    };
  return {
    args: [
      '--header',
      `Authorization: Bearer ${ROLE_TOKENS[name]}`,
      '--exclude-path-regex',
      '^/(webhooks|codec)/',
      '--max-examples',
      String(MAX_EXAMPLES),
    ],
    env: {},
  };
}

/** One Schemathesis run, its JUnit report read back (one test case per operation). */
async function schemathesis(name: RunName): Promise<Run> {
  const junit = join(dir, `${name.replaceAll('/', '_')}.xml`);
  const { args, env } = runArgs(name);
  const child = spawn(
    testTool('SCHEMATHESIS'),
    [
      '--config-file',
      CONFIG,
      'run',
      `${api.base}/openapi.json`,
      '--checks',
      CHECKS.join(','),
      ...args,
      '--max-time',
      String(MAX_SECONDS),
      // One worker: Hypothesis's source inspection is not thread-safe on Python 3.11 (an "AST
      // constructor recursion depth mismatch" now and then with two); the runs go side by side.
      '--workers',
      '1',
      // A status query waits at most 20 s in all, for a workflow just started or a busy worker
      // (src/clients/calls.ts): within this, even on a loaded runner.
      '--request-timeout',
      '30',
      '--seed',
      String(Number(process.env.SCHEMATHESIS_SEED ?? Date.now() % 2 ** 31)),
      '--generation-database',
      'none',
      '--no-color',
      '--report',
      'junit',
      '--report-junit-path',
      junit,
    ],
    // In the temporary directory: Schemathesis keeps its own files (.schemathesis/) where it runs.
    { cwd: dir, env: { ...process.env, ...env, SCHEMATHESIS_TELEMETRY: 'false' } },
  );
  child.stdin.end();
  const { code, stdout, stderr } = await outcome(child);
  const xml = readFileSync(junit, 'utf8');
  const operations = [...xml.matchAll(/<testcase\b/g)].length;
  const skipped = Number(/<testsuites\b[^>]*\bskipped="(\d+)"/.exec(xml)?.[1] ?? 0);
  const failed = [...xml.matchAll(/<testcase name="([^"]*)"[^>]*>\s*<(?:failure|error)\b[^>]*>([^<]*)</g)];
  const failures = failed.map((m) => m[1]!);
  const report = failed.map((m) => `${name} ${m[1]}:\n${m[2]!.slice(0, 2000)}`).join('\n\n');
  const cases = /Test cases:\s*([^\n]*)/.exec(stdout)?.[1]?.trim() ?? '?';
  return { name, code, output: report || stdout + stderr, operations, skipped, failures, cases };
}

describe('what Schemathesis found, each answered as documented', () => {
  it('a month the ledger cannot hold (year 0000) is refused 400 naming the field, not a 500', async () => {
    const uptime = await api.call('oncall', 'GET', '/v1/uptime?month=0000-01');
    expect([uptime.status, issuePaths(uptime)]).toEqual([400, ['query.month']]);
    const report = await api.call('finance', 'GET', '/v1/reports/0000-01');
    expect([report.status, issuePaths(report)]).toEqual([400, ['params.month']]);
    expect((await api.call('finance', 'GET', '/v1/reports/1970-01')).status).toBe(200);
  });

  it('a ticket opened in a year the business calendar does not cover is refused 400, not left unable to start', async () => {
    const r = await api.call('agent', 'POST', '/v1/tickets', {
      ticketId: 'T-YEAR-20',
      customerId: 'initech',
      requester: { name: 'Ada', email: 'ada@initech.example' },
      subject: 'down',
      body: 'since year 20',
      channel: 'email',
      needsDataAccess: false,
      openedAt: '0020-02-29T00:00:00Z',
    });
    expect([r.status, issuePaths(r)]).toEqual([400, ['body.openedAt']]);
    expect((await api.call('agent', 'GET', '/v1/tickets/T-YEAR-20')).status).toBe(404);
  });

  it('the document states the limits the API enforces (limit 1..1000, months 1970-01..2999-12)', async () => {
    const doc = (await api.call(null, 'GET', '/openapi.json')).json as {
      paths: Record<string, Record<string, { parameters: { name: string; schema: { pattern: string } }[] }>>;
    };
    const pattern = (path: string, name: string) =>
      new RegExp(doc.paths[path]!.get!.parameters.find((p) => p.name === name)!.schema.pattern);
    const limit = pattern('/v1/outages', 'limit');
    expect(['0', '1001', '01', '-1'].filter((v) => limit.test(v))).toEqual([]);
    expect(['1', '10', '999', '1000'].every((v) => limit.test(v))).toBe(true);
    const month = pattern('/v1/uptime', 'month');
    expect(['0000-01', '1969-12', '3000-01', '2026-13'].filter((v) => month.test(v))).toEqual([]);
    for (const value of ['0', '1001']) {
      const r = await api.call('oncall', 'GET', `/v1/outages?limit=${value}`);
      expect([r.status, issuePaths(r)]).toEqual([400, ['query.limit']]);
    }
    expect((await api.call('oncall', 'GET', '/v1/outages?limit=1000')).status).toBe(200);
  });

  it.each([
    ['/health', 'GET, HEAD'],
    ['/openapi.json', 'GET, HEAD'],
    ['/webhooks/alertmanager', 'POST'],
    ['/codec/decode', 'POST'],
    ['/v1/outages/INC-1', 'GET'],
  ])('an undeclared method on %s is 405 with allow: %s', async (path, allow) => {
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const r = await api.call('oncall', method, path);
      expect([method, r.status, r.headers.get('allow'), r.error?.code]).toEqual([
        method,
        405,
        allow,
        'method_not_allowed',
      ]);
    }
  });
});

describe('tools nobody here wrote', () => {
  it('the served OpenAPI document passes openapi-spec-validator (OpenAPI 3.1)', async () => {
    const document = await api.call(null, 'GET', '/openapi.json');
    expect(document.status).toBe(200);
    const file = join(dir, 'openapi.json');
    writeFileSync(file, document.text);
    const child = spawn(testTool('OPENAPI_SPEC_VALIDATOR'), [file]);
    child.stdin.end();
    const result = await outcome(child);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/OK/);
  });

  it(
    'Schemathesis with every role token, and on the webhooks and the codec with their secrets: no server error, every answer as documented',
    async () => {
      const started = Date.now();
      const names: RunName[] = [...API_ROLES, ...SOURCE_PATHS];
      const runs = await Promise.all(names.map(schemathesis));
      console.log(
        `schemathesis: ${names.length} runs side by side in ${Math.round((Date.now() - started) / 1000)} s`,
      );
      for (const run of runs)
        console.log(
          `schemathesis ${run.name}: ${run.operations} operations (${run.skipped} skipped), cases: ${run.cases}, ` +
            `${run.failures.length} failing operation(s)${run.failures.length ? `: ${run.failures.join(', ')}` : ''}`,
        );
      const reports = runs.map((r) => r.output).join('\n\n');
      expect(
        runs.map((r) => ({ name: r.name, failures: r.failures })),
        reports,
      ).toEqual(names.map((name) => ({ name, failures: [] })));
      for (const run of runs) {
        expect(run.operations, run.name).toBeGreaterThanOrEqual(isSourcePath(run.name) ? 1 : 31);
        expect(run.code, run.output).toBe(0);
      }
    },
    (MAX_SECONDS + 150) * 1000,
  );
});
