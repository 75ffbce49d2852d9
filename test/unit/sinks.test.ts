// The embedded defaults of the side effects: the outbox and the paging log, both for the engine's
// user only (files 0600, directories 0700).
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { outboxMailer } from '../../src/activities/email';
import { eventsApiBody, filePagingSink } from '../../src/activities/paging';

const dir = () => mkdtempSync(join(tmpdir(), 'sla-sinks-'));
const modeOf = (path: string) => statSync(path).mode & 0o777;
const message = {
  from: 'sla@localhost',
  to: ['lead@example.org'],
  subject: 'Breach',
  text: 'Ticket T-1',
  messageId: '<ticket-T-1.step@sla-engine>',
};

describe('outbox mailer', () => {
  it('writes one .eml per Message-ID, a retry rewriting the same file', async () => {
    const outbox = dir();
    const mailer = outboxMailer(outbox);
    await mailer.send(message);
    await mailer.send(message);
    expect(readdirSync(outbox)).toEqual(['ticket-T-1.step@sla-engine.eml']);
    const eml = readFileSync(join(outbox, 'ticket-T-1.step@sla-engine.eml'), 'utf8');
    expect(eml).toContain('Message-ID: <ticket-T-1.step@sla-engine>');
    expect(eml).toContain('Subject: Breach');
  });

  it('creates its directory 0700 and each .eml 0600, and tightens an outbox left readable', async () => {
    const fresh = join(dir(), 'data', 'outbox');
    await outboxMailer(fresh).send(message);
    expect(modeOf(fresh)).toBe(0o700);
    expect(modeOf(join(fresh, 'ticket-T-1.step@sla-engine.eml'))).toBe(0o600);

    const old = join(dir(), 'outbox');
    mkdirSync(old, { mode: 0o755 });
    chmodSync(old, 0o755);
    outboxMailer(old);
    expect(modeOf(old)).toBe(0o700);
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

  it('creates the log 0600 in a directory created 0700, and tightens a log left readable', async () => {
    const file = join(dir(), 'logs', 'paging.jsonl');
    await filePagingSink(file).send({ routingKey: 'rk', action: 'resolve', dedupKey: 'k1' });
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(join(file, '..'))).toBe(0o700);

    const old = join(dir(), 'paging.jsonl');
    writeFileSync(old, '', { mode: 0o644 });
    chmodSync(old, 0o644);
    filePagingSink(old);
    expect(modeOf(old)).toBe(0o600);
  });
});
