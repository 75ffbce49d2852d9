// The outage workflow's zod-free update checks against the zod schemas the client, CLI and
// webhooks parse with (C3, C4, C9; I7, I9): the same verdict on every input, the same fields named.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGENT_MAX, outageChecks } from '../../src/model/outage-checks';
import {
  AcknowledgeOutage,
  ClassifyOutage,
  ConfirmStart,
  ReceivedReport,
  ResolveOutage,
} from '../../src/model/outage';
import { field, idLike, itAgreesWithZod, instantLike, listOf, textLike } from '../helpers/checks';

const pairs = {
  report: ReceivedReport,
  acknowledge: AcknowledgeOutage,
  classify: ClassifyOutage,
  confirmStart: ConfirmStart,
  resolve: ResolveOutage,
} as const;

const regionLike = fc.oneof(
  fc.constantFrom(
    'ca-central',
    'us-west-2',
    'a',
    'A',
    'us_west',
    'us.east',
    '',
    '-x',
    'a'.repeat(50),
    'a'.repeat(51),
  ),
  fc.string({ maxLength: 6 }),
);

const message = fc.record(
  {
    key: field(idLike),
    summary: field(textLike(500)),
    regions: field(listOf(field(regionLike), 50)),
    startedAt: field(instantLike),
    source: field(textLike(100)),
    reportId: field(idLike),
    receivedAt: field(instantLike),
    via: field(fc.constantFrom('webhook', 'operator', 'Webhook', '')),
    requestId: field(idLike),
    responderId: field(idLike),
    at: field(instantLike),
    agent: field(textLike(AGENT_MAX)),
    agentId: field(
      fc.oneof(
        fc.constantFrom('PLH1HKV', 'user@example.com', 'P'.repeat(64), 'P'.repeat(65), 'P ABC', '-P', ''),
        fc.string({ maxLength: 8 }),
      ),
    ),
    classification: field(fc.constantFrom('unexpected', 'external', 'partial', 'planned', 'Partial')),
    by: field(idLike),
    reason: field(textLike(500)),
    end: field(instantLike),
    extra: fc.string(),
  },
  { requiredKeys: [] },
);

describe('outage workflow checks (zod-free) agree with the zod schemas', () => {
  itAgreesWithZod(pairs, outageChecks, message, 1000);

  it('accepts a well-formed report and classification (I9: regions may repeat, the workflow dedups)', () => {
    const report = {
      key: 'db-primary',
      summary: 'primary database unreachable',
      regions: ['ca-central', 'ca-central'],
      source: 'alertmanager',
      reportId: 'rep-1',
      receivedAt: '2026-11-30T14:05:00Z',
    };
    expect(ReceivedReport.safeParse(report).success).toBe(true);
    expect(() => outageChecks.report(report)).not.toThrow();
    expect(() =>
      outageChecks.classify({
        requestId: 'c-1',
        classification: 'external',
        by: 'lead',
        reason: 'upstream DNS',
      }),
    ).not.toThrow();
  });

  it('names the field, the item of a list, and what is wrong with it', () => {
    expect(() =>
      outageChecks.classify({
        requestId: 'c-1',
        classification: 'planned',
        by: 'lead',
        reason: 'x',
        regions: ['ok', 'US'],
      }),
    ).toThrow(
      /^classification: expected one of unexpected, external, partial; regions\.1: expected a region id/,
    );
    expect(() =>
      outageChecks.classify({
        requestId: 'c-1',
        classification: 'partial',
        by: 'l',
        reason: 'x',
        regions: [],
      }),
    ).toThrow(/^regions: expected at least one affected region$/);
    // Over the cap, the list is refused whole, its items unread (as zod does).
    expect(() =>
      outageChecks.classify({
        requestId: 'c',
        classification: 'partial',
        by: 'l',
        reason: 'x',
        regions: Array(51).fill('X'),
      }),
    ).toThrow(/^regions: expected at most 50 items$/);
    expect(() => outageChecks.acknowledge({ requestId: 'a-1', responderId: 'l3', at: '2026-11-30' })).toThrow(
      /^at: expected an ISO-8601 instant with an offset/,
    );
    // The acknowledging agent's user id follows the roster's pagingUserId rule (C9, I7).
    const ack = { requestId: 'a-1', responderId: 'l3', agent: 'Sydney L3 specialist' };
    expect(() => outageChecks.acknowledge({ ...ack, agentId: 'PLH1HKV' })).not.toThrow();
    expect(() => outageChecks.acknowledge({ ...ack, agentId: 'P LH1HKV' })).toThrow(
      /^agentId: expected the paging provider's user id/,
    );
    expect(AcknowledgeOutage.safeParse({ ...ack, agentId: 'P'.repeat(65) }).error?.issues).toMatchObject([
      { path: ['agentId'], message: expect.stringMatching(/<=64 characters/) },
    ]);
    expect(() => outageChecks.resolve([])).toThrow(/^\(input\): expected an object, received array$/);
  });
});
