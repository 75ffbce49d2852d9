// The one error family (src/errors.ts): each code has one HTTP status and one exit code, every
// error class of the engine is an SlaError with a code of the table, and docs/errors.md shows
// the table as it is.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PayloadDecryptionError } from '../../src/codec/aes-gcm';
import { CodecKeyError } from '../../src/codec/keys';
import { UsageError } from '../../src/cli/io';
import { ConfigError } from '../../src/config';
import {
  ConflictError,
  ERROR_CODES,
  errorCodesMarkdown,
  InvalidInputError,
  NotFoundError,
  SlaError,
  UnavailableError,
  type ErrorCode,
} from '../../src/errors';
import { LedgerUnavailableError } from '../../src/ledger/driver';
import { MigrationError } from '../../src/ledger/migrations';
import { LedgerInputError } from '../../src/ledger/schema';
import { LedgerConflictError } from '../../src/ledger/sql-ledger';
import { PolicyError } from '../../src/policy/load';
import { tableCells as cells } from '../helpers/markdown';

const SRC = join(__dirname, '..', '..', 'src');

/** Every error class of src with one instance of it and the code it must carry. */
const CLASSES: [string, SlaError, ErrorCode][] = [
  ['InvalidInputError', new InvalidInputError([{ path: 'a', message: 'm' }]), 'invalid'],
  ['NotFoundError', new NotFoundError('m'), 'not_found'],
  ['ConflictError', new ConflictError('m'), 'conflict'],
  ['UnavailableError', new UnavailableError('m'), 'unavailable'],
  ['UsageError', new UsageError('m'), 'invalid'],
  ['LedgerInputError', new LedgerInputError([{ row: '[3]', field: 'customerId', message: 'm' }]), 'invalid'],
  ['LedgerConflictError', new LedgerConflictError('m'), 'conflict'],
  ['LedgerUnavailableError', new LedgerUnavailableError('m'), 'unavailable'],
  ['MigrationError', new MigrationError('m'), 'internal'],
  ['PayloadDecryptionError', new PayloadDecryptionError('m'), 'undecodable'],
  ['CodecKeyError', new CodecKeyError('m'), 'misconfigured'],
  ['ConfigError', new ConfigError('m'), 'misconfigured'],
  ['PolicyError', new PolicyError('file', [{ path: 'a', message: 'm' }]), 'misconfigured'],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('the error family', () => {
  it('each code has one HTTP error status and one non-zero exit code', () => {
    for (const [code, { status, exit, meaning }] of Object.entries(ERROR_CODES)) {
      expect({ code, status: Number.isInteger(status) && status >= 400 && status < 600 }).toEqual({
        code,
        status: true,
      });
      expect({ code, exit: Number.isInteger(exit) && exit > 0 && exit < 126 }).toEqual({ code, exit: true });
      expect(meaning.split('\n'), code).toHaveLength(1);
    }
    // A ledger conflict is a conflict everywhere: 409 and exit 1, never "bad input".
    expect(ERROR_CODES.conflict).toMatchObject({ status: 409, exit: 1 });
    expect(ERROR_CODES.invalid).toMatchObject({ status: 400, exit: 2 });
  });

  it('every error class of src is an SlaError with its code, and no other class extends Error', () => {
    for (const [name, error, code] of CLASSES) {
      expect({ name, family: error instanceof SlaError, code: error.code }).toEqual({
        name: error.name,
        family: true,
        code,
      });
      expect(ERROR_CODES).toHaveProperty(error.code);
    }
    const declared = sources(SRC).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends (\w*Error)\b/g)].map((m) => [m[1], m[2]]),
    );
    expect(declared.filter(([, base]) => base === 'Error')).toEqual([['SlaError', 'Error']]);
    expect(declared.map(([name]) => name).sort()).toEqual(
      ['SlaError', ...CLASSES.map(([name]) => name)].sort(),
    );
  });

  it('an issue names its field: a ledger row and its field as one path', () => {
    expect(new LedgerInputError([{ row: '[3]', field: 'customerId', message: 'm' }]).issues).toEqual([
      { path: '[3].customerId', message: 'm' },
    ]);
    expect(new InvalidInputError([{ path: 'a.b', message: 'm' }])).toMatchObject({
      summary: 'invalid input',
      message: 'a.b: m',
    });
  });

  it('docs/errors.md shows the table of ERROR_CODES', () => {
    const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'errors.md'), 'utf8');
    const between = /<!-- error-codes:start -->([\s\S]*?)<!-- error-codes:end -->/.exec(doc)?.[1];
    expect(between, 'docs/errors.md has the error-codes markers').toBeDefined();
    expect(cells(between!)).toEqual(cells(errorCodesMarkdown()));
  });
});
