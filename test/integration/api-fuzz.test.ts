// Property-based fuzz of every path parameter, query and body the HTTP API accepts:
// 5,000 requests (FUZZ_RUNS=<n> for more) generated from the route table's own zod schemas — valid ones, nearly valid
// ones (a field of the wrong type, a huge or exotic Unicode string, a required field left out,
// an unknown one added), garbage bodies, the wrong role or no token — against the real dev
// server, worker and PGlite ledger. No answer is a 5xx; no refused request started a workflow
// or wrote a ledger row. FUZZ_SEED=<n> replays a run. Schemathesis (schemathesis.test.ts) fuzzes
// every route and webhook from the OpenAPI document beside it, so CI runs half as many here.
import { WorkflowNotFoundError } from '@temporalio/client';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLE_ROUTES, type Route } from '../../src/api/routes';
import { API_ROLES, type ApiRole } from '../../src/config';
import { ROLE_TOKENS, startEngineApi, type Reply, type TestApi } from '../helpers/api';
import type { Engine } from '../helpers/engine';
import { garbage, jsonSchemaOf, nearly } from '../helpers/schema-arbitrary';

const RUNS = Number(process.env.FUZZ_RUNS ?? 5_000);
const IN_FLIGHT = 12;
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

interface FuzzRequest {
  route: Route;
  role: ApiRole | null;
  path: string;
  body: string | undefined;
  contentType: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? 'undefined'));

/** Path parameters and query values are strings in a URL: the fuzz sends each value's text. */
function stringsOf(route: Route, part: 'params' | 'query'): fc.Arbitrary<Record<string, string>> {
  const schema = route[part];
  if (!schema) return fc.constant({});
  const properties = Object.entries(jsonSchemaOf(schema).properties ?? {});
  return fc.record(Object.fromEntries(properties.map(([k, p]) => [k, nearly(p).map(text)])), {
    requiredKeys: part === 'params' ? properties.map(([k]) => k) : [],
  });
}

function requestFor(route: Route): fc.Arbitrary<FuzzRequest> {
  const others = API_ROLES.filter((r) => !route.roles.includes(r));
  const role = fc.oneof(
    { weight: 18, arbitrary: fc.constantFrom(...route.roles) },
    { weight: 1, arbitrary: others.length ? fc.constantFrom(...others) : fc.constant(null) },
    { weight: 1, arbitrary: fc.constant(null) },
  );
  const body = route.body
    ? fc.oneof(
        { weight: 16, arbitrary: nearly(jsonSchemaOf(route.body)).map((v) => JSON.stringify(v) ?? 'null') },
        { weight: 1, arbitrary: garbage.map(text) },
        { weight: 1, arbitrary: fc.string({ maxLength: 30 }) }, // rarely JSON at all
      )
    : fc.constant(undefined);
  return fc
    .record({
      role,
      params: stringsOf(route, 'params'),
      query: stringsOf(route, 'query'),
      // Now and then a query parameter no route knows.
      extraQuery: fc.oneof(
        { weight: 19, arbitrary: fc.constant(null) },
        {
          weight: 1,
          arbitrary: fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 8 })),
        },
      ),
      body,
      contentType: fc.constantFrom(...Array<string>(30).fill('application/json'), 'text/plain'),
    })
    .map(({ role, params, query, extraQuery, body, contentType }) => {
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) =>
        encodeURIComponent(params[name] ?? ''),
      );
      const search = new URLSearchParams(query);
      if (extraQuery) search.append(...extraQuery);
      const qs = search.toString();
      return { route, role, path: qs ? `${path}?${qs}` : path, body, contentType };
    });
}

/** The workflow a create request would start, by the id its body names (when it names one). */
function workflowNamed(r: FuzzRequest): string | null {
  if (!r.body) return null;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(r.body) as Record<string, unknown>;
  } catch {
    return null;
  }
  const name = (field: string, prefix: string) => {
    const v = body?.[field];
    return typeof v === 'string' && v && v.length < 300 ? `${prefix}${v}` : null;
  };
  switch (r.route.id) {
    case 'openTicket':
      return name('ticketId', 'ticket-');
    case 'openSession':
      return name('sessionId', 'session-');
    case 'reportOutage':
      return name('key', 'outage-');
    case 'scheduleMaintenance':
      return name('maintenanceId', 'maintenance-');
    case 'runCredits':
      return name('month', 'billing-month-');
    default:
      return null;
  }
}

type Row = Record<string, unknown>;

/** Every row of every table of the ledger, straight from SQL: each row as JSON text, by table. */
async function ledgerTables(e: Engine): Promise<Map<string, Set<string>>> {
  const tables = await e.ledger.driver.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`,
  );
  const rows = await Promise.all(
    tables.map(({ name }) =>
      e.ledger.driver.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${name}" t`),
    ),
  );
  return new Map(tables.map(({ name }, i) => [name, new Set(rows[i]!.map((r) => r.row))]));
}

/**
 * Which accepted request a new or changed row of a ledger table is owed to, if any: a customer an
 * accepted import named, or a record of a workflow an accepted request started. A table with no
 * rule here (the migrations', or one added later) may not change at all.
 */
const OWNER: Record<string, (row: Row) => string> = {
  customer_terms: (r) => `customer ${String(r.customer_id)}`,
  ticket_outcomes: (r) => `ticket-${String(r.ticket_id)}`,
  outages: (r) => String(r.workflow_id),
  maintenance_windows: (r) => String(r.workflow_id),
  credit_entries: (r) => String(r.workflow_id),
  month_closes: (r) => String(r.workflow_id),
  // The month's policy is recorded by its close's first batch (I15).
  month_policies: (r) => `billing-month-${String(r.month)}`,
};

describe('HTTP API fuzz', () => {
  let e: Engine;
  let api: TestApi;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ e, api, stop } = await startEngineApi());
  });
  afterAll(async () => {
    await stop?.();
  });

  it(`${RUNS} generated requests across every route: no 5xx, and nothing started or written for a refused one (seed ${SEED})`, async () => {
    const before = await ledgerTables(e);
    const started = Date.now();
    const requests = fc.sample(fc.oneof(...ROLE_ROUTES.map(requestFor)), { numRuns: RUNS, seed: SEED });
    const answered: { request: FuzzRequest; reply: Pick<Reply, 'status' | 'json'> }[] = [];
    for (let i = 0; i < requests.length; i += IN_FLIGHT) {
      await Promise.all(
        requests.slice(i, i + IN_FLIGHT).map(async (request) => {
          const res = await api.send(
            request.route.method,
            request.path,
            {
              ...(request.role ? { authorization: `Bearer ${ROLE_TOKENS[request.role]}` } : {}),
              ...(request.body !== undefined ? { 'content-type': request.contentType } : {}),
            },
            request.body,
          );
          let json: unknown;
          try {
            json = JSON.parse(res.text);
          } catch {
            json = res.text.slice(0, 200);
          }
          answered.push({ request, reply: { status: res.status, json } });
        }),
      );
    }
    const sendingMs = Date.now() - started;
    expect(answered).toHaveLength(RUNS);

    const fivexx = answered.filter((a) => a.reply.status >= 500);
    expect(
      fivexx.slice(0, 3).map((a) => ({
        route: a.request.route.id,
        path: a.request.path,
        body: a.request.body?.slice(0, 500),
        reply: a.reply,
      })),
      `seed ${SEED}`,
    ).toEqual([]);

    // Every route was fuzzed, and most requests were refused before reaching Temporal.
    const byRoute = new Map<string, number>();
    for (const a of answered) byRoute.set(a.request.route.id, (byRoute.get(a.request.route.id) ?? 0) + 1);
    expect([...byRoute.keys()].sort()).toEqual(ROLE_ROUTES.map((r) => r.id).sort());
    const refused = answered.filter((a) => a.reply.status >= 400);
    expect(refused.length).toBeGreaterThan(RUNS / 2);

    // A workflow exists only if some request naming it was accepted.
    const accepted = new Set(
      answered
        .filter((a) => a.reply.status < 300)
        .map((a) => (a.reply.json as { workflowId?: string } | undefined)?.workflowId)
        .filter((id): id is string => typeof id === 'string'),
    );
    const named = new Set(
      refused.map((a) => workflowNamed(a.request)).filter((id): id is string => id !== null),
    );
    for (const workflowId of named) {
      if (accepted.has(workflowId)) continue;
      const found = await e.env.client.workflow
        .getHandle(workflowId)
        .describe()
        .then(
          () => true,
          (err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return false;
            throw err;
          },
        );
      expect({ workflowId, found }).toEqual({ workflowId, found: false });
    }
    // Every workflow visibility lists, once it has caught up with the fuzz: a sentinel started
    // after the last request (on a queue no worker polls) is listed.
    const sentinel = await e.env.client.workflow.start('fuzzSentinel', {
      workflowId: `fuzz-sentinel-${SEED}`,
      taskQueue: 'fuzz-sentinel',
    });
    await e.waitFor(
      async () => (await e.env.client.workflow.count(`WorkflowId = '${sentinel.workflowId}'`)).count > 0,
      'the sentinel listed',
    );
    const listed: string[] = [];
    for await (const w of e.env.client.workflow.list()) listed.push(w.workflowId);
    await sentinel.terminate('the fuzz is checked');
    expect(listed).toContain(sentinel.workflowId);
    expect(listed.filter((id) => id !== sentinel.workflowId && !accepted.has(id))).toEqual([]);

    // The ledger's tables, every one: a row added, changed or removed is owed to an accepted request.
    const after = await ledgerTables(e);
    expect([...after.keys()]).toEqual(expect.arrayContaining(Object.keys(OWNER)));
    const importedIds = new Set(
      answered
        .filter((a) => a.request.route.id === 'importCustomers' && a.reply.status < 300)
        .flatMap((a) =>
          (JSON.parse(a.request.body!) as { customerId: string }[]).map((c) => c.customerId.trim()),
        ),
    );
    // A contract ended by an accepted request: its customer's new version (I15).
    for (const a of answered)
      if (a.request.route.id === 'endContract' && a.reply.status < 300)
        importedIds.add(decodeURIComponent(a.request.path.split('/')[3]!));
    const owners = new Set([...accepted, ...[...importedIds].map((id) => `customer ${id}`)]);
    for (const table of new Set([...before.keys(), ...after.keys()])) {
      const [was, is] = [before.get(table) ?? new Set<string>(), after.get(table) ?? new Set<string>()];
      const touched = [...[...is].filter((r) => !was.has(r)), ...[...was].filter((r) => !is.has(r))];
      const owner = OWNER[table];
      const unowned = touched.filter((r) => !owner || !owners.has(owner(JSON.parse(r) as Row)));
      expect({ table, unowned }).toEqual({ table, unowned: [] });
    }
    const statuses: Record<number, number> = {};
    for (const a of answered) statuses[a.reply.status] = (statuses[a.reply.status] ?? 0) + 1;
    // Past parsing and roles: the fuzz reached the clients, Temporal and the ledger, not only zod.
    const reached = answered.filter((a) => a.reply.status < 400 || [404, 409].includes(a.reply.status));
    expect(reached.length).toBeGreaterThan(RUNS / 20);
    console.log(
      `fuzz seed ${SEED}: ${RUNS} requests, statuses ${JSON.stringify(statuses)}, ` +
        `${accepted.size} workflows started, ${importedIds.size} customers imported, sent in ${sendingMs} ms`,
    );
  }, 300_000);
});
