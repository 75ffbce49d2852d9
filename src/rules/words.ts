/**
 * C10 / I11: the words of a ticket or of a policy phrase, as the classifier compares them. Both
 * sides go through the same steps, so a phrase written "comment puis-je" or "data-sharing
 * agreement" reads the same as the customer's text:
 *
 * - accents, case and punctuation are dropped ("Où" = "ou", "data-sharing" = "data sharing"),
 *   letters and digits run together are two words ("OAuth2" = "oauth 2"), and a phrase is found
 *   within one sentence (the subject and the body are two);
 * - French elided articles and pronouns (l' d' j' qu' n' s' c' m' t') are dropped, so "l'API"
 *   is "API" and "qu'on" is "on";
 * - the French question marker "est-ce que" is dropped, so "où est-ce que je trouve" reads
 *   "où je trouve" and "est-ce que je peux" reads "je peux" (inversions such as "puis-je" are
 *   the policy's own phrases: data, not code);
 * - each word is reduced to its English and its French Snowball stem, so inflections agree
 *   ("webhooks" = "webhook", "désactiver" = "désactive", "records" = "record").
 */
import { newStemmer } from 'snowball-stemmers';

/** One word with both stems: a ticket may be written in either language, or mix them. */
export interface Word {
  en: string;
  fr: string;
}

const english = newStemmer('english');
const french = newStemmer('french');

/** The French clitics that elide before a vowel ("l'api", "qu'on", "j'ai"), with either apostrophe. */
const ELISION = /\b(?:l|d|j|qu|n|s|c|m|t)['’]/g;
/** "est-ce que" / "est-ce qu'", hyphenated or not: a question marker that adds no word. */
const EST_CE_QUE = /\best[\s-]+ce[\s-]+qu(?:e\b|['’])/g;
const NOT_A_WORD = /[^\p{L}\p{N}]+/u;
/** Letters then digits in one run ("oauth2", "soc2"): two words, as the policy writes them. */
const LETTERS_DIGITS = /(\p{L})(?=\p{N})/gu;
/** Where a sentence ends (a line break, or . ! ? ; before a space or the end): no phrase spans it. */
const SENTENCE_END = /[.!?;]+(?=\s|$)|\r?\n/u;

/** The words of a text, lowercase and without accents, before stemming. */
export function tokens(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(EST_CE_QUE, ' ')
    .replace(ELISION, ' ')
    .replace(LETTERS_DIGITS, '$1 ')
    .split(NOT_A_WORD)
    .filter((t) => t !== '');
}

/** Between two sentences: its stems are empty, and no word's are, so no phrase word agrees with it. */
export const SENTENCE_BREAK: Word = Object.freeze({ en: '', fr: '' });

/**
 * Stems already computed, across tickets. The Snowball stemmers take tens of microseconds a word
 * and tickets share most of their vocabulary, so a word is stemmed once; the cache is emptied when
 * full, so that a stream of unusual words (codes, names) cannot grow it without bound.
 */
const stems = new Map<string, Word>();
const STEMS_MAX = 50_000;

function stemmed(token: string): Word {
  let word = stems.get(token);
  if (!word) {
    if (stems.size >= STEMS_MAX) stems.clear();
    word = { en: english.stem(token), fr: french.stem(token) };
    stems.set(token, word);
  }
  return word;
}

/**
 * The words of a text with their stems, a SENTENCE_BREAK between sentences (and between a
 * ticket's subject and body, joined by a line break): a phrase is found within one sentence.
 */
export function words(text: string): Word[] {
  return text
    .split(SENTENCE_END)
    .flatMap((sentence, i) => [...(i ? [SENTENCE_BREAK] : []), ...tokens(sentence).map(stemmed)]);
}

/**
 * One rule for both languages: two words agree when their English stems agree or their French
 * stems agree. A ticket's language is not known (and some mix both), and each stemmer leaves the
 * other language's words mostly whole, so either agreement is the inflection of one word.
 */
export function agree(a: Word, b: Word): boolean {
  return a.en === b.en || a.fr === b.fr;
}
