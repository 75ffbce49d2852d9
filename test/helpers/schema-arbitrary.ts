/**
 * fast-check arbitraries from the API's zod schemas (through their JSON Schema, the same the
 * OpenAPI document shows): values that are valid or nearly so — each field now and then
 * replaced by garbage of another type, a huge or exotic Unicode string, a required field left
 * out, an unknown one added — so that a fuzz reaches past the first check into every field.
 */
import fc from 'fast-check';
import { z } from 'zod';

interface Schema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

/** Wrong types, empty and huge strings, Unicode beyond the BMP, nested junk. */
export const garbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, '', ' ', '\u0000', [], {}),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: 1, max: 3 }).map((n) => 'é'.repeat(n * 400)),
  fc.jsonValue({ maxDepth: 2 }),
);

/** One field in about six is garbage: most requests are refused by a schema, fast, and the rest reach Temporal. */
const NOISE = 5;
const DAY = 86_400_000;

function stringArbitrary(s: Schema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, 60);
  if (s.format === 'date-time')
    // Around now: instants decades away are valid too, but each costs the worker a plan over them.
    return fc
      .integer({ min: -30 * DAY, max: 2 * DAY })
      .map((offset) => new Date(Math.floor((Date.now() + offset) / 1000) * 1000).toISOString());
  // zod's email rule is narrower than RFC 5322 (fc.emailAddress()): its own pattern generates.
  if (s.format === 'email' && !s.pattern) return fc.emailAddress();
  if (s.format === 'uuid') return fc.uuid();
  if (s.pattern)
    return fc
      .stringMatching(new RegExp(s.pattern))
      .filter((v) => v.length >= min && v.length <= (s.maxLength ?? Infinity));
  return fc.string({ unit: 'grapheme', minLength: min, maxLength: Math.max(min, max) });
}

/** A value of the schema, or close to it (noisy: fields replaced, left out or added). */
export function nearly(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
  const exact = valid(schema, depth);
  return fc.oneof({ weight: NOISE, arbitrary: exact }, { weight: 1, arbitrary: garbage });
}

function valid(s: Schema, depth: number): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => valid(a, depth)));
  if (s.allOf?.[0]) return valid(s.allOf[0], depth);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringArbitrary(s);
    case 'integer':
      return fc.integer({
        min: Math.max(s.minimum ?? -1e6, Number.MIN_SAFE_INTEGER),
        max: Math.min(s.maximum ?? 1e9, Number.MAX_SAFE_INTEGER),
      });
    case 'number':
      return fc.double({
        min: s.minimum ?? s.exclusiveMinimum ?? -1e6,
        max: s.maximum ?? s.exclusiveMaximum ?? 1e6,
        noNaN: true,
      });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(s.items && depth < 4 ? nearly(s.items, depth + 1) : garbage, {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 3, Math.max(s.minItems ?? 0, 3)),
      });
    case 'object': {
      const properties = Object.entries(s.properties ?? {});
      const record = fc.record(
        Object.fromEntries(properties.map(([k, p]) => [k, depth < 4 ? nearly(p, depth + 1) : garbage])),
        { requiredKeys: s.required ?? [] },
      );
      // Now and then a required field left out, or a field nobody knows added.
      return fc
        .tuple(
          record,
          fc.nat({ max: 20 }),
          fc.constantFrom(...(s.required?.length ? s.required : ['-'])),
          garbage,
        )
        .map(([value, dice, key, junk]) => {
          const out: Record<string, unknown> = { ...value };
          if (dice === 0) delete out[key];
          if (dice === 1) out.unexpected = junk;
          return out;
        });
    }
    default:
      return garbage;
  }
}

/** The input side of a zod schema as JSON Schema (what callers send). */
export function jsonSchemaOf(schema: z.ZodType): Schema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
}
