// Decision timelines read from the committed golden histories alone (issue 8): pure history
// interpretation, no server. Histories from time-skipping runs (written before encryption, so
// their payloads are plain) and from real dev-server runs (encrypted with the test keys).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INTERPRETERS, timelineOf, type Timeline } from '../../src/audit';
import { decodeHistory, parseHistoryJson } from '../../src/audit/history';
import { buildTimeline, genericInterpreter } from '../../src/audit/timeline';
import { divergingEvent } from '../../src/audit/replay';
import { AesGcmCodec, parseCodecKeys } from '../../src/codec';
import { testKeys } from '../helpers/codec';
import { HISTORIES_DIR } from '../helpers/histories';

const codecs = [new AesGcmCodec(testKeys())];
const read = (name: string) => parseHistoryJson(readFileSync(join(HISTORIES_DIR, `${name}.json`), 'utf8'));
const timeline = (name: string): Promise<Timeline> => timelineOf(read(name), codecs, name);
const kinds = (t: Timeline) => t.entries.map((e) => e.kind);
const entry = (t: Timeline, kind: string) => t.entries.find((e) => e.kind === kind)!;

describe('ticket timeline (C6–C8, C10–C13)', () => {
  it('L1 across a Friday 16:00 (I5): nothing over the weekend, the warning and the breach on Monday', async () => {
    const t = await timeline('ticketWorkflow-l1-across-friday');
    expect(t.facts.classification).toMatchObject({
      level: 'L1',
      ruleId: 'l1-how-do-i',
      phrase: 'comment puis-je',
    });
    expect(t.facts.clock).toMatchObject({
      clockStart: '2026-12-04T20:50:00.000Z',
      due: '2026-12-07T10:05:00.000Z',
    });
    expect(entry(t, 'warning')).toMatchObject({
      at: expect.stringMatching(/^2026-12-07T10:02/),
      outcome: 'ok',
    });
    expect(entry(t, 'breach').summary).toBe('response deadline breached (due 2026-12-07T10:05:00Z)');
    expect(entry(t, 'escalation').summary).toMatch(
      /^breach l1-breach-team-lead \(planned 2026-12-07T10:05:00Z\) to team-lead/,
    );
    expect(entry(t, 'acknowledgement').summary).toMatch(/→ breached, 20 coverage minutes$/);
    expect(entry(t, 'ledger-write').summary).toMatch(/written: L1, state breached, 20 coverage minutes/);
    // Nothing between Friday's opening and Monday's warning.
    const weekend = t.entries.filter((e) => e.at > '2026-12-04T21:00' && e.at < '2026-12-07T10:00');
    expect(weekend).toEqual([]);
  });

  it('data residency (I13): the suspension, its notice, and the refused assignees with the reason', async () => {
    const t = await timeline('ticketWorkflow-residency-suspended');
    expect(entry(t, 'routing').summary).toMatch(
      /^SLA suspended: data access restricted to Canada-based staff/,
    );
    expect(entry(t, 'suspension notice').summary).toMatch(
      /^suspension notice suspended to team-lead: lead\.toronto/,
    );
    const assignments = t.entries.filter((e) => e.kind === 'assignment');
    expect(assignments.map((a) => a.outcome)).toEqual(['rejected', 'rejected', 'ok']);
    expect(assignments[0]!.summary).toMatch(/not based in Canada/);
    expect(kinds(t)).not.toContain('breach');
  });

  it('reclassification (I11): the new level, its deadline from the original opening, the rule', async () => {
    const t = await timeline('ticketWorkflow-reclassified');
    const deadlines = t.entries.filter((e) => e.kind === 'deadline');
    expect(deadlines).toHaveLength(2);
    expect(entry(t, 'reclassification').summary).toMatch(
      /^reclassified to L1 by agent\.toronto: a how-to question → due /,
    );
    expect(t.facts.clock).toMatchObject({ level: 'L1' });
  });

  it('manual escalation, acknowledgement, double resolve, reopen: two outcomes written', async () => {
    const t = await timeline('ticketWorkflow-escalate-reopen');
    expect(kinds(t)).toEqual(
      expect.arrayContaining([
        'escalation-request',
        'manual escalation',
        'page',
        'email',
        'acknowledgement',
        'reopen',
      ]),
    );
    expect(t.entries.filter((e) => e.kind === 'ledger-write').map((e) => e.summary)).toEqual([
      expect.stringMatching(/^outcome of resolution 1 written/),
      expect.stringMatching(/^outcome of resolution 2 written/),
    ]);
    expect(t.entries.find((e) => e.kind === 'resolution' && e.outcome === 'rejected')).toBeDefined();
  });

  it('a real dev-server run, stored encrypted: decoded with the key, unreadable without it', async () => {
    const t = await timeline('ticketWorkflow-dev-l1-breach');
    expect(kinds(t)).toEqual(
      expect.arrayContaining(['warning', 'breach', 'escalation', 'page', 'email', 'ledger-write']),
    );
    expect(t.facts.ticket).toMatchObject({ requester: { email: expect.stringContaining('@') } });
    const stranger = new AesGcmCodec(parseCodecKeys('other:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='));
    await expect(timelineOf(read('ticketWorkflow-dev-l1-breach'), [stranger])).rejects.toThrow(
      /key "test-2", which is not in SLA_CODEC_KEYS/,
    );
  });
});

describe('session timeline (C13, I12)', () => {
  it.each(['sessionWorkflow-over-limit', 'sessionWorkflow-dev-over-limit'])(
    '%s: rules, warning, wrap-up, end',
    async (name) => {
      const t = await timeline(name);
      expect(t.status).toBe('completed');
      expect(kinds(t)).toEqual(['opened', 'rules', 'warning', 'wrap-up', 'ended', 'final']);
      expect(entry(t, 'final').summary).toMatch(/^final: over the limit, 2 notice\(s\)/);
    },
  );
});

describe('any workflow type', () => {
  it('has an interpreter for each workflow type with golden histories, and a generic trail otherwise', async () => {
    expect(Object.keys(INTERPRETERS).sort()).toEqual(['sessionWorkflow', 'ticketWorkflow']);
    const decoded = await decodeHistory(read('ticketWorkflow-escalate-reopen'), codecs, 'x');
    const generic = buildTimeline({ ...decoded, workflowType: 'someFutureWorkflow' }, genericInterpreter);
    expect(kinds(generic)).toEqual(
      expect.arrayContaining(['openTicketFacts', 'sendEmail', 'sendPage', 'message']),
    );
  });

  it('finds the first diverging event from the SDK’s non-determinism messages', () => {
    // A history recorded before the breach audience was resolved ahead: its event ids are fixed.
    const h = read('ticketWorkflow-before-audience-ahead-escalate-reopen');
    expect(
      divergingEvent('Nondeterminism error: ... HistoryEvent(id: 19, ActivityTaskScheduled)', h),
    ).toEqual({
      eventId: 19,
      eventType: 'ActivityTaskScheduled',
    });
    // Local activity seq 1 is the opening (openTicketFacts), seq 2 the roster lookup of the
    // manual escalation, marker event 18.
    expect(divergingEvent('Missing associated machine for LocalActivity(2)', h)).toEqual({
      eventId: 18,
      eventType: 'MarkerRecorded',
    });
    expect(divergingEvent('Timer(1) does not match', h)).toEqual({ eventId: 7, eventType: 'TimerStarted' });
    expect(divergingEvent('no event here', h)).toBeUndefined();
  });
});
