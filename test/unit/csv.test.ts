// The CSV downloads (C2, C14; I9, I10): RFC 4180 as csv-parse reads it back, spreadsheet formulas
// neutralised, money in integer minor units.
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { creditEntriesCsv, outagesCsv, toCsv } from '../../src/report/csv';
import type { MonthUptime } from '../../src/report/uptime';
import { creditEntry } from '../helpers/billing';

const read = (text: string): string[][] => parse(text);

describe('toCsv (RFC 4180)', () => {
  it('quotes commas, quotes and line breaks, ends every line with CRLF, leaves the rest bare', () => {
    const text = toCsv(
      ['a', 'b', 'c'],
      [
        ['x,y', 'say "hi"', 'two\nlines'],
        [1, -150, null],
        [true, 'plain', 'cr\r'],
      ],
    );
    expect(text).toBe('a,b,c\r\n"x,y","say ""hi""","two\nlines"\r\n1,-150,\r\ntrue,plain,"cr\r"\r\n');
    expect(read(text)).toEqual([
      ['a', 'b', 'c'],
      ['x,y', 'say "hi"', 'two\nlines'],
      ['1', '-150', ''],
      ['true', 'plain', 'cr\r'],
    ]);
  });

  it("prefixes text a spreadsheet would run as a formula (= + - @, tab, CR) with ', never numbers", () => {
    const text = toCsv(['v'], [['=HYPERLINK("x")'], ['+1'], ['-2+3'], ['@SUM(A1)'], ['\tx'], ['a=b'], [-5]]);
    expect(read(text).slice(1).flat()).toEqual([
      '\'=HYPERLINK("x")',
      "'+1",
      "'-2+3",
      "'@SUM(A1)",
      "'\tx",
      'a=b',
      '-5',
    ]);
  });

  it('any text reads back as written (formulas aside)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string(), { minLength: 2, maxLength: 2 }), { maxLength: 5 }),
        (rows) => {
          const safe = rows.map((r) => r.map((c) => c.replace(/^[=+\-@\t\r]+/, '')));
          expect(read(toCsv(['a', 'b'], safe)).slice(1)).toEqual(safe);
        },
      ),
    );
  });
});

describe('the downloads', () => {
  it('credit entries: one row each, money in integer minor units with its currency', () => {
    const file = creditEntriesCsv(
      [
        creditEntry('acme', '2026-03'),
        creditEntry('acme', '2026-03', { kind: 'adjustment', creditMinor: -25_000 }),
      ],
      { month: '2026-03' },
    );
    expect(file.filename).toBe('credits-2026-03.csv');
    const rows = parse<Record<string, string>>(file.text, { columns: true });
    expect(rows.map((r) => [r.kind, r.monthly_fee_minor, r.credit_minor, r.currency])).toEqual([
      ['credit', '100000', '50000', 'CAD'],
      ['adjustment', '100000', '-25000', 'CAD'],
    ]);
    expect(creditEntriesCsv([], {}).filename).toBe('credits-all.csv');
  });

  it("outages: the month's records as counted, named by month and region", () => {
    const uptime = {
      month: '2026-10',
      region: 'eu-west',
      outages: [
        {
          outageId: 'EDGE-2',
          regions: ['eu-west', 'ca-central'],
          start: '2026-10-01T03:00:00.000Z',
          end: '2026-10-01T05:30:00.000Z',
          classification: 'unexpected',
          counted: true,
          msInMonth: 5_400_000,
          policyVersion: 'p1',
        },
      ],
    } as unknown as MonthUptime;
    const file = outagesCsv(uptime);
    expect(file.filename).toBe('outages-2026-10-eu-west.csv');
    expect(file.text.split('\r\n')[1]).toBe(
      'EDGE-2,eu-west ca-central,2026-10-01T03:00:00.000Z,2026-10-01T05:30:00.000Z,unexpected,true,5400000,90.0,p1',
    );
  });
});
