// C10 / I11: the default policy's rules against a labelled corpus of English and French support
// questions (test/fixtures/classification-corpus.json), each labelled with the level C10 gives it,
// not the level the rules happen to give. Prints n, correct, accuracy and every miss; fails below
// MIN_ACCURACY, so a rule change that generalises worse is seen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Level } from '../../src/model/level';
import { loadPolicy } from '../../src/policy';
import { classify } from '../../src/rules/classify';

const MIN_ACCURACY = 0.95;

const Corpus = z
  .array(
    z.strictObject({
      subject: z.string().min(1),
      body: z.string(),
      level: Level,
      why: z.string().min(1),
      language: z.enum(['en', 'fr']),
    }),
  )
  .min(200);

const corpus = Corpus.parse(
  JSON.parse(readFileSync(join(__dirname, '../fixtures/classification-corpus.json'), 'utf8')),
);
const { policy } = loadPolicy({});

describe('classification corpus (C10, I11)', () => {
  it('holds English and French questions of every level, roughly half each language', () => {
    for (const language of ['en', 'fr'] as const) {
      const ofLanguage = corpus.filter((q) => q.language === language);
      expect(ofLanguage.length).toBeGreaterThanOrEqual(corpus.length * 0.4);
      expect(new Set(ofLanguage.map((q) => q.level))).toEqual(new Set(['L1', 'L2', 'L3']));
    }
  });

  it(`classifies at least ${MIN_ACCURACY * 100} % of the corpus as C10 does`, () => {
    const started = performance.now();
    const results = corpus.map((q) => ({ q, got: classify(policy, q) }));
    const microseconds = ((performance.now() - started) * 1000) / corpus.length;
    const misses = results.filter((r) => r.got.level !== r.q.level);
    const correct = corpus.length - misses.length;
    const accuracy = correct / corpus.length;
    const byLanguage = (['en', 'fr'] as const).map((language) => {
      const of = results.filter((r) => r.q.language === language);
      const ok = of.filter((r) => r.got.level === r.q.level).length;
      return `${language} ${ok}/${of.length}`;
    });
    console.log(
      [
        `classification corpus: n=${corpus.length}, correct=${correct}, accuracy=${(accuracy * 100).toFixed(1)} % (${byLanguage.join(', ')}), ${microseconds.toFixed(0)} µs per ticket`,
        ...misses.map(
          ({ q, got }) =>
            `  miss [${q.language}] expected ${q.level}, got ${got.level} by ${got.ruleId}${got.phrase ? ` ("${got.phrase}")` : ''}: ${q.subject} | ${q.body}`,
        ),
      ].join('\n'),
    );
    expect(accuracy).toBeGreaterThanOrEqual(MIN_ACCURACY);
  });
});
