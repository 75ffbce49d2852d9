/**
 * C10 / I11: a ticket's level from the policy's declarative rules. The first rule with a phrase
 * found in the subject or body wins, and is recorded with the policy's own text of that phrase;
 * without a match, the policy's default. A phrase is found when its words occur consecutively in
 * the ticket, each agreeing with the ticket's word in English or French (./words.ts): "APIs"
 * finds "api", "les webhooks" finds "webhook", "scan it" does not find "can i".
 */
import type { Level, Policy } from '../policy/schema';
import { agree, SENTENCE_BREAK, words, type Word } from './words';

export interface Classification {
  level: Level;
  /** The id of the rule that decided, or "default" / "given" when no rule did. */
  ruleId: string;
  /** The phrase of that rule found in the ticket. */
  phrase?: string;
}

type Rules = Policy['classification'];

interface Phrase {
  /** Its rule's place in the policy, then its own in the rule: the lowest found wins. */
  rank: number;
  level: Level;
  ruleId: string;
  text: string;
  words: Word[];
}

/** The phrases of one policy, indexed by the stems of their first word. */
interface Compiled {
  byEnglish: Map<string, Phrase[]>;
  byFrench: Map<string, Phrase[]>;
}

// Classification runs for every ticket opened: a policy's phrases are stemmed once.
const compiledPolicies = new WeakMap<Rules, Compiled>();

function compile(rules: Rules): Compiled {
  const compiled: Compiled = { byEnglish: new Map(), byFrench: new Map() };
  const index = (map: Map<string, Phrase[]>, key: string, phrase: Phrase) => {
    const list = map.get(key);
    if (list) list.push(phrase);
    else map.set(key, [phrase]);
  };
  let rank = 0;
  for (const rule of rules.rules) {
    for (const text of rule.phrases) {
      // A phrase is one sentence: punctuation in it ("e.g.") does not split it.
      const phraseWords = words(text).filter((w) => w !== SENTENCE_BREAK);
      const phrase: Phrase = { rank: rank++, level: rule.level, ruleId: rule.id, text, words: phraseWords };
      // The schema admits no phrase without a word.
      const first = phrase.words[0]!;
      index(compiled.byEnglish, first.en, phrase);
      index(compiled.byFrench, first.fr, phrase);
    }
  }
  return compiled;
}

function foundAt(text: Word[], at: number, phrase: Phrase): boolean {
  if (at + phrase.words.length > text.length) return false;
  return phrase.words.every((w, i) => agree(w, text[at + i]!));
}

export function classify(
  policy: Pick<Policy, 'classification'>,
  ticket: { subject: string; body: string },
): Classification {
  let compiled = compiledPolicies.get(policy.classification);
  if (!compiled) {
    compiled = compile(policy.classification);
    compiledPolicies.set(policy.classification, compiled);
  }
  const text = words(`${ticket.subject}\n${ticket.body}`);
  let best: Phrase | undefined;
  for (let at = 0; at < text.length && best?.rank !== 0; at++) {
    const word = text[at]!;
    for (const candidates of [compiled.byEnglish.get(word.en), compiled.byFrench.get(word.fr)]) {
      for (const phrase of candidates ?? []) {
        if ((!best || phrase.rank < best.rank) && foundAt(text, at, phrase)) best = phrase;
      }
    }
  }
  if (!best) return { level: policy.classification.defaultLevel, ruleId: 'default' };
  return { level: best.level, ruleId: best.ruleId, phrase: best.text };
}
