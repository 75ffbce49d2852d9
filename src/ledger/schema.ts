/**
 * zod shapes of what enters the ledger from outside its own code: customer rows (from finance's
 * files, `sla customers import`), credit entries (from the billing workflow) and maintenance
 * notices (from the maintenance workflow). Checked before any statement runs, or (for the bulk
 * writes) when the database refuses one, so that a bad row is named (its index and field) and
 * nothing is written; the database's CHECK constraints hold the same lines for any other writer.
 */
import { z } from 'zod';
import { SlaError, under } from '../errors';
import type { CreditEntry, CustomerNotice, CustomerRecord } from './types';

/**
 * PostgreSQL text cannot hold NUL: refused here, naming the field, rather than failing the write.
 * Patterns rather than refinements, so that the OpenAPI document states them as enforced; the
 * second, after `trim`, refuses a blank value (JavaScript's whitespace, BOM included).
 */
// eslint-disable-next-line no-control-regex -- NUL is the character refused
const NO_NUL = [/^[^\u0000]*$/, 'must not contain NUL characters'] as const;
const NOT_BLANK = [/[^\s\ufeff]/, 'must not be empty'] as const;
const Id = z
  .string()
  .trim()
  .max(200, 'at most 200 characters')
  .regex(...NOT_BLANK)
  .regex(...NO_NUL);
const WHOLE_MINOR = 'expected whole minor units (cents)';
const Minor = z.number({ error: WHOLE_MINOR }).int(WHOLE_MINOR).min(0).max(Number.MAX_SAFE_INTEGER);
const Currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 code such as CAD');
const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected YYYY-MM');
const Instant = z.iso.datetime({ offset: true, message: 'expected an ISO-8601 instant with Z or an offset' });

/**
 * The most entries of a customer import's lists. Administrators are the recipients of every
 * maintenance notice (C1): some dozens at most. One import is one transaction (all rows or none):
 * the largest customer base this engine is built for fits in one file with room to grow.
 */
export const CUSTOMER_LIST_MAX = { administrators: 50, importRows: 20_000 } as const;

export const CustomerRecordSchema = z.strictObject({
  customerId: Id,
  name: z
    .string()
    .trim()
    .regex(...NOT_BLANK)
    .regex(...NO_NUL),
  annualFeeMinor: Minor,
  currency: Currency,
  region: Id,
  administrators: z
    .array(z.email('expected an email address'))
    .min(1, 'at least one administrator')
    .max(CUSTOMER_LIST_MAX.administrators),
  canadaOnlyDataAccess: z.boolean({ error: 'expected true or false' }),
}) satisfies z.ZodType<CustomerRecord>;

export const CreditEntrySchema = z.strictObject({
  customerId: Id,
  month: Month,
  kind: z.enum(['credit', 'adjustment']),
  sequence: z.number().int().min(0),
  currency: Currency,
  uptimePercent: z.string().regex(/^(100(\.0+)?|\d{1,2}(\.\d+)?)$/, 'expected a decimal from 0 to 100'),
  creditPercent: z.number().min(0).max(100),
  monthlyFeeMinor: Minor,
  // An adjustment may take credit back.
  creditMinor: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER),
  totalMs: Minor,
  excludedMs: Minor,
  downtimeMs: Minor,
  outageIds: z.array(Id),
  maintenanceIds: z.array(Id),
  policyVersion: Id,
  workflowId: Id,
  createdAt: Instant,
}) satisfies z.ZodType<CreditEntry>;

/** One customer's notice of a maintenance round (I9 as amended). */
export const CustomerNoticeSchema = z.strictObject({
  maintenanceId: Id,
  customerId: Id,
  version: z.number().int().min(1),
  kind: z.enum(['announced', 'withdrawn']),
  start: Instant,
  end: Instant,
  sentAt: Instant.nullable(),
}) satisfies z.ZodType<CustomerNotice>;

export interface RowIssue {
  /** Where the row came from: "line 4" of a CSV file, "[3]" of a JSON array or a call. */
  row: string;
  field: string;
  message: string;
}

/** Rows that cannot be written: each issue names its row and field; nothing was written. */
export class LedgerInputError extends SlaError {
  override name = 'LedgerInputError';
  constructor(
    readonly rows: RowIssue[],
    what = 'rows',
  ) {
    super(
      'invalid',
      `invalid ${what}, nothing written:\n${rows
        .slice(0, 20)
        .map((i) => `  - ${i.row}${i.field ? `, ${i.field}` : ''}: ${i.message}`)
        .join('\n')}${rows.length > 20 ? `\n  … and ${rows.length - 20} more` : ''}`,
      // "[3]" + "customerId" → "[3].customerId": the row, then the field in it.
      rows.map((r) => ({ path: under(r.row, r.field), message: r.message })),
    );
  }
  override get summary(): string {
    return 'invalid rows, nothing written';
  }
}

const byIndex = (i: number) => `[${i}]`;

/**
 * Parses every row with the schema; throws one LedgerInputError listing every bad row, or returns
 * the parsed rows. `where(i)` says how a row is named to a person (a CSV line, a JSON index).
 */
export function parseRows<T>(
  schema: z.ZodType<T>,
  rows: unknown[],
  what: string,
  where: (index: number) => string = byIndex,
): T[] {
  const issues: RowIssue[] = [];
  const parsed: T[] = [];
  rows.forEach((row, i) => {
    const result = schema.safeParse(row);
    if (result.success) parsed.push(result.data);
    else
      for (const issue of result.error.issues)
        issues.push({ row: where(i), field: issue.path.join('.'), message: issue.message });
  });
  if (issues.length) throw new LedgerInputError(issues, what);
  return parsed;
}

const ImportRows = z.array(z.unknown()).max(CUSTOMER_LIST_MAX.importRows);

/** Customers, checked row by row and for a customer id given twice. */
export function parseCustomers(
  rows: unknown[],
  where: (index: number) => string = byIndex,
): CustomerRecord[] {
  const size = ImportRows.safeParse(rows);
  if (!size.success)
    throw new LedgerInputError(
      [{ row: '(file)', field: 'rows', message: size.error.issues[0]!.message }],
      'customers',
    );
  const customers = parseRows(CustomerRecordSchema, rows, 'customers', where);
  const seen = new Map<string, number>();
  const issues: RowIssue[] = [];
  customers.forEach((c, i) => {
    const first = seen.get(c.customerId);
    if (first === undefined) seen.set(c.customerId, i);
    else
      issues.push({
        row: where(i),
        field: 'customerId',
        message: `${c.customerId} is given twice (first at ${where(first)})`,
      });
  });
  if (issues.length) throw new LedgerInputError(issues, 'customers');
  return customers;
}
