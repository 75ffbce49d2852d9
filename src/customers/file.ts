/**
 * Customer files from finance, for `sla customers import`: CSV with a header row (administrators
 * separated by ";") or a JSON array. Every row is checked by the ledger's customer schema before
 * anything is written; an error names the row (CSV line number, JSON index) and the field.
 *
 * CSV columns: customerId, name, annualFeeMinor (whole cents), currency, region,
 * administrators (a;b), canadaOnlyDataAccess (true/false, yes/no).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { LedgerInputError, parseCustomers } from '../ledger/schema';
import type { CustomerRecord } from '../ledger/types';

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0', '']);

/** CSV text → typed values; a value that does not convert is kept, so the schema names it. */
function csvRow(record: Record<string, string>): Record<string, unknown> {
  const row: Record<string, unknown> = { ...record };
  const fee = record.annualFeeMinor;
  if (fee !== undefined && /^\d+$/.test(fee)) row.annualFeeMinor = Number(fee);
  const flag = record.canadaOnlyDataAccess?.toLowerCase();
  if (flag !== undefined && TRUE.has(flag)) row.canadaOnlyDataAccess = true;
  else if (flag !== undefined && FALSE.has(flag)) row.canadaOnlyDataAccess = false;
  if (record.administrators !== undefined)
    row.administrators = record.administrators
      .split(';')
      .map((a) => a.trim())
      .filter(Boolean);
  return row;
}

export function parseCustomersCsv(text: string): CustomerRecord[] {
  let parsed: { record: Record<string, string>; info: { lines: number } }[];
  try {
    parsed = parse(text, { columns: true, info: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw new LedgerInputError(
      [{ row: line ? `line ${line}` : '(file)', field: '', message: (err as Error).message }],
      'customers',
    );
  }
  return parseCustomers(
    parsed.map((p) => csvRow(p.record)),
    (i) => `line ${parsed[i]!.info.lines}`,
  );
}

export function parseCustomersJson(text: string): CustomerRecord[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text) as unknown;
  } catch (err) {
    throw new LedgerInputError([{ row: '(file)', field: '', message: (err as Error).message }], 'customers');
  }
  if (!Array.isArray(rows))
    throw new LedgerInputError(
      [{ row: '(file)', field: '', message: 'expected a JSON array of customers' }],
      'customers',
    );
  return parseCustomers(rows);
}

/** Reads and checks a .csv or .json customer file; throws LedgerInputError naming each bad row. */
export function readCustomersFile(file: string): CustomerRecord[] {
  const kind = extname(file).toLowerCase();
  if (kind !== '.csv' && kind !== '.json')
    throw new LedgerInputError(
      [{ row: '(file)', field: '', message: `expected a .csv or .json file, got ${file}` }],
      'customers',
    );
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LedgerInputError(
      [{ row: '(file)', field: '', message: `cannot read ${file}: ${(err as Error).message}` }],
      'customers',
    );
  }
  return kind === '.csv' ? parseCustomersCsv(text) : parseCustomersJson(text);
}
