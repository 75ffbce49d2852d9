// A monitor that repeats its report, on the real dev server (C9, I7): 5,000 reports of one
// outage, ten at a time through the engine's client. Temporal refuses updates past 2,000 in one
// execution; the outage workflow continues as new before that, so every report is answered and
// counted once, the acknowledgement and the resolution are accepted, no page is sent twice and
// the ledger gets one record.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outageWorkflowId, type OutageStatus, type ReportAnswer } from '../../src/messages/outage';
import { startEngine, type Engine } from '../helpers/engine';

const REPORTS = 5000;
const CONCURRENCY = 10;

describe('an outage reported 5,000 times over', () => {
  let e: Engine;
  beforeAll(async () => {
    e = await startEngine({ server: 'dev' });
  });
  afterAll(async () => {
    await e?.stop();
  });

  it('is answered every time, acknowledged, resolved and recorded once, across continue-as-new runs', async () => {
    const key = 'INC-REPEATED';
    const workflowId = outageWorkflowId(key);
    const report = () =>
      e.outages.reportOutage(
        { key, summary: 'Status page down', regions: ['ca-central'], source: 'uptime' },
        { via: 'webhook' },
      );
    const opened = await report();
    expect(opened).toMatchObject({ created: true, state: 'open', reports: 1 });

    // Ten senders, each reporting in turn, as a monitor's retries and its peers would.
    const answers: ReportAnswer[] = [];
    let sent = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (sent < REPORTS) {
          sent++;
          answers.push(await report());
        }
      }),
    );
    expect(answers).toHaveLength(REPORTS);
    expect(answers.every((a) => a.workflowId === workflowId && !a.created && a.state === 'open')).toBe(true);

    const ack = await e.outages.acknowledgeOutage(key, { requestId: 'ack', responderId: 'oncall.toronto' });
    expect(ack).toMatchObject({ engagedBy: 'oncall.toronto', alreadyEngaged: false });
    const resolved = await e.outages.resolveOutage(key, { requestId: 'end', by: 'oncall.toronto' });
    // The run that sees the resolution writes the record and ends; result() follows the runs.
    const final: OutageStatus = await e.env.client.workflow.getHandle(workflowId).result();
    expect(final).toMatchObject({
      reports: REPORTS + 1,
      state: 'resolved',
      end: resolved.end,
      recorded: 'written',
    });
    // 5,001 reports at 500 messages a run: at least ten runs.
    expect(final.run).toBeGreaterThanOrEqual(10);

    const records = await e.ledger.outages({ from: final.detectedAt, to: final.end! });
    expect(records.filter((r) => r.outageId === key)).toHaveLength(1);
    // Every page raised once, and resolved.
    const keys = final.pages.map((p) => p.dedupKey);
    expect(keys.length).toBeGreaterThan(0);
    for (const dedupKey of keys) {
      const events = e.pager.events.filter((ev) => ev.dedup_key === dedupKey).map((ev) => ev.event_action);
      expect(events).toEqual(['trigger', 'resolve']);
    }
  }, 600_000);
});
