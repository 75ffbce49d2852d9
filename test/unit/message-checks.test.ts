// The workflow's zod-free message checks against the zod schemas the client and API use: the same
// verdict on every input, and the same fields named.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageChecks } from '../../src/model/message-checks';
import { Assign, Escalate, FirstResponse, Reclassify, Reopen, Reply, Resolve } from '../../src/model/ticket';

const pairs = {
  assign: Assign,
  firstResponse: FirstResponse,
  reply: Reply,
  resolve: Resolve,
  reopen: Reopen,
  escalate: Escalate,
  reclassify: Reclassify,
} as const;

/** The fields zod names, and the fields the check names (`field: …; field: …`). */
function verdicts(name: keyof typeof pairs, input: unknown) {
  const parsed = pairs[name].safeParse(input);
  const zodFields = parsed.success
    ? []
    : [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || '(input)'))];
  let checkFields: string[] = [];
  try {
    messageChecks[name](input);
  } catch (err) {
    checkFields = [...new Set((err as Error).message.split('; ').map((issue) => issue.split(': ')[0]!))];
  }
  return { zodFields: zodFields.sort(), checkFields: checkFields.sort() };
}

// Values near every rule's edges: ids, instants, reasons, levels, channels, wrong types.
const idLike = fc.oneof(
  fc.constantFrom(
    'a',
    'T-1',
    'lead.toronto',
    'x:y_z-1',
    '',
    '-lead',
    'a b',
    'é',
    'a'.repeat(100),
    'a'.repeat(101),
  ),
  fc.string({ maxLength: 12 }),
);
const instantLike = fc.oneof(
  fc.constantFrom(
    '2026-11-30T14:05:00Z',
    '2026-11-30T14:05:00.123+05:30',
    '2026-11-30T14:05:00-23:59',
    '2026-11-30T14:05Z',
    '2026-11-30T14:05:00',
    '2026-11-30 14:05:00Z',
    '2026-02-29T00:00:00Z',
    '2028-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-11-30T24:00:00Z',
    '2026-11-30T14:05:00+24:00',
    '2026-11-30T14:05:00.Z',
    'yesterday',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);
const reasonLike = fc.oneof(fc.constantFrom('', 'x', 'a'.repeat(500), 'a'.repeat(501)), fc.string());
const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.nat()),
);
const field = (values: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 4, arbitrary: values }, { weight: 1, arbitrary: anyValue });

const message = fc.record(
  {
    requestId: field(idLike),
    responderId: field(idLike),
    by: field(idLike),
    at: field(instantLike),
    from: field(fc.constantFrom('agent', 'customer', 'bot')),
    reason: field(reasonLike),
    level: field(fc.constantFrom('L1', 'L2', 'L3', 'L4', 'l1')),
    extra: fc.string(),
  },
  { requiredKeys: [] },
);

describe('workflow message checks (zod-free) agree with the zod schemas', () => {
  for (const name of Object.keys(pairs) as (keyof typeof pairs)[]) {
    it(`${name}: same verdict and same fields named, on generated messages`, () => {
      fc.assert(
        fc.property(
          fc.oneof({ weight: 20, arbitrary: message }, { weight: 1, arbitrary: anyValue }),
          (input) => {
            const { zodFields, checkFields } = verdicts(name, input);
            expect(checkFields).toEqual(zodFields);
          },
        ),
        { numRuns: 500 },
      );
    });
  }

  it('names the field and what is wrong with it', () => {
    expect(() =>
      messageChecks.reclassify({ requestId: 'r-1', level: 'L9', by: 'lead', reason: 'wrong level' }),
    ).toThrow(/^level: expected one of L1, L2, L3$/);
    expect(() =>
      messageChecks.firstResponse({ requestId: 'f-1', responderId: 'a', at: '2026-11-30' }),
    ).toThrow(/^at: expected an ISO-8601 instant with an offset/);
    expect(() => messageChecks.assign({ requestId: 'a b' })).toThrow(
      /^requestId: expected letters, .*; responderId: expected a string, received undefined$/,
    );
    expect(() => messageChecks.reply('hello')).toThrow(/^\(input\): expected an object/);
  });
});
