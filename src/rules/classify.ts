/**
 * C10 / I11: a ticket's level from the policy's declarative rules. The first rule with a phrase
 * found in the subject or body wins, and is recorded; without a match, the policy's default.
 * Matching ignores case and accents and respects word edges ("can i" does not match "scan it").
 */
import type { Level, Policy } from '../policy/schema';

export interface Classification {
  level: Level;
  /** The id of the rule that decided, or "default" / "given" when no rule did. */
  ruleId: string;
  /** The phrase of that rule found in the ticket. */
  phrase?: string;
}

/** Lowercase, accents removed, runs of non-letters collapsed to one space, padded with spaces. */
export function normalise(text: string): string {
  return ` ${text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

export function classify(
  policy: Pick<Policy, 'classification'>,
  text: { subject: string; body: string },
): Classification {
  const haystack = normalise(`${text.subject}\n${text.body}`);
  for (const rule of policy.classification.rules) {
    const phrase = rule.phrases.find((p) => haystack.includes(normalise(p)));
    if (phrase) return { level: rule.level, ruleId: rule.id, phrase };
  }
  return { level: policy.classification.defaultLevel, ruleId: 'default' };
}
