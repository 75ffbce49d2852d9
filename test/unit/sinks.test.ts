// The embedded defaults of the side effects: the outbox and the paging log.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outboxMailer } from '../../src/activities/email';
import { eventsApiBody, filePagingSink } from '../../src/activities/paging';

const dir = () => mkdtempSync(join(tmpdir(), 'sla-sinks-'));

describe('outbox mailer', () => {
  it('writes one .eml per Message-ID, a retry rewriting the same file', async () => {
    const outbox = dir();
    const mailer = outboxMailer(outbox);
    const message = {
      from: 'sla@localhost',
      to: ['lead@example.org'],
      subject: 'Breach',
      text: 'Ticket T-1',
      messageId: '<ticket-T-1.step@sla-engine>',
    };
    await mailer.send(message);
    await mailer.send(message);
    expect(readdirSync(outbox)).toEqual(['ticket-T-1.step@sla-engine.eml']);
    const eml = readFileSync(join(outbox, 'ticket-T-1.step@sla-engine.eml'), 'utf8');
    expect(eml).toContain('Message-ID: <ticket-T-1.step@sla-engine>');
    expect(eml).toContain('Subject: Breach');
  });
});

describe('paging log', () => {
  it('appends Events API v2 bodies as JSON lines', async () => {
    const file = join(dir(), 'paging.jsonl');
    const sink = filePagingSink(file);
    await sink.send({ routingKey: 'rk', action: 'trigger', dedupKey: 'k1', summary: 's', severity: 'error' });
    await sink.send({ routingKey: 'rk', action: 'resolve', dedupKey: 'k1' });
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        routing_key: 'rk',
        event_action: 'trigger',
        dedup_key: 'k1',
        payload: { summary: 's', source: 'sla-engine', severity: 'error', custom_details: {} },
      }),
      expect.objectContaining({ event_action: 'resolve', dedup_key: 'k1' }),
    ]);
    expect(eventsApiBody({ routingKey: 'rk', action: 'acknowledge', dedupKey: 'k' })).toEqual({
      routing_key: 'rk',
      event_action: 'acknowledge',
      dedup_key: 'k',
    });
  });
});
