// `sla customers import|list` and `sla ledger list` as finance runs them (C2, C12, I10, I13, I14):
// files checked row by row, all rows or none, readable tables and JSON, exit codes, on the
// embedded ledger in SLA_DATA_DIR and on PostgreSQL through DATABASE_URL (never printed).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger, type CreditEntry, type CustomerRecord, type CustomerVersion } from '../../src/ledger';
import { loadPolicy, policyRecord } from '../../src/policy';
import { creditEntry } from '../helpers/billing';
import { sla } from '../helpers/cli';
import { createTestLedger, seedLedgerDir, testCustomer } from '../helpers/ledger';
import { freePort } from '../helpers/ports';

const HEADER = 'customerId,name,annualFeeMinor,currency,region,administrators,canadaOnlyDataAccess';

let dataDir: string;
const env = () => ({ SLA_DATA_DIR: dataDir, DATABASE_URL: '', SLA_LEDGER_DIR: '' });
const file = (name: string, text: string) => {
  const path = join(dataDir, name);
  writeFileSync(path, text);
  return path;
};
const listed = async (extra: NodeJS.ProcessEnv = {}) => {
  const result = await sla(['customers', 'list', '--json'], { ...env(), ...extra });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as CustomerRecord[];
};

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sla-ledger-cli-'));
  await seedLedgerDir(dataDir);
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('sla customers import', () => {
  it('imports a CSV file, then updates from JSON; list shows a table or JSON', async () => {
    const csv = file(
      'customers.csv',
      [
        HEADER,
        'acme,Acme Inc.,1200000,CAD,ca-central,ops@acme.example; it@acme.example,false',
        '',
        'northwind,"Northwind, Ltd",99999,JPY,ca-central,a@nw.example,yes',
      ].join('\n'),
    );
    const imported = await sla(['customers', 'import', csv], env());
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toBe('imported 2 customers: 2 new, 0 updated, 0 unchanged\n');
    expect(imported.code).toBe(0);
    const acme = testCustomer('acme', {
      name: 'Acme Inc.',
      administrators: ['ops@acme.example', 'it@acme.example'],
    });
    const northwind = testCustomer('northwind', {
      name: 'Northwind, Ltd',
      annualFeeMinor: 99_999,
      currency: 'JPY',
      administrators: ['a@nw.example'],
      canadaOnlyDataAccess: true,
    });
    expect(await listed()).toEqual([acme, northwind]);

    const json = file('customers.json', JSON.stringify([{ ...acme, canadaOnlyDataAccess: true }, northwind]));
    const again = await sla(['customers', 'import', json, '--json'], env());
    expect(JSON.parse(again.stdout)).toEqual({
      rows: 2,
      inserted: 0,
      updated: 1,
      unchanged: 1,
      effectiveAt: expect.stringMatching(/^20\d\d-/),
    });
    const table = await sla(['customers', 'list'], env());
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n').slice(0, 4)).toEqual([
      expect.stringMatching(/^customer\s+name\s+annual fee\s+region\s+data access\s+administrators$/),
      expect.stringMatching(/^-+ +-+/),
      expect.stringMatching(/^acme\s+Acme Inc\.\s+12,000\.00 CAD\s+ca-central\s+Canada only\s+ops@acme/),
      expect.stringMatching(/^northwind\s+Northwind, Ltd\s+99,999 JPY\s+ca-central\s+Canada only/),
    ]);
  });

  it('refuses a CSV file with a bad row, naming its line and field, and imports nothing', async () => {
    await sla(['customers', 'import', file('ok.json', JSON.stringify([testCustomer('acme')]))], env());
    const bad = file(
      'bad.csv',
      [
        HEADER,
        'acme,Acme renamed,1,CAD,ca-central,ops@acme.example,false',
        'globex,Globex,12.50,cad,eu-west,not-an-email,maybe',
      ].join('\n'),
    );
    const result = await sla(['customers', 'import', bad], env());
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('invalid customers, nothing written');
    expect(result.stderr).toContain('line 3, annualFeeMinor: expected whole minor units (cents)');
    expect(result.stderr).toContain('line 3, currency: expected an ISO 4217 code such as CAD');
    expect(result.stderr).toContain('line 3, administrators.0: expected an email address');
    expect(result.stderr).toContain('line 3, canadaOnlyDataAccess: expected true or false');
    expect(result.stderr).not.toContain('line 2');
    // Not even the good row went in.
    expect(await listed()).toEqual([testCustomer('acme')]);

    const ragged = await sla(['customers', 'import', file('ragged.csv', `${HEADER}\nacme,Acme\n`)], env());
    expect(ragged.code).toBe(2);
    expect(ragged.stderr).toMatch(/line 2: Invalid Record Length/);
  });

  it('refuses a JSON file with a bad element, naming its index and field', async () => {
    const result = await sla(
      [
        'customers',
        'import',
        file(
          'bad.json',
          JSON.stringify([
            testCustomer('a'),
            { ...testCustomer('b'), region: '', extra: 1 },
            testCustomer('a'),
          ]),
        ),
      ],
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('[1], region: must not be empty');
    expect(result.stderr).toMatch(/\[1\]: Unrecognized key: "extra"/);
    expect((await sla(['customers', 'import', file('obj.json', '{}')], env())).stderr).toContain(
      'expected a JSON array of customers',
    );
    expect((await sla(['customers', 'import', file('c.txt', '')], env())).stderr).toContain(
      'expected a .csv or .json file',
    );
    expect(await listed()).toEqual([]);
  });
});

describe('sla ledger list', () => {
  it('lists credit entries by month and customer, as a table or JSON', async () => {
    const ledger = await openLedger({ databaseUrl: undefined, ledgerDir: join(dataDir, 'ledger') });
    const adjustment = creditEntry('acme', '2026-03', {
      kind: 'adjustment',
      creditMinor: -25_000,
      creditPercent: 25,
    });
    await ledger.appendCreditEntries([
      creditEntry('acme', '2026-03'),
      creditEntry('globex', '2026-03'),
      creditEntry('acme', '2026-04'),
    ]);
    await ledger.appendCreditEntries([adjustment]);
    await ledger.close();

    const march = await sla(['ledger', 'list', '--month', '2026-03', '--json'], env());
    expect(march.code).toBe(0);
    expect(JSON.parse(march.stdout)).toEqual([
      creditEntry('acme', '2026-03'),
      adjustment,
      creditEntry('globex', '2026-03'),
    ]);
    const acme = JSON.parse(
      (await sla(['ledger', 'list', '--customer', 'acme', '--json'], env())).stdout,
    ) as CreditEntry[];
    expect(acme.map((e) => `${e.month} ${e.kind}`)).toEqual([
      '2026-03 credit',
      '2026-03 adjustment',
      '2026-04 credit',
    ]);

    const table = await sla(['ledger', 'list', '--month', '2026-03', '--customer', 'acme'], env());
    expect(table.stdout.split('\n').slice(2, 4)).toEqual([
      expect.stringMatching(
        /^2026-03\s+acme\s+credit\s+1\s+99\.9000\s+50\s+1,000\.00 CAD\s+500\.00 CAD\s+o-1\s+2026-04-02/,
      ),
      expect.stringMatching(
        /^2026-03\s+acme\s+adjustment\s+1\s+99\.9000\s+25\s+1,000\.00 CAD\s+-250\.00 CAD/,
      ),
    ]);
    // --csv: the download GET /v1/credits?format=csv sends, money in integer minor units.
    const csv = await sla(['ledger', 'list', '--month', '2026-03', '--customer', 'acme', '--csv'], env());
    expect(csv.code).toBe(0);
    const rows = parse<Record<string, string>>(csv.stdout, { columns: true });
    expect(rows.map((r) => [r.month, r.customer_id, r.kind, r.credit_minor, r.currency])).toEqual([
      ['2026-03', 'acme', 'credit', '50000', 'CAD'],
      ['2026-03', 'acme', 'adjustment', '-25000', 'CAD'],
    ]);
    expect((await sla(['ledger', 'list', '--month', '2027-01'], env())).stdout).toBe('no credit entries\n');
    const bad = await sla(['ledger', 'list', '--month', '2026-3'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--month: expected a month "YYYY-MM"');
  });
});

describe('sla customers: terms in force (I15)', () => {
  it('imports from an effective day, lists at an instant, ends the contract, shows the history', async () => {
    const v1 = file('v1.json', JSON.stringify([testCustomer('acme')]));
    const v2 = file(
      'v2.json',
      JSON.stringify([testCustomer('acme', { annualFeeMinor: 2_400_000, region: 'eu-west' })]),
    );
    const first = await sla(['customers', 'import', v1, '--effective', '2026-03-01'], env());
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe(
      'imported 1 customers in force from 2026-03-01 00:00 EST (2026-03-01T05:00:00.000Z): 1 new, 0 updated, 0 unchanged\n',
    );
    const second = await sla(['customers', 'import', v2, '--effective', '2026-05-01', '--json'], env());
    expect(JSON.parse(second.stdout)).toEqual({
      rows: 1,
      inserted: 0,
      updated: 1,
      unchanged: 0,
      effectiveAt: '2026-05-01T04:00:00.000Z',
    });
    const clash = await sla(['customers', 'import', v1, '--effective', '2026-05-01T04:00:00Z'], env());
    expect(clash.code).toBe(1);
    expect(clash.stderr).toContain('acme has other terms recorded at 2026-05-01T04:00:00.000Z already');
    const bad = await sla(['customers', 'import', v1, '--effective', 'May'], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--effective: expected a date YYYY-MM-DD');

    const at = async (when: string) =>
      JSON.parse(
        (await sla(['customers', 'list', '--at', when, '--json'], env())).stdout,
      ) as CustomerRecord[];
    expect(await at('2026-02-28')).toEqual([]);
    expect(await at('2026-04-30T23:59:59-04:00')).toEqual([testCustomer('acme')]);
    expect(await at('2026-05-01')).toMatchObject([{ region: 'eu-west' }]);

    const end = await sla(['customers', 'end', 'acme', '--effective', '2026-07-01'], env());
    expect(end.stdout).toBe('contract of acme ends at 2026-07-01T04:00:00.000Z\n');
    expect(await listed()).toEqual([]);

    const history = await sla(['customers', 'history', 'acme'], env());
    expect(history.code).toBe(0);
    expect(history.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^effective from\s+annual fee\s+region\s+data access\s+administrators\s+recorded at$/,
      ),
      expect.stringMatching(/^-+ +-+/),
      expect.stringMatching(
        /^2026-03-01 00:00 EST \(2026-03-01T05:00:00\.000Z\)\s+12,000\.00 CAD\s+ca-central\s+anywhere\s+admin@acme\.example\s+20\d\d-/,
      ),
      expect.stringMatching(
        /^2026-05-01 00:00 EDT \(2026-05-01T04:00:00\.000Z\)\s+24,000\.00 CAD\s+eu-west\s/,
      ),
      expect.stringMatching(/^2026-07-01 00:00 EDT \(2026-07-01T04:00:00\.000Z\)\s+contract ended\s+20\d\d-/),
    ]);
    const json = JSON.parse(
      (await sla(['customers', 'history', 'acme', '--json'], env())).stdout,
    ) as CustomerVersion[];
    expect(json.map((v) => [v.effectiveAt, v.terms?.region ?? null])).toEqual([
      ['2026-03-01T05:00:00.000Z', 'ca-central'],
      ['2026-05-01T04:00:00.000Z', 'eu-west'],
      ['2026-07-01T04:00:00.000Z', null],
    ]);
    expect((await sla(['customers', 'history', 'nobody'], env())).code).toBe(3);
  });

  it('lists the policy versions stored, with the months each judged', async () => {
    const policy = loadPolicy({});
    const ledger = await openLedger({ databaseUrl: undefined, ledgerDir: join(dataDir, 'ledger') });
    await ledger.migrate();
    await ledger.recordPolicyVersion(policyRecord(policy));
    await ledger.recordMonthPolicy('2026-03', policy.version);
    await ledger.close();
    const table = await sla(['policy', 'versions'], env());
    expect(table.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^version\s+recorded at\s+months judged$/),
      expect.stringMatching(/^-+ +-+/),
      expect.stringMatching(new RegExp(`^${policy.version}\\s+20\\d\\d-\\S+\\s+2026-03$`)),
    ]);
    const json = JSON.parse((await sla(['policy', 'versions', '--json'], env())).stdout) as unknown;
    expect(json).toEqual([
      {
        version: policy.version,
        policy: expect.any(Object),
        recordedAt: expect.any(String),
        months: ['2026-03'],
      },
    ]);
  });
});

describe('on PostgreSQL (DATABASE_URL)', () => {
  it('imports and lists through the server; the URL, a secret, is never printed', async () => {
    const ledger = await createTestLedger('postgres');
    try {
      // Trust authentication ignores the password: it is there to be looked for in the output.
      const url = ledger.settings.DATABASE_URL!.replace('postgres@', 'postgres:s3cret-pw@');
      const imported = await sla(
        ['customers', 'import', file('c.json', JSON.stringify([testCustomer('acme')]))],
        {
          ...env(),
          DATABASE_URL: url,
        },
      );
      expect(imported.stdout).toBe('imported 1 customers: 1 new, 0 updated, 0 unchanged\n');
      expect(await ledger.customers()).toEqual([testCustomer('acme')]);
      expect(await listed({ DATABASE_URL: url })).toEqual([testCustomer('acme')]);

      const down = await sla(['customers', 'list'], {
        ...env(),
        DATABASE_URL: `postgres://sla:s3cret-pw@127.0.0.1:${await freePort()}/sla`,
      });
      expect(down.code).toBe(4);
      expect(down.stderr).toMatch(/cannot reach the ledger database/);
      expect(`${down.stdout}${down.stderr}${imported.stderr}`).not.toContain('s3cret-pw');
      const badUrl = await sla(['customers', 'list'], { ...env(), DATABASE_URL: 'mysql://u:s3cret-pw@h/db' });
      expect(badUrl.code).toBe(2);
      expect(badUrl.stderr).toContain('DATABASE_URL: expected postgres://');
      expect(badUrl.stderr).not.toContain('s3cret-pw');
    } finally {
      await ledger.cleanup();
    }
  });
});
