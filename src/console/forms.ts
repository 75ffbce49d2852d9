/**
 * The action forms: one per message route the role may send (its fields read from the route's
 * body schema), each posting to the console with the session's CSRF token and a request id of its
 * own; and the reading of a posted form.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Route } from '../api/routes';
import type { ApiRole } from '../config';
import { SlaError } from '../errors';
import { csrfField } from './csrf';
import { html, type Markup } from './html';
import { allows, formFields } from './table';

/** A console form is a few short fields: anything larger is not ours. */
export const FORM_LIMIT = 16 * 1024;

const label = (name: string) => name.replace(/([A-Z])/g, ' $1').toLowerCase();

export function actionForms(
  action: string,
  routes: readonly { segment: string; route: Route }[],
  role: ApiRole,
  csrf: string,
  /** What the buttons act on, for their accessible names (e.g. "ticket T-1"). */
  target: string,
): Markup {
  const mine = routes.filter((r) => allows(r.route, role));
  return html`${mine.map(({ segment, route }) => {
    const id = `${action}-${segment}`.replace(/[^A-Za-z0-9-]/g, '-');
    return html`<form class="inline" method="post" action="${action}/${segment}">
      ${csrfField(csrf)}<input
        type="hidden"
        name="requestId"
        value="${consoleRequestId(route)}"
        autocomplete="off"
      />${formFields(route).map((f) =>
        f.options
          ? html`<select name="${f.name}" aria-label="${label(f.name)} (${segment} ${target})" required>
              ${f.options.map((o) => html`<option>${o}</option>`)}
            </select>`
          : html`<input
              name="${f.name}"
              id="${id}-${f.name}"
              aria-label="${label(f.name)} (${segment} ${target})"
              placeholder="${label(f.name)}"
              required
            />`,
      )}<button type="submit" name="action" value="${segment}" aria-label="${segment} ${target}">
        ${segment.replace('-', ' ')}
      </button>
    </form>`;
  })}`;
}

/** A posted form (application/x-www-form-urlencoded, at most FORM_LIMIT bytes). */
export function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) {
      req.resume();
      return reject(
        new SlaError('unsupported_media_type', 'expected a form (application/x-www-form-urlencoded)'),
      );
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= FORM_LIMIT) return chunks.push(chunk);
      req.off('data', onData);
      req.resume();
      reject(new SlaError('too_large', `the form is larger than ${FORM_LIMIT} bytes`));
    };
    req.on('data', onData);
    req.on('end', () => {
      if (size <= FORM_LIMIT) resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
  });
}

/**
 * A form's request id: the console's, of this route, so that an id posted to another action's
 * form (where the workflow would answer the first message's result) is refused.
 */
const consoleRequestId = (route: Route) => `console-${route.id}-${randomUUID()}`;
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const isConsoleRequestId = (route: Route, id: string) => new RegExp(`^console-${route.id}-${UUID}$`).test(id);

/**
 * The fields of `route`'s form as its body (blank ones left out), with the request id the form was
 * rendered with: a form sent twice (a double click, a resubmission after Back) is one message,
 * applied once and answered as the first time. A form without one gets a new one; one that is not
 * this action's is refused naming `requestId`.
 */
export function formBody(route: Route, form: URLSearchParams): Record<string, string> {
  const requestId = form.get('requestId') ?? consoleRequestId(route);
  if (!isConsoleRequestId(route, requestId))
    throw new SlaError('invalid', 'invalid input', [
      { path: 'requestId', message: `not a request id of this form (${route.id}): reload the page` },
    ]);
  const body: Record<string, string> = { requestId };
  for (const { name } of formFields(route)) {
    const value = form.get(name);
    if (value) body[name] = value;
  }
  return body;
}
