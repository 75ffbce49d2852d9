/**
 * What a console page is: a row like the /v1 route table's, readable by the roles of the /v1
 * route it shows (`readsAs`), with its query parsed before anything is read.
 */
import { z } from 'zod';
import type { Answer, Route, Services } from '../api/routes/route';
import type { ApiRole } from '../config';
import type { Markup } from './html';

export interface PageContext {
  role: ApiRole;
  csrf: string;
  services: Services;
  /** The path parameter of a resource's page (a ticket id, …). */
  id: string | null;
  query: URLSearchParams;
  /** The form posted to the page itself (CSRF already checked), for a page that `acceptsForm`. */
  form: URLSearchParams | null;
}

export interface Rendered {
  /** Above the live region: forms that a refresh must not reset. */
  head?: Markup;
  live?: Markup;
  /** Not a console page at all: a /v1 route's own answer (a report's page, a CSV download), sent as it is. */
  raw?: Answer;
}

export interface Page {
  /** e.g. "/console/tickets/{id}". */
  path: string;
  title: string;
  /** Listed in the navigation. */
  nav: boolean;
  /** The /v1 route whose roles may read this page. */
  readsAs: Route;
  /** Its query, parsed before anything is read (blank fields count as absent). */
  query: z.ZodType<Record<string, unknown>>;
  /**
   * A POST to the page is a read too heavy for a GET (an audit replay): rendered with its form,
   * not redirected, since what it answers is what the page shows.
   */
  acceptsForm?: true;
  render(ctx: PageContext, query: Record<string, unknown>): Promise<Rendered>;
}

const blank = (v: unknown) => (v === '' ? undefined : v);
export const Query = <S extends z.ZodRawShape>(shape: S) =>
  z.strictObject({
    ...Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, z.preprocess(blank, v)])),
    part: z.literal('live').optional(),
    done: z.string().max(40).optional(),
  }) as unknown as z.ZodType<Record<string, unknown>>;
