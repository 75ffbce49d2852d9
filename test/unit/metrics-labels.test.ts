// The engine's metrics carry no ticket, customer or outage id and no caller's text: every label
// value comes from a bounded set (src/metrics/registry.ts), whatever the activities and the API
// are given. Driven through the real activities (in a mocked activity context of a ticket
// workflow) and the API's counting, with ids and text meant to leak, then read as Prometheus would.
import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { createEmailActivities } from '../../src/activities/email';
import { createPagingActivities } from '../../src/activities/paging';
import { CALLER_ROLES, countApiRequest, ROUTE_IDS } from '../../src/api/metrics';
import { LABEL_SETS, OTHER, apiRegistry, registry } from '../../src/metrics/registry';
import { timedLedger } from '../../src/metrics/ledger';
import type { Ledger } from '../../src/ledger/types';
import { loadPolicy } from '../../src/policy';

const TICKET = 'ACME-SECRET-4711';
const SUBJECT = 'Payroll export leaks salaries of Jane Doe';
const policy = loadPolicy({});

async function series(r: typeof registry) {
  return (await r.getMetricsAsJSON()).flatMap((m) =>
    (m.values as { labels: Record<string, string | number> }[]).map((v) => ({
      name: m.name,
      labels: v.labels,
    })),
  );
}

describe('metrics labels', () => {
  it('take their values from bounded sets, whatever the activities and the API are given', async () => {
    const ticketStep = new MockActivityEnvironment({ workflowType: 'ticketWorkflow', attempt: 1 });
    const mailer = { send: async () => {} };
    const refusing = {
      send: async () => {
        throw Object.assign(new Error(`550 no such user ${TICKET}`), { responseCode: 550 });
      },
    };
    const email = createEmailActivities({ mailer, from: 'x@example.com', policy: () => policy });
    const failing = createEmailActivities({ mailer: refusing, from: 'x@example.com', policy: () => policy });
    const message = {
      messageId: `<ticket-${TICKET}.l1-breach-team-lead@sla-engine>`,
      to: ['jane@example.com'],
      subject: `[SLA L1] ticket ${TICKET}: escalation`,
      text: SUBJECT,
    };
    await ticketStep.run((m: typeof message) => email.sendEmail(m), message);
    await expect(
      ticketStep.run((m: typeof message) => failing.sendEmail(m), { ...message, subject: SUBJECT }),
    ).rejects.toThrow(ApplicationFailure);
    const pages = createPagingActivities({
      sink: {
        send: async () => {
          throw new Error(`paging endpoint answered 503 for ${TICKET}`);
        },
      },
      policy: () => policy,
    });
    await expect(
      ticketStep.run((event: Parameters<typeof pages.sendPage>[0]) => pages.sendPage(event), {
        routingKey: 'k',
        action: 'trigger' as const,
        dedupKey: `ticket-${TICKET}:l1-breach-manager:r1`,
        summary: SUBJECT,
        customDetails: { ticketId: TICKET, level: TICKET, step: 'l1-breach-manager' },
      }),
    ).rejects.toThrow(/503/);
    const ledger = timedLedger({
      recordOutage: async () => 'written',
      outages: async () => [],
    } as unknown as Ledger);
    await ledger.recordOutage({ outageId: TICKET } as never);
    countApiRequest({ route: `/v1/tickets/${TICKET}`, method: 'GET', status: 404, role: TICKET, ms: 1 });
    countApiRequest({ route: 'getTicket', method: 'GET', status: 200, role: 'agent', ms: 1 });

    const worker = await series(registry);
    const api = await series(apiRegistry);
    // What was counted, under the labels expected.
    expect(worker).toContainEqual({ name: 'sla_breaches_total', labels: { level: 'L1' } });
    expect(worker).toContainEqual({
      name: 'sla_escalation_steps_total',
      labels: { level: 'L1', kind: 'breach' },
    });
    expect(worker).toContainEqual({
      name: 'sla_deliveries_total',
      labels: { channel: 'email', outcome: 'failed', reason: 'rejected' },
    });
    expect(worker).toContainEqual({
      name: 'sla_deliveries_total',
      labels: { channel: 'page', outcome: 'failed', reason: 'unavailable' },
    });
    expect(api).toContainEqual({
      name: 'sla_api_requests_total',
      labels: { route: OTHER, role: OTHER, status: '404' },
    });

    const allowed: Record<string, readonly string[]> = {
      ...LABEL_SETS,
      route: ROUTE_IDS,
      role: CALLER_ROLES,
    };
    for (const { name, labels } of [...worker, ...api]) {
      for (const [label, value] of Object.entries(labels)) {
        if (label === 'le') continue; // a histogram's bucket bound
        if (label === 'status') {
          expect(String(value), `${name} ${label}`).toMatch(/^[1-5]\d\d$|^other$/);
          continue;
        }
        expect(allowed[label], `${name}: label ${label} has no bounded set`).toBeDefined();
        expect([...allowed[label]!, OTHER], `${name} ${label}`).toContain(String(value));
      }
    }
    const text = (await registry.metrics()) + (await apiRegistry.metrics());
    expect(text).not.toContain(TICKET);
    expect(text).not.toContain('Jane');
  });
});
