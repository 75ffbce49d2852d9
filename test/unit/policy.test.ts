// The policy as data: validation names every bad field, the version is a content hash.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import defaultPolicy from '../../src/policy/default-policy.json';
import { loadPolicy, parsePolicy, policyFromRecord, policyRecord, PolicyError } from '../../src/policy';

const dir = mkdtempSync(join(tmpdir(), 'sla-policy-'));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
};
const clone = (): typeof defaultPolicy => JSON.parse(JSON.stringify(defaultPolicy)) as typeof defaultPolicy;

function issuesOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof PolicyError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  throw new Error('expected a PolicyError');
}

describe('policy validation', () => {
  it('accepts the built-in policy, which holds the contract numbers', () => {
    const { policy } = loadPolicy({});
    expect(policy.levels.L1).toEqual({ kind: 'coverage-minutes', minutes: 15 });
    expect(policy.engagementMinutes).toBe(10);
    expect(policy.maintenanceNoticeHours).toBe(24);
    expect(policy.uptime.creditTiers.map((t) => [t.below, t.creditPercent])).toEqual([
      ['99.95', 25],
      ['99.9', 50],
      ['99', 100],
    ]);
  });

  it('names the path of each bad field', () => {
    const bad = clone() as Record<string, unknown> & typeof defaultPolicy;
    bad.timeZone = 'Mars/Olympus';
    bad.coverage.weekly[0]!.to.time = '25:00';
    bad.levels.L2 = { kind: 'business-days', days: 0 };
    bad.holidays.countries.AU.window.end.time = '19:00';
    bad.holidays.countries.AU.window.end.dayOffset = -1;
    bad.uptime.creditTiers[1]!.below = '99,9';
    const issues = issuesOf(() => parsePolicy(bad, 'test'));
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^timeZone: expected an IANA time zone/),
        expect.stringMatching(/^coverage\.weekly\[0\]\.to\.time: /),
        expect.stringMatching(/^levels\.L2\.days: /),
        expect.stringMatching(/^holidays\.countries\.AU\.window\.end: the window must end after it starts/),
        expect.stringMatching(/^uptime\.creditTiers\[1\]\.below: expected a decimal percentage/),
      ]),
    );
  });

  it('refuses a tier threshold or target finer than the displayed uptime (4 decimals, truncated; I10)', () => {
    const fine = clone();
    fine.uptime.creditTiers[0]!.below = '99.95001';
    fine.uptime.targetPercent = '99.949999';
    expect(issuesOf(() => parsePolicy(fine, 'test'))).toEqual([
      'uptime.targetPercent: at most 4 decimals (the uptime shown is truncated to 4)',
      'uptime.creditTiers[0].below: at most 4 decimals (the uptime shown is truncated to 4)',
    ]);
    // Trailing zeros are not finer.
    const zeros = clone();
    zeros.uptime.creditTiers[0]!.below = '99.950000';
    expect(parsePolicy(zeros, 'test').policy.uptime.creditTiers[0]!.below).toBe('99.950000');
  });

  it('rejects duplicate rule and step ids, and a session warning after the limit', () => {
    const bad = clone();
    bad.classification.rules[1]!.id = bad.classification.rules[0]!.id;
    bad.escalation.ticket.L1[1]!.id = bad.escalation.ticket.L1[0]!.id;
    bad.session.warningBeforeMinutes = 20;
    expect(issuesOf(() => parsePolicy(bad, 'test'))).toEqual(
      expect.arrayContaining([
        'classification.rules: rule ids must be unique',
        'escalation.ticket.L1: step ids must be unique',
        'session.warningBeforeMinutes: the warning must come before the limit',
      ]),
    );
  });

  it('reports a missing or malformed file by name', () => {
    expect(issuesOf(() => loadPolicy({ policyFile: join(dir, 'nope.json') }))[0]).toMatch(
      /^\(file\): cannot read the policy file/,
    );
    expect(issuesOf(() => loadPolicy({ policyFile: write('broken.json', '{ "timeZone": ') }))[0]).toMatch(
      /not valid JSON/,
    );
    expect(
      issuesOf(() =>
        loadPolicy({
          overridesFile: write('o.json', [{ action: 'move', country: 'FR', date: '2026-02-30', name: 'x' }]),
        }),
      ),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\[0\]\.action: /),
        expect.stringMatching(/^\[0\]\.country: /),
        expect.stringMatching(/^\[0\]\.date: /),
      ]),
    );
  });
});

describe('policy version', () => {
  it('does not depend on key order, and changes with any number', () => {
    const reordered = Object.fromEntries(Object.entries(clone()).reverse());
    const base = loadPolicy({}).version;
    expect(loadPolicy({ policyFile: write('reordered.json', reordered) }).version).toBe(base);
    const changed = clone();
    changed.engagementMinutes = 11;
    expect(loadPolicy({ policyFile: write('changed.json', changed) }).version).not.toBe(base);
  });

  it('includes the overrides file', () => {
    const overrides = write('closures.json', [
      { action: 'add', country: 'CA', date: '2026-12-24', name: 'Company closure' },
    ]);
    const loaded = loadPolicy({ overridesFile: overrides });
    expect(loaded.version).not.toBe(loadPolicy({}).version);
    expect(loaded.policy.holidays.overrides).toHaveLength(1);
    expect(loaded.source).toContain('closures.json');
  });

  it('reads back from its stored record (I15) only while the content hashes to its version', () => {
    const loaded = loadPolicy({
      overridesFile: write('stored.json', [
        { action: 'add', country: 'CA', date: '2026-12-24', name: 'Company closure' },
      ]),
    });
    // As the ledger gives it back: jsonb reorders keys.
    const record = JSON.parse(JSON.stringify(policyRecord(loaded))) as { version: string; policy: unknown };
    const back = policyFromRecord(record);
    expect(back).toEqual({
      policy: loaded.policy,
      version: loaded.version,
      source: `ledger policy ${loaded.version}`,
    });
    const edited = { ...record, policy: { ...(record.policy as object), engagementMinutes: 11 } };
    expect(() => policyFromRecord(edited)).toThrow(/\(version\): the stored content hashes to/);
  });
});
