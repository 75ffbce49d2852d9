/**
 * CSRF: every console form carries the session's token in a hidden field, and every POST is
 * refused unless that field matches (compared in constant time). SameSite=Strict cookies already
 * keep other sites' forms out; the token also covers a browser that does not honour it.
 */
import { timingSafeEqual } from 'node:crypto';
import { SlaError } from '../errors';
import { html, type Markup } from './html';

export const CSRF_FIELD = 'csrf';

export const csrfField = (token: string): Markup =>
  html`<input type="hidden" name="${CSRF_FIELD}" value="${token}" />`;

/** Throws a 403 naming the field unless the form's token is `expected`. */
export function checkCsrf(form: URLSearchParams, expected: string): void {
  const given = Buffer.from(form.get(CSRF_FIELD) ?? '');
  const want = Buffer.from(expected);
  // An empty token is no token: a sign-in form posted without its cookie must not match an empty field.
  if (!want.length || given.length !== want.length || !timingSafeEqual(given, want))
    throw new SlaError('forbidden', `the form's ${CSRF_FIELD} field is missing or wrong`, [
      { path: CSRF_FIELD, message: 'missing or not this session’s token' },
    ]);
}
