// `sla credits compute` as finance runs it (C1, C2, C14; I8–I10): JSON shape, text, exit codes.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import defaultPolicy from '../../src/policy/default-policy.json';
import { sla } from '../helpers/cli';

const dir = mkdtempSync(join(tmpdir(), 'sla-credits-'));
function eventsFile(name: string, content: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

// March 2026 in Toronto (743 h: DST starts on the 8th): 1 h 30 min down, 2 h excluded.
const march = eventsFile('march.json', {
  outages: [
    { start: '2026-03-10T14:00:00Z', end: '2026-03-10T15:00:00Z', classification: 'unexpected' },
    { start: '2026-03-10T10:30:00-04:00', end: '2026-03-10T10:45:00-04:00', classification: 'unexpected' },
    { start: '2026-03-12T09:00:00-04:00', end: '2026-03-12T11:00:00-04:00', classification: 'partial' },
    { start: '2026-03-13T09:00:00-04:00', end: '2026-03-13T11:00:00-04:00', classification: 'external' },
  ],
  maintenance: [
    {
      start: '2026-03-20T06:00:00Z',
      end: '2026-03-20T08:00:00Z',
      announcedAt: '2026-03-18T06:00:00Z',
      actualEnd: '2026-03-20T08:30:00Z',
    },
  ],
});
const compute = (events: string, ...extra: string[]) =>
  sla(['credits', 'compute', '--month', '2026-03', '--annual-fee', '1250000', '--events', events, ...extra]);

describe('sla credits compute', () => {
  it('answers with exactly the month, the figures, the tier and the money (--json)', async () => {
    const { code, stdout, stderr } = await compute(march, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // (2,674,800,000 − 7,200,000 − 5,400,000) / 2,667,600,000 = 99.79757… % (shown truncated, 99.7975) → 50 % of 104,166.67.
    expect(JSON.parse(stdout)).toStrictEqual({
      month: '2026-03',
      totalMs: 2_674_800_000,
      excludedMs: 7_200_000,
      downtimeMs: 5_400_000,
      uptimePercent: '99.7975',
      creditPercent: 50,
      monthlyFeeMinor: 104_167, // 1,250,000 / 12 = 104,166.67
      creditMinor: 52_084, // I10: 50 % of the 104,167 stated, 52,083.5, rounds up
    });
  });

  it('treats maintenance announced less than 24 h ahead as downtime, and an empty month as 100 %', async () => {
    const late = eventsFile('late.json', {
      maintenance: [
        { start: '2026-03-20T06:00:00Z', end: '2026-03-20T08:00:00Z', announcedAt: '2026-03-19T06:01:00Z' },
      ],
    });
    expect(JSON.parse((await compute(late, '--json')).stdout)).toMatchObject({
      excludedMs: 0,
      downtimeMs: 7_200_000,
      creditPercent: 50,
    });
    const empty = eventsFile('empty.json', { outages: [], maintenance: [] });
    expect(JSON.parse((await compute(empty, '--json')).stdout)).toMatchObject({
      uptimePercent: '100.0000',
      creditPercent: 0,
      creditMinor: 0,
    });
  });

  it('prints a readable summary without --json', async () => {
    const { code, stdout } = await compute(march);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^2026-03 in America\/Toronto \(policy [0-9a-f]{16}\)/);
    expect(stdout).toMatch(/month length \(T\)\s+743 h 00 min 00 s \(2674800000 ms\)/);
    expect(stdout).toMatch(/uptime\s+99\.7975 %/);
    expect(stdout).toMatch(/credit tier\s+50 % \(uptime below 99\.9 %\)/);
    expect(stdout).toMatch(/credit\s+52084 minor units/);
  });

  it('names every bad field of the events file, exits 2 and prints nothing', async () => {
    const bad = eventsFile('bad.json', {
      outages: [
        { start: '2026-03-10T14:00:00Z', end: '2026-03-10T15:00:00Z', classification: 'unexpected' },
        { start: '2026-03-10 14:00', end: '2026-03-10T15:00:00Z', classification: 'down' },
        { start: '2026-03-10T14:00:00Z', end: '2026-03-10T13:59:59Z', classification: 'unexpected' },
      ],
      maintenance: [
        { start: '2026-03-20T06:00:00Z', end: '2026-03-20T08:00:00Z', announcedAt: null, actualend: 'x' },
        {
          start: '2026-03-21T06:00:00Z',
          end: '2026-03-21T08:00:00Z',
          announcedAt: null,
          actualStart: '2026-03-21T09:00:00Z',
        },
      ],
    });
    const { code, stdout, stderr } = await compute(bad, '--json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`invalid events file (${bad})`);
    expect(stderr).toMatch(/outages\[1\]\.start: expected an ISO-8601 instant with an offset/);
    expect(stderr).toMatch(/outages\[1\]\.classification: /);
    expect(stderr).toMatch(/outages\[2\]\.end: must not be before start/);
    expect(stderr).toMatch(/maintenance\[0\]: .*"actualend"/);
    expect(stderr).toMatch(/maintenance\[1\]\.actualEnd: the actual end must not be before the actual start/);
    expect(stderr).not.toMatch(/outages\[0\]/);
  });

  it('judges each window on the notices sent (I9 as amended) and prorates the fee to the contract (I15)', async () => {
    // Announced 02:00–04:00 two days ahead, then extended to 04:10 two hours ahead: 2 h stay
    // excluded, the 10 min are downtime; a cancelled window that never ran counts for nothing.
    const notices = eventsFile('notices.json', {
      contract: { from: '2026-03-16T04:00:00Z' },
      maintenance: [
        {
          id: 'extended',
          notices: [
            { sentAt: '2026-03-18T06:00:00Z', start: '2026-03-20T06:00:00Z', end: '2026-03-20T08:00:00Z' },
            { sentAt: '2026-03-20T04:00:00Z', start: '2026-03-20T06:00:00Z', end: '2026-03-20T08:10:00Z' },
          ],
        },
        {
          notices: [
            { sentAt: '2026-03-18T06:00:00Z', start: '2026-03-21T06:00:00Z', end: '2026-03-21T08:00:00Z' },
          ],
          cancelled: true,
        },
        {
          notices: [{ sentAt: null, start: '2026-03-22T06:00:00Z', end: '2026-03-22T06:30:00Z' }],
        },
      ],
    });
    const { code, stdout, stderr } = await compute(notices, '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const answer = JSON.parse(stdout) as Record<string, unknown>;
    // T: 16 March 00:00 Toronto to the month's end, 16 days = 1,382,400,000 ms of 2,674,800,000;
    // E: the 2 h announced in time; D: the 10 min extension and the 30 min window never announced.
    expect([answer.totalMs, answer.excludedMs, answer.downtimeMs]).toEqual([
      1_382_400_000, 7_200_000, 2_400_000,
    ]);
    expect(answer).toStrictEqual({
      month: '2026-03',
      totalMs: 1_382_400_000,
      excludedMs: 7_200_000,
      downtimeMs: 2_400_000,
      uptimePercent: '99.8254', // 1,372,800,000 / 1,375,200,000
      creditPercent: 50,
      monthlyFeeMinor: 53_836, // I15: 1,250,000 × 1,382,400,000 / (12 × 2,674,800,000) = 53,835.80
      creditMinor: 26_918,
    });
  });

  it('refuses a maintenance entry that mixes both shapes, naming the field', async () => {
    const mixed = eventsFile('mixed.json', {
      contract: { from: '2026-03-20T00:00:00Z', to: '2026-03-10T00:00:00Z' },
      maintenance: [
        {
          start: '2026-03-20T06:00:00Z',
          notices: [{ sentAt: 'soon', start: '2026-03-20T06:00:00Z', end: '2026-03-20T08:00:00Z' }],
        },
        {
          start: '2026-03-20T06:00:00Z',
          end: '2026-03-20T08:00:00Z',
          announcedAt: null,
          notices: [{ sentAt: null, start: '2026-03-20T06:00:00Z', end: '2026-03-20T08:00:00Z' }],
        },
        { cancelled: true, actualStart: '2026-03-20T06:00:00Z' },
        { start: '2026-03-20T06:00:00Z' },
      ],
    });
    const { code, stdout, stderr } = await compute(mixed, '--json');
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/contract\.to: must not be before from/);
    expect(stderr).toMatch(/maintenance\[0\]\.notices\[0\]\.sentAt: expected an ISO-8601 instant/);
    expect(stderr).toMatch(/maintenance\[1\]\.start: not with "notices"/);
    expect(stderr).toMatch(/maintenance\[1\]\.announcedAt: not with "notices"/);
    expect(stderr).toMatch(
      /maintenance\[2\]\.actualEnd: a cancelled window without notices that ran needs both/,
    );
    expect(stderr).toMatch(/maintenance\[3\]\.end: required \(or give "notices"\)/);
    expect(stderr).toMatch(/maintenance\[3\]\.announcedAt: required/);
  });

  it('refuses a contract in force for no part of the month', async () => {
    const before = eventsFile('ended.json', { contract: { to: '2026-02-20T00:00:00Z' } });
    const { code, stderr } = await compute(before, '--json');
    expect(code).toBe(2);
    expect(stderr).toMatch(/contract: in force for no part of 2026-03/);
  });

  it.each([
    ['a missing file', ['--events', join(dir, 'missing.json')], /--events: cannot read /],
    [
      'a file that is not JSON',
      ['--events', eventsFile('broken.json', '{ "outages": [')],
      /is not valid JSON/,
    ],
    ['a file that is not an object', ['--events', eventsFile('array.json', [])], /\(root\): /],
    ['an impossible month', ['--month', '2026-13'], /--month: expected a month "YYYY-MM"/],
    [
      'a fee with decimals',
      ['--annual-fee', '12500.00'],
      /--annual-fee: expected the annual fee as a whole number/,
    ],
    ['a negative fee', ['--annual-fee', '-5'], /--annual-fee: /],
    ['an unsafe fee', ['--annual-fee', '9007199254740993'], /--annual-fee: the amount is too large/],
  ])('exits 2 on %s, naming it', async (_label, args, message) => {
    const base: Record<string, string> = {
      '--month': '2026-03',
      '--annual-fee': '1250000',
      '--events': march,
    };
    for (let i = 0; i < args.length; i += 2) base[args[i]!] = args[i + 1]!;
    const { code, stdout, stderr } = await sla([
      'credits',
      'compute',
      ...Object.entries(base).flat(),
      '--json',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });

  it('exits 2 on a missing option', async () => {
    const { code, stderr } = await sla(['credits', 'compute', '--month', '2026-03', '--events', march]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/required option '--annual-fee <minor units>'/);
  });

  it('takes the notice and tiers from SLA_POLICY_FILE, and refuses a bad policy with exit 2', async () => {
    const stricter = eventsFile('policy-72h.json', {
      ...defaultPolicy,
      maintenanceNoticeHours: 72,
      uptime: { ...defaultPolicy.uptime, creditTiers: [{ below: '99.99', creditPercent: 10 }] },
    });
    const ok = await sla(
      ['credits', 'compute', '--month', '2026-03', '--annual-fee', '1200', '--events', march, '--json'],
      {
        SLA_POLICY_FILE: stricter,
      },
    );
    // The window announced 48 h ahead no longer qualifies: its 2 h join the downtime, nothing is excluded.
    expect(JSON.parse(ok.stdout)).toMatchObject({
      excludedMs: 0,
      downtimeMs: 5_400_000 + 7_200_000,
      creditPercent: 10,
      creditMinor: 10,
    });

    const bad = eventsFile('policy-bad.json', { timeZone: 'America/Toronto' });
    const { code, stderr, stdout } = await sla(
      ['credits', 'compute', '--month', '2026-03', '--annual-fee', '1', '--events', march],
      { SLA_POLICY_FILE: bad },
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`invalid policy (${bad})`);
    expect(stdout).toBe('');
  });
});
