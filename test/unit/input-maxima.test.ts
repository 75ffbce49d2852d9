// Every list of every outside input has a maximum (docs/limits.md): at its maximum it is taken,
// one more is refused naming the list — in the zod schemas and in the workflows' zod-free
// validators alike.
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  CUSTOMER_LIST_MAX,
  CustomerRecordSchema,
  LedgerInputError,
  parseCustomers,
} from '../../src/ledger/schema';
import { maintenanceChecks, REGIONS_MAX } from '../../src/model/maintenance-checks';
import { RescheduleMaintenance, ScheduleMaintenance } from '../../src/model/maintenance';
import defaultPolicy from '../../src/policy/default-policy.json';
import { COUNTRIES, POLICY_LIST_MAX, Policy, WEEKDAYS } from '../../src/policy/schema';
import defaultRoster from '../../src/roster/default-roster.json';
import { Roster, ROLES, ROSTER_LIST_MAX } from '../../src/roster/schema';
import { testCustomer } from '../helpers/ledger';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** `value` with the list at `path` replaced by `n` items made by `item`. */
function withList(value: unknown, path: (string | number)[], n: number, item: (i: number) => unknown) {
  const copy = clone(value) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = Array.from({ length: n }, (_, i) => item(i));
  return copy;
}

const customer = testCustomer('acme');
const window = {
  maintenanceId: 'M-1',
  start: '2027-01-10T10:00:00Z',
  end: '2027-01-10T12:00:00Z',
  regions: ['ca-east'],
  description: 'Storage firmware update.',
};
const responder = defaultRoster.responders[0]!;
const step = defaultPolicy.escalation.ticket.L1[0]!;
const weekly = defaultPolicy.coverage.weekly[0]!;

type Case = [
  name: string,
  schema: z.ZodType,
  base: unknown,
  path: (string | number)[],
  max: number,
  item: (i: number) => unknown,
];
const cases: Case[] = [
  ['maintenance window regions', ScheduleMaintenance, window, ['regions'], REGIONS_MAX, (i) => `region-${i}`],
  [
    'maintenance reschedule regions',
    RescheduleMaintenance,
    { requestId: 'r-1', ...window },
    ['regions'],
    REGIONS_MAX,
    (i) => `region-${i}`,
  ],
  [
    'customer administrators',
    CustomerRecordSchema,
    customer,
    ['administrators'],
    CUSTOMER_LIST_MAX.administrators,
    (i) => `admin${i}@acme.example`,
  ],
  [
    'roster responders',
    Roster,
    defaultRoster,
    ['responders'],
    ROSTER_LIST_MAX.responders,
    (i) => ({
      ...responder,
      id: `responder.${i}`,
    }),
  ],
  [
    'responder duty',
    Roster,
    defaultRoster,
    ['responders', 0, 'duty'],
    ROSTER_LIST_MAX.dutyWindows,
    () => weekly,
  ],
  [
    'responder roles',
    Roster,
    defaultRoster,
    ['responders', 0, 'roles'],
    ROLES.length,
    (i) => ROLES[i % ROLES.length],
  ],
  ['responder levels', Roster, defaultRoster, ['responders', 0, 'levels'], 3, () => 'L1'],
  [
    'coverage windows',
    Policy,
    defaultPolicy,
    ['coverage', 'weekly'],
    POLICY_LIST_MAX.weeklyWindows,
    () => weekly,
  ],
  [
    'holiday overrides',
    Policy,
    defaultPolicy,
    ['holidays', 'overrides'],
    POLICY_LIST_MAX.holidayOverrides,
    (i) => ({ action: 'remove', country: 'CA', date: '2027-01-01', name: `Closure ${i}` }),
  ],
  ['holiday types', Policy, defaultPolicy, ['holidays', 'countries', 'CA', 'types'], 5, () => 'public'],
  [
    'holiday names',
    Policy,
    defaultPolicy,
    ['holidays', 'countries', 'CA', 'names'],
    POLICY_LIST_MAX.holidayNames,
    (i) => `Holiday ${i}`,
  ],
  [
    'holidays never substituted',
    Policy,
    defaultPolicy,
    ['holidays', 'countries', 'AU', 'weekend', 'except'],
    POLICY_LIST_MAX.weekendExceptions,
    (i) => `Holiday ${i}`,
  ],
  ['business weekdays', Policy, defaultPolicy, ['businessDays', 'weekdays'], WEEKDAYS.length, () => 'monday'],
  [
    'holiday countries',
    Policy,
    defaultPolicy,
    ['businessDays', 'holidayCountries'],
    COUNTRIES.length,
    () => 'CA',
  ],
  [
    'classification rules',
    Policy,
    defaultPolicy,
    ['classification', 'rules'],
    POLICY_LIST_MAX.classificationRules,
    (i) => ({ id: `rule-${i}`, level: 'L2', phrases: ['printer'] }),
  ],
  [
    'phrases of a rule',
    Policy,
    defaultPolicy,
    ['classification', 'rules', 0, 'phrases'],
    POLICY_LIST_MAX.phrasesPerRule,
    (i) => `phrase ${i}`,
  ],
  [
    'ticket escalation steps',
    Policy,
    defaultPolicy,
    ['escalation', 'ticket', 'L1'],
    POLICY_LIST_MAX.escalationSteps,
    (i) => ({ ...step, id: `step-${i}` }),
  ],
  [
    'channels of a step',
    Policy,
    defaultPolicy,
    ['escalation', 'ticket', 'L1', 0, 'channels'],
    2,
    () => 'email',
  ],
  [
    'outage escalation steps',
    Policy,
    defaultPolicy,
    ['escalation', 'outage'],
    POLICY_LIST_MAX.escalationSteps,
    (i) => ({ ...defaultPolicy.escalation.outage[0]!, id: `step-${i}` }),
  ],
  [
    'credit tiers',
    Policy,
    defaultPolicy,
    ['uptime', 'creditTiers'],
    POLICY_LIST_MAX.creditTiers,
    () => ({ below: '99', creditPercent: 100 }),
  ],
];

describe.each(cases)('%s', (_name, schema, base, path, max, item) => {
  it(`takes ${max}, refuses ${max + 1} naming ${path.join('.')}`, () => {
    const atMax = schema.safeParse(withList(base, path, max, item));
    expect(atMax.success ? [] : atMax.error.issues).toEqual([]);
    const over = schema.safeParse(withList(base, path, max + 1, item));
    expect(over.success).toBe(false);
    expect(over.error!.issues.map((i) => i.path.join('.'))).toEqual([path.join('.')]);
  });
});

describe('outside the zod schemas', () => {
  it('the maintenance workflow validator refuses regions over the maximum, naming regions', () => {
    const regions = (n: number) => Array.from({ length: n }, (_, i) => `region-${i}`);
    expect(() =>
      maintenanceChecks.reschedule({ requestId: 'r-1', ...window, regions: regions(REGIONS_MAX) }),
    ).not.toThrow();
    expect(() =>
      maintenanceChecks.reschedule({ requestId: 'r-1', ...window, regions: regions(REGIONS_MAX + 1) }),
    ).toThrow(`regions: expected at most ${REGIONS_MAX} items`);
  });

  it('a customer import takes its maximum of rows and refuses one more, naming rows', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => ({ ...customer, customerId: `c-${i}` }));
    expect(parseCustomers(rows(CUSTOMER_LIST_MAX.importRows))).toHaveLength(CUSTOMER_LIST_MAX.importRows);
    let refused: unknown;
    try {
      parseCustomers(rows(CUSTOMER_LIST_MAX.importRows + 1));
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(LedgerInputError);
    expect((refused as LedgerInputError).rows).toEqual([
      {
        row: '(file)',
        field: 'rows',
        message: expect.stringContaining(String(CUSTOMER_LIST_MAX.importRows)),
      },
    ]);
  });
});
