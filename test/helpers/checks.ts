// Shared by the property tests that hold the workflows' zod-free message checks to the zod schemas
// the client, CLI and API parse with: the fields each names, and values near every rule's edges.
import fc from 'fast-check';
import { expect, it } from 'vitest';

interface Schema {
  safeParse(v: unknown): { success: true } | { success: false; error: { issues: { path: PropertyKey[] }[] } };
}

/** The fields zod names, and the fields the check names (`field: …; field: …`), each sorted. */
export function fieldsNamed(schema: Schema, check: (input: unknown) => void, input: unknown) {
  const parsed = schema.safeParse(input);
  const zodFields = parsed.success
    ? []
    : [...new Set(parsed.error.issues.map((i) => i.path.map(String).join('.') || '(input)'))];
  let checkFields: string[] = [];
  try {
    check(input);
  } catch (err) {
    checkFields = [...new Set((err as Error).message.split('; ').map((issue) => issue.split(': ')[0]!))];
  }
  return { zodFields: zodFields.sort(), checkFields: checkFields.sort() };
}

export const idLike = fc.oneof(
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

export const instantLike = fc.oneof(
  fc.constantFrom(
    '2026-11-30T14:05:00Z',
    '2026-11-30T14:05:00.123+05:30',
    '2026-11-30T14:05:00-23:59',
    '2026-11-30T14:05Z',
    '2026-11-30T14:05:00',
    '2026-11-30 14:05:00Z',
    '2026-11-30',
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

/**
 * Free text of `max` limits: around the limit in code points (zod 4 counts an emoji as one
 * character, two UTF-16 units), blank and padded (for the trimmed fields), arbitrary.
 */
export const textLike = (max: number) =>
  fc.oneof(
    fc.constantFrom(
      '',
      'x',
      '   ',
      ' x ',
      'a'.repeat(max),
      'a'.repeat(max + 1),
      '😀'.repeat(max),
      '😀'.repeat(max + 1),
      `${' '.repeat(max)}x `,
      '\ud83d'.repeat(max + 1),
    ),
    fc.string(),
    fc.string({ unit: 'binary' }),
  );

/** Values of the wrong type (or absent). */
export const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.nat()),
  fc.constant([]),
);

/** A field: mostly near its rules, sometimes of the wrong type. */
export const field = (values: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 4, arbitrary: values }, { weight: 1, arbitrary: anyValue });

/** Lists of `items`: empty, short (with repeats), around `max` items. */
export const listOf = (items: fc.Arbitrary<unknown>, max: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.array(items, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(items, { minLength: max - 1, maxLength: max + 1 }) },
    { weight: 1, arbitrary: items.chain((x) => fc.constant([x, x])) },
  );

/**
 * One property per message: on generated messages (mostly well-shaped, sometimes any value), the
 * zod-free check and the zod schema give the same verdict and name the same fields.
 */
export function itAgreesWithZod<K extends string>(
  schemas: Record<K, Schema>,
  checks: Record<K, (input: unknown) => void>,
  message: fc.Arbitrary<unknown>,
  numRuns: number,
): void {
  for (const name of Object.keys(schemas) as K[]) {
    it(`${name}: same verdict and same fields named, on generated messages`, () => {
      fc.assert(
        fc.property(
          fc.oneof({ weight: 20, arbitrary: message }, { weight: 1, arbitrary: anyValue }),
          (input) => {
            const { zodFields, checkFields } = fieldsNamed(schemas[name], checks[name], input);
            expect(checkFields).toEqual(zodFields);
          },
        ),
        { numRuns },
      );
    });
  }
}
