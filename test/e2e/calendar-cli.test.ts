// `sla calendar …` and `sla policy check` as a user runs them: JSON shapes, text, exit codes,
// the years the holidays can be listed for (I4), and the check's warning of a roster that leaves
// hours without a Level 3 primary (C9, I7).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sla } from '../helpers/cli';

describe('sla calendar holidays', () => {
  it('prints one element per country and date with its no-coverage window', async () => {
    const { code, stdout } = await sla(['calendar', 'holidays', '--year', '2026', '--json']);
    expect(code).toBe(0);
    const holidays = JSON.parse(stdout) as Record<string, string>[];
    expect(holidays).toHaveLength(26);
    expect(holidays.filter((h) => h.date === '2026-04-03')).toEqual([
      {
        date: '2026-04-03',
        country: 'CA',
        name: 'Good Friday',
        start: '2026-04-03T13:00:00.000Z',
        end: '2026-04-03T21:00:00.000Z',
      },
      {
        date: '2026-04-03',
        country: 'GB',
        name: 'Good Friday',
        start: '2026-04-03T09:00:00.000Z',
        end: '2026-04-03T13:00:00.000Z',
      },
      {
        date: '2026-04-03',
        country: 'AU',
        name: 'Good Friday',
        start: '2026-04-03T00:00:00.000Z',
        end: '2026-04-03T09:00:00.000Z',
      },
    ]);
    expect(new Set(holidays.map((h) => `${h.country} ${h.date}`)).size).toBe(holidays.length);
  });

  it('prints a readable table without --json', async () => {
    const { code, stdout } = await sla(['calendar', 'holidays', '--year', '2027']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^DATE\s+COUNTRY\s+NAME/);
    expect(stdout).toContain('2027-01-26  AU       Australia Day');
    expect(stdout).toContain('Mon 2027-01-25 20:00');
  });

  it("lists a later year with I4's weekend rule, not the library's own shift (2028)", async () => {
    const { code, stdout } = await sla(['calendar', 'holidays', '--year', '2028', '--json']);
    expect(code).toBe(0);
    const au = (JSON.parse(stdout) as Record<string, string>[]).filter((h) => h.country === 'AU');
    expect(au.slice(0, 2).map((h) => `${h.date} ${h.name}`)).toEqual([
      "2028-01-01 New Year's Day",
      "2028-01-03 New Year's Day (substitute day)",
    ]);
    expect(au.find((h) => h.date === '2028-01-04')).toBeUndefined();
  });

  it.each(['1971', '2199'])('refuses %s, outside the calendar: exit 2 naming --year', async (year) => {
    const { code, stderr, stdout } = await sla(['calendar', 'holidays', '--year', year]);
    expect({ code, stderr, stdout }).toEqual({
      code: 2,
      stderr: 'sla: --year: expected a year from 1972 to 2198\n',
      stdout: '',
    });
  });

  it('refuses a year whose library list lacks a holiday the policy names, naming it and its country', async () => {
    // A policy that names Canada's National Day for Truth and Reconciliation, in the library from 2021.
    const policy = JSON.parse(
      readFileSync(join(__dirname, '..', '..', 'src', 'policy', 'default-policy.json'), 'utf8'),
    ) as { holidays: { countries: { CA: Record<string, unknown> } } };
    Object.assign(policy.holidays.countries.CA, {
      source: { country: 'CA' },
      types: ['public', 'observance'],
      names: ["New Year's Day", 'National Day for Truth and Reconciliation'],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'sla-cli-')), 'policy.json');
    writeFileSync(file, JSON.stringify(policy));
    const env = { SLA_POLICY_FILE: file };
    expect(await sla(['calendar', 'holidays', '--year', '2020', '--json'], env)).toEqual({
      code: 2,
      stderr:
        'sla: --year: the holiday library does not list National Day for Truth and Reconciliation (CA) in 2020\n',
      stdout: '',
    });
    expect(await sla(['calendar', 'holidays', '--year', '2021', '--json'], env)).toMatchObject({ code: 0 });
  });
});

describe('sla calendar deadline', () => {
  it('answers with the clock start and the due instant', async () => {
    const { code, stdout } = await sla([
      'calendar',
      'deadline',
      '--level',
      'L1',
      '--opened',
      '2026-11-28T16:00:00Z',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      level: 'L1',
      opened: '2026-11-28T16:00:00.000Z',
      clockStart: '2026-11-30T10:00:00.000Z',
      due: '2026-11-30T10:15:00.000Z',
    });
  });

  it('--canada-only: held until a Canada-based responder of the level is on duty (I13)', async () => {
    const args = [
      'calendar',
      'deadline',
      '--level',
      'L3',
      '--opened',
      '2026-12-07T11:00:00Z',
      '--canada-only',
    ];
    const json = await sla([...args, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      clockStart: '2026-12-07T13:00:00.000Z',
      due: '2026-12-09T13:00:00.000Z',
      canadaOnly: true,
      heldUntil: '2026-12-07T13:00:00.000Z',
      suspendedReason: null,
      eligibleDuty: {
        windows: [{ from: { day: 'monday', time: '08:00' }, to: { day: 'friday', time: '16:00' } }],
      },
    });
    const text = await sla(args);
    expect(text.stdout).toMatch(/held until\s+2026-12-07T13:00:00.000Z\s+Mon 2026-12-07 08:00/);
  });

  it('starts the clock at once on a Monday evening with no AU window (2028-01-04, I4)', async () => {
    const { code, stdout } = await sla([
      'calendar',
      'deadline',
      '--level',
      'L1',
      '--opened',
      '2028-01-04T02:00:00Z',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ clockStart: '2028-01-04T02:00:00.000Z' });
  });

  it('accepts an instant with an offset', async () => {
    const { stdout } = await sla([
      'calendar',
      'deadline',
      '--level',
      'L3',
      '--opened',
      '2026-04-02T15:00:00-04:00',
      '--json',
    ]);
    expect(JSON.parse(stdout)).toMatchObject({
      opened: '2026-04-02T19:00:00.000Z',
      due: '2026-04-07T19:00:00.000Z',
    });
  });

  it.each([
    [['--level', 'L4', '--opened', '2026-11-28T16:00:00Z'], /--level: /],
    [
      ['--level', 'L1', '--opened', '2026-11-28 16:00'],
      /--opened: expected an ISO-8601 instant with an offset/,
    ],
    [['--level', 'L1', '--opened', '2026-02-30T10:00:00Z'], /--opened: /],
    [['--level', 'L1', '--opened', '2300-12-04T20:55:00Z'], /--opened: expected a year from 1972 to 2198/],
    [
      ['--level', 'L3', '--opened', '2198-12-30T20:55:00Z', '--canada-only'],
      /--opened: its clock would run past the calendar's last year, 2198/,
    ],
    [['--level', 'L1'], /required option '--opened <instant>'/],
    [['--level', 'L1', '--opened', '2026-11-28T16:00:00Z', '--bogus'], /unknown option '--bogus'/],
  ])('exits 2 with a message naming the flag: %j', async (args, message) => {
    const { code, stderr, stdout } = await sla(['calendar', 'deadline', ...args]);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stdout).toBe('');
  });
});

describe('sla calendar coverage', () => {
  it('lists the windows in a range', async () => {
    const { code, stdout } = await sla([
      'calendar',
      'coverage',
      '--from',
      '2026-12-21T00:00:00Z',
      '--to',
      '2027-01-04T12:00:00Z',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual([
      { start: '2026-12-21T10:00:00.000Z', end: '2026-12-25T01:00:00.000Z' },
      { start: '2026-12-28T22:00:00.000Z', end: '2027-01-01T01:00:00.000Z' },
      { start: '2027-01-04T10:00:00.000Z', end: '2027-01-04T12:00:00.000Z' },
    ]);
  });

  it('refuses an empty or too long range', async () => {
    expect(
      await sla(['calendar', 'coverage', '--from', '2027-01-04T00:00:00Z', '--to', '2026-12-21T00:00:00Z']),
    ).toMatchObject({ code: 2, stderr: expect.stringMatching(/--to: must be after --from/) });
    expect(
      await sla(['calendar', 'coverage', '--from', '2026-01-01T00:00:00Z', '--to', '2028-01-01T00:00:00Z']),
    ).toMatchObject({ code: 2, stderr: expect.stringMatching(/at most 366 days/) });
  });
});

describe('policy files from the environment', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sla-cli-'));

  it('uses SLA_POLICY_FILE and fails with exit 2 naming the bad field, printing nothing', async () => {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ timeZone: 'America/Toronto' }));
    const { code, stderr, stdout } = await sla(
      ['calendar', 'deadline', '--level', 'L1', '--opened', '2026-11-28T16:00:00Z'],
      { SLA_POLICY_FILE: file },
    );
    expect(code).toBe(2);
    expect(stderr).toContain(`invalid policy (${file})`);
    expect(stderr).toMatch(/- coverage: /);
    expect(stdout).toBe('');
  });

  it('applies SLA_HOLIDAY_OVERRIDES_FILE (a company closure) and `sla policy check` reports the version', async () => {
    const overrides = join(dir, 'closures.json');
    writeFileSync(
      overrides,
      JSON.stringify([
        {
          action: 'add',
          country: 'CA',
          date: '2026-12-23',
          name: 'Company closure',
          window: { start: { dayOffset: 0, time: '00:00' }, end: { dayOffset: 0, time: '24:00' } },
        },
      ]),
    );
    const env = { SLA_HOLIDAY_OVERRIDES_FILE: overrides };
    const { stdout } = await sla(
      ['calendar', 'deadline', '--level', 'L1', '--opened', '2026-12-23T15:00:00Z', '--json'],
      env,
    );
    expect(JSON.parse(stdout)).toMatchObject({ clockStart: '2026-12-24T05:00:00.000Z' });
    const check = await sla(['policy', 'check', '--json'], env);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({
      valid: true,
      version: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });
  it('`sla policy check` validates the roster and warns, exit 0, of hours without an l3-primary (C9, I7)', async () => {
    const builtIn = await sla(['policy', 'check', '--json']);
    expect(builtIn.code).toBe(0);
    expect(JSON.parse(builtIn.stdout)).toMatchObject({
      valid: true,
      roster: { source: 'built-in roster', responders: 9, warnings: [] },
    });
    // The old built-in roster's shape: its only l3-primary on duty Monday 08:00 → Friday 16:00.
    const weekdays = join(dir, 'weekday-roster.json');
    writeFileSync(
      weekdays,
      JSON.stringify({
        timeZone: 'America/Toronto',
        responders: [
          {
            id: 'specialist.ottawa',
            name: 'Ottawa L3 specialist',
            email: 'specialist.ottawa@support.example',
            pagingKey: 'routing-l3-ottawa',
            country: 'CA',
            roles: ['agent', 'l3-primary'],
            levels: ['L2', 'L3'],
            duty: [{ from: { day: 'monday', time: '08:00' }, to: { day: 'friday', time: '16:00' } }],
          },
        ],
      }),
    );
    const warning =
      'no l3-primary on duty friday 16:00 → monday 08:00 (America/Toronto): an outage then ' +
      '(C9/I7: Level 3 engaged within 10 minutes, 24/7) pages nobody first';
    const text = await sla(['policy', 'check'], { SLA_ROSTER_FILE: weekdays });
    expect(text).toMatchObject({ code: 0, stderr: `warning: ${warning}\n` });
    expect(text.stdout).toMatch(
      /^valid policy [0-9a-f]{16} \(built-in default policy\)\nvalid roster, 1 responder\(s\) \(.*weekday-roster\.json\)\n$/,
    );
    const json = await sla(['policy', 'check', '--roster', weekdays, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      roster: { source: weekdays, responders: 1, warnings: [warning] },
    });

    // A roster that is not valid fails the check, naming the field.
    const bad = join(dir, 'bad-roster.json');
    writeFileSync(bad, JSON.stringify({ timeZone: 'America/Toronto', responders: [{ id: 'X' }] }));
    const refused = await sla(['policy', 'check', '--roster', bad]);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(refused.stderr).toMatch(/- responders\[0\]\.id: expected a stable id/);
  });
});
