/**
 * What every `sla` command shares: option parsing through zod (so a bad flag is named
 * in the message), and output as JSON (--json) or readable text.
 */
import { z } from 'zod';
import { Instant as ModelInstant } from '../model/ticket';
import { formatPath, SlaError } from '../errors';

/** Exit codes that are not an error's: an error exits with its code's (ERROR_CODES, src/errors.ts). */
export const EXIT = { ok: 0, failure: 1 } as const;

/** Bad input from the command line: an `invalid` error (exit code 2), nothing done. */
export class UsageError extends SlaError {
  override name = 'UsageError';
  constructor(message: string) {
    super('invalid', message);
  }
}

/** Parses commander's options with a zod schema; the message names each bad flag. */
export function parseOptions<T extends z.ZodType>(schema: T, options: unknown): z.infer<T> {
  const parsed = schema.safeParse(options);
  if (parsed.success) return parsed.data;
  throw new UsageError(
    parsed.error.issues
      .map((i) => {
        const flag = formatPath(i.path).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        return `--${flag || '(options)'}: ${i.message}`;
      })
      .join('\n'),
  );
}

/** An instant with an explicit offset or Z, normalised to epoch milliseconds. */
export const Instant = ModelInstant.transform((s) => Date.parse(s));

export function iso(t: number): string {
  return new Date(t).toISOString();
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A plain aligned table for humans. */
export function printTable(headers: string[], rows: string[][]): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  process.stdout.write(
    `${[line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`,
  );
}
