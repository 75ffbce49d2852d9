/**
 * HTML written with one tagged template: every interpolated value is escaped unless it is
 * markup this template made itself, so no value from a ticket, a form or the engine reaches a
 * page as markup.
 */
export class Markup {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

type Value = Markup | string | number | boolean | null | undefined | readonly Value[];

const render = (value: Value): string =>
  value instanceof Markup
    ? value.text
    : Array.isArray(value)
      ? value.map(render).join('')
      : value === null || value === undefined || value === false
        ? ''
        : escapeHtml(String(value));

export function html(strings: TemplateStringsArray, ...values: Value[]): Markup {
  return new Markup(strings.reduce((out, s, i) => out + render(values[i - 1]) + s));
}
