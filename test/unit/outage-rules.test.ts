// The outage chain and the C9 verdict as plain arithmetic (C9, I7): step instants from
// detection, rounds that repeat, a chain that fell behind firing only its latest round, and
// which engagements meet the 10-minute target.
import { describe, expect, it } from 'vitest';
import defaultPolicy from '../../src/policy/default-policy.json';
import { parseOutageDedupKey } from '../../src/model/outage';
import {
  ACK_STATED_SKEW_MS,
  acknowledgementInstant,
  countedStart,
  dueOccurrences,
  engagementDue,
  engagementMet,
  orderSteps,
  stepOccurrence,
  type OutageStep,
} from '../../src/rules/outage-plan';

const steps = orderSteps(defaultPolicy.escalation.outage as OutageStep[]);
const repeat = defaultPolicy.escalation.outageRepeatMinutes;
const t0 = Date.parse('2026-11-29T03:00:00Z'); // a Saturday night: I7 knows no coverage
const min = (n: number) => t0 + n * 60_000;

describe('outage chain (C9, I7)', () => {
  it('fires the policy steps at their minutes after detection, then repeats 15 minutes after the last', () => {
    const occurrences = Array.from({ length: 8 }, (_, n) => stepOccurrence(steps, repeat, t0, n));
    expect(occurrences.map((o) => [o.id, (o.at - t0) / 60_000])).toEqual([
      ['outage-primary', 0],
      ['outage-status', 0],
      ['outage-secondary', 5],
      ['outage-eng-manager', 10],
      ['outage-primary-r2', 25],
      ['outage-status-r2', 25],
      ['outage-secondary-r2', 30],
      ['outage-eng-manager-r2', 35],
    ]);
    expect(occurrences[4]!.reason).toMatch(/round 2/);
  });

  it('orders steps by their minutes, keeping the policy order among equals', () => {
    const shuffled = [steps[3]!, steps[1]!, steps[0]!, steps[2]!];
    // outage-status and outage-primary are both at 0: the given order between them stays.
    expect(orderSteps(shuffled).map((s) => s.id)).toEqual([
      'outage-status',
      'outage-primary',
      'outage-secondary',
      'outage-eng-manager',
    ]);
  });

  it('fires every step due at once together, and waits for the next', () => {
    expect(dueOccurrences(steps, repeat, t0, 0, t0)).toEqual({ due: [0, 1], next: 2 });
    expect(dueOccurrences(steps, repeat, t0, 2, min(4))).toEqual({ due: [], next: 2 });
    expect(dueOccurrences(steps, repeat, t0, 2, min(10))).toEqual({ due: [2, 3], next: 4 });
  });

  it('a chain far behind fires only its latest round, not one page per missed round', () => {
    const now = min(60 * 24 * 365); // a detection a year before the first report
    const { due, next } = dueOccurrences(steps, repeat, t0, 0, now);
    const rounds = new Set(due.map((n) => stepOccurrence(steps, repeat, t0, n).round));
    expect(rounds.size).toBe(1);
    expect(due.length).toBeLessThanOrEqual(steps.length);
    expect(stepOccurrence(steps, repeat, t0, next).at).toBeGreaterThan(now);
  });

  it('C9 is met by an acknowledgement at or before 10 minutes, breached after', () => {
    const due = engagementDue(t0, 10);
    expect(due).toBe(min(10));
    expect(engagementMet({ due, engagedAt: min(10), endedAt: null })).toBe(true);
    expect(engagementMet({ due, engagedAt: min(10) + 1, endedAt: null })).toBe(false);
    expect(engagementMet({ due, engagedAt: min(27), endedAt: min(30) })).toBe(false);
  });

  it('an outage over before engagement was due met C9; one that outlived it unengaged breached', () => {
    const due = engagementDue(t0, 10);
    expect(engagementMet({ due, engagedAt: null, endedAt: min(3) })).toBe(true);
    expect(engagementMet({ due, engagedAt: null, endedAt: min(11) })).toBe(false);
    expect(engagementMet({ due, engagedAt: null, endedAt: null })).toBe(false);
  });

  // C9 (I7): the receipt judges engagement; a stated time counts only just before it.
  it('an acknowledgement engages when received; its stated time only within a minute before', () => {
    const received = min(27);
    expect(ACK_STATED_SKEW_MS).toBe(60_000);
    expect(acknowledgementInstant(received, null)).toBe(received);
    expect(acknowledgementInstant(received, min(9))).toBe(received);
    expect(acknowledgementInstant(received, received - 20_000)).toBe(received - 20_000);
    expect(acknowledgementInstant(received, received - 60_000)).toBe(received - 60_000);
    expect(acknowledgementInstant(received, received - 60_001)).toBe(received);
    expect(acknowledgementInstant(received, received + 5_000)).toBe(received);
    // Stated 20 s before a receipt just past due: on time; 9 min claimed at 27 min: a breach.
    const due = engagementDue(t0, 10);
    expect(
      engagementMet({
        due,
        engagedAt: acknowledgementInstant(min(10) + 15_000, min(10) - 5_000),
        endedAt: null,
      }),
    ).toBe(true);
    expect(engagementMet({ due, engagedAt: acknowledgementInstant(min(27), min(9)), endedAt: null })).toBe(
      false,
    );
  });
});

describe('page dedup keys', () => {
  it('name the outage and the responder, even when the key holds colons', () => {
    expect(parseOutageDedupKey('outage-am:api-5xx:outage-secondary-r2:specialist.sydney')).toEqual({
      key: 'am:api-5xx',
      stepId: 'outage-secondary-r2',
      responderId: 'specialist.sydney',
    });
    expect(parseOutageDedupKey('ticket-T-1:l1-breach-team-lead:lead.toronto')).toBeNull();
    expect(parseOutageDedupKey('outage-x')).toBeNull();
  });
});

describe('the start an outage counts from (I7)', () => {
  const receivedAt = new Date(t0).toISOString();
  const before = (m: number) => new Date(t0 - m * 60_000).toISOString();

  it("a webhook's start within the limit counts; further back it is a claim and the receipt counts", () => {
    expect(countedStart({ startedAt: before(15), receivedAt, via: 'webhook' }, 15)).toEqual({
      start: t0 - 15 * 60_000,
      claimedStart: null,
    });
    expect(countedStart({ startedAt: before(16), receivedAt, via: 'webhook' }, 15)).toEqual({
      start: t0,
      claimedStart: t0 - 16 * 60_000,
    });
  });

  it("the on-call role's report (or one recorded before `via`) is trusted; no startedAt is the receipt", () => {
    expect(
      countedStart({ startedAt: before(3 * 24 * 60), receivedAt, via: 'operator' }, 15).claimedStart,
    ).toBeNull();
    expect(countedStart({ startedAt: before(600), receivedAt }, 15)).toEqual({
      start: t0 - 600 * 60_000,
      claimedStart: null,
    });
    expect(countedStart({ receivedAt, via: 'webhook' }, 0)).toEqual({ start: t0, claimedStart: null });
  });
});
