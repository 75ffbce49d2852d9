// Terms in force (I15) and the policy of each month, on the embedded PGlite and on PostgreSQL:
// versions from an effective instant, nothing rewriting the past, reads at an instant and over a
// month, the closed-month and same-instant refusals naming `effective`, and the migration of
// customers rows written before versions were kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlaError } from '../../src/errors';
import { MIGRATIONS, migrate } from '../../src/ledger/migrations';
import { loadPolicy } from '../../src/policy/load';
import {
  createTestLedger,
  testCustomer as customer,
  type LedgerKind,
  type TestLedger,
} from '../helpers/ledger';

const MARCH = { from: '2026-03-01T05:00:00.000Z', to: '2026-04-01T04:00:00.000Z' }; // Toronto

async function refusal(promise: Promise<unknown>): Promise<SlaError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof SlaError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe.each<LedgerKind>(['pglite', 'postgres'])('terms in force on %s', (kind) => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await createTestLedger(kind);
  });
  afterAll(() => ledger?.cleanup());

  it('adds a version per changed customer at the effective instant; unchanged rows add nothing', async () => {
    const jan = '2026-01-01T05:00:00.000Z';
    const may = '2026-05-01T04:00:00.000Z';
    expect(
      await ledger.importCustomers([customer('v-acme'), customer('v-globex')], { effectiveAt: jan }),
    ).toEqual({ inserted: 2, updated: 0 });
    expect(
      await ledger.importCustomers(
        [customer('v-acme', { annualFeeMinor: 2_400_000 }), customer('v-globex'), customer('v-new')],
        { effectiveAt: may },
      ),
    ).toEqual({ inserted: 1, updated: 1 });
    // The same file again: every row is in force already.
    expect(
      await ledger.importCustomers(
        [customer('v-acme', { annualFeeMinor: 2_400_000 }), customer('v-globex'), customer('v-new')],
        { effectiveAt: may },
      ),
    ).toEqual({ inserted: 0, updated: 0 });

    const history = await ledger.customerHistory('v-acme');
    expect(history.map((v) => [v.effectiveAt, v.terms?.annualFeeMinor])).toEqual([
      [jan, 1_200_000],
      [may, 2_400_000],
    ]);
    expect(history[0]!.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await ledger.customerHistory('nobody')).toEqual([]);

    // Reads at an instant: the version in force then, absent before the first.
    expect(await ledger.customer('v-acme', { at: '2026-03-15T00:00:00.000Z' })).toEqual(customer('v-acme'));
    expect(await ledger.customer('v-acme', { at: may })).toMatchObject({ annualFeeMinor: 2_400_000 });
    expect(await ledger.customer('v-acme')).toMatchObject({ annualFeeMinor: 2_400_000 });
    expect(await ledger.customer('v-new', { at: '2026-04-30T00:00:00.000Z' })).toBeNull();
    expect((await ledger.customers({ at: '2026-04-30T00:00:00.000Z' })).map((c) => c.customerId)).toEqual([
      'v-acme',
      'v-globex',
    ]);
    expect(
      (await ledger.customersPage({ after: 'v-acme', limit: 1, at: may })).map((c) => c.customerId),
    ).toEqual(['v-globex']);
  });

  it('defaults the effective instant to now', async () => {
    const before = Date.now();
    await ledger.importCustomers([customer('d-now')]);
    const [version] = await ledger.customerHistory('d-now');
    expect(Date.parse(version!.effectiveAt)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(version!.effectiveAt)).toBeLessThanOrEqual(Date.now());
    expect(await ledger.customer('d-now')).toEqual(customer('d-now'));
  });

  it('refuses other terms at the very instant of a version, naming effective; nothing is written', async () => {
    const at = '2026-02-01T05:00:00.000Z';
    await ledger.importCustomers([customer('c-same')], { effectiveAt: at });
    const error = await refusal(
      ledger.importCustomers([customer('c-other'), customer('c-same', { region: 'eu-west' })], {
        effectiveAt: at,
      }),
    );
    expect(error.code).toBe('conflict');
    expect(error.issues).toEqual([{ path: 'effective', message: expect.stringContaining('c-same') }]);
    expect(await ledger.customerHistory('c-other')).toEqual([]);
    // The same terms at that instant are no conflict: unchanged.
    expect(await ledger.importCustomers([customer('c-same')], { effectiveAt: at })).toEqual({
      inserted: 0,
      updated: 0,
    });
  });

  it('ends a contract: absent from reads after the end, idempotent, and renewable', async () => {
    await ledger.importCustomers([customer('e-end')], { effectiveAt: '2026-01-01T05:00:00.000Z' });
    const end = '2026-03-16T04:00:00.000Z';
    expect(await ledger.endContract('e-end', { effectiveAt: end })).toBe('written');
    expect(await ledger.endContract('e-end', { effectiveAt: '2026-03-20T00:00:00.000Z' })).toBe('exists');
    expect(await ledger.customer('e-end', { at: '2026-03-16T03:59:59.999Z' })).not.toBeNull();
    expect(await ledger.customer('e-end', { at: end })).toBeNull();
    expect(await ledger.customer('e-end')).toBeNull();
    expect((await ledger.customerHistory('e-end')).map((v) => v.terms === null)).toEqual([false, true]);
    expect((await refusal(ledger.endContract('nobody'))).code).toBe('not_found');
    const early = await refusal(ledger.endContract('e-end', { effectiveAt: '2025-12-01T00:00:00.000Z' }));
    expect(early.issues[0]?.path).toBe('effective');
    // Renewed: a version after the end counts as an update of a known customer.
    expect(
      await ledger.importCustomers([customer('e-end')], { effectiveAt: '2026-06-01T04:00:00.000Z' }),
    ).toEqual({ inserted: 0, updated: 1 });
    expect(await ledger.customer('e-end')).toEqual(customer('e-end'));
  });

  it('pages the customers in force for part of a month, with the versions that bear on it', async () => {
    const t = (d: string) => `2026-${d}.000Z`;
    await ledger.importCustomers([customer('p-before'), customer('p-inside'), customer('p-ended-before')], {
      effectiveAt: t('02-01T05:00:00'),
    });
    await ledger.importCustomers([customer('p-before', { region: 'eu-west' })], {
      effectiveAt: t('03-10T04:00:00'),
    });
    await ledger.importCustomers([customer('p-before', { region: 'us-east' })], {
      effectiveAt: t('04-10T04:00:00'), // after March: not in its range
    });
    await ledger.importCustomers([customer('p-new-inside')], { effectiveAt: t('03-20T04:00:00') });
    await ledger.importCustomers([customer('p-after')], { effectiveAt: t('04-01T04:00:00') });
    await ledger.endContract('p-inside', { effectiveAt: t('03-05T05:00:00') });
    await ledger.endContract('p-ended-before', { effectiveAt: t('02-20T05:00:00') });

    const all = [];
    for (let after: string | null = 'p'; ;) {
      const page = await ledger.customerTermsPage({ after, limit: 2, range: MARCH });
      if (!page.length) break;
      expect(page.length).toBeLessThanOrEqual(2);
      all.push(...page.filter((c) => c.customerId.startsWith('p-')));
      after = page.at(-1)!.customerId;
    }
    const summary = Object.fromEntries(
      all.map((c) => [
        c.customerId,
        c.versions.map((v) => `${v.effectiveAt.slice(5, 10)} ${v.terms?.region ?? 'end'}`),
      ]),
    );
    expect(summary).toEqual({
      'p-before': ['02-01 ca-central', '03-10 eu-west'],
      'p-inside': ['02-01 ca-central', '03-05 end'],
      'p-new-inside': ['03-20 ca-central'],
    });
    const count = await ledger.customerCount(MARCH);
    expect(count).toBe((await allPages(ledger, MARCH)).length);
    expect(await ledger.customerCount()).toBe((await ledger.customers()).length);
  });

  it('stores policy versions, and the first policy recorded for a month wins', async () => {
    const policy = loadPolicy({});
    expect(await ledger.recordPolicyVersion({ version: policy.version, policy: policy.policy })).toBe(
      'written',
    );
    expect(await ledger.recordPolicyVersion({ version: policy.version, policy: policy.policy })).toBe(
      'exists',
    );
    await ledger.recordPolicyVersion({ version: 'p-other', policy: { other: true } });
    expect(await ledger.monthPolicy('2026-03')).toBeNull();
    const first = await ledger.recordMonthPolicy('2026-03', policy.version);
    expect(first).toMatchObject({ month: '2026-03', policyVersion: policy.version });
    expect(await ledger.recordMonthPolicy('2026-03', 'p-other')).toEqual(first);
    expect(await ledger.monthPolicy('2026-03')).toEqual(first);
    expect((await refusal(ledger.recordMonthPolicy('2026-02', 'unknown'))).code).toBe('invalid');

    const stored = await ledger.policyVersion(policy.version);
    expect(stored).toMatchObject({ version: policy.version, months: ['2026-03'] });
    expect(stored!.policy).toEqual(JSON.parse(JSON.stringify(policy.policy)));
    expect((await ledger.policyVersions()).map((p) => [p.version, p.months])).toEqual([
      [policy.version, ['2026-03']],
      ['p-other', []],
    ]);
    expect(await ledger.policyVersion('nope')).toBeNull();
  });

  it('refuses terms inside a month whose close has begun, naming effective and the earliest instant', async () => {
    // 2026-03 has its policy (the test above): its close has begun; April is open.
    const error = await refusal(
      ledger.importCustomers([customer('x-late')], { effectiveAt: '2026-03-31T12:00:00.000Z' }),
    );
    expect(error.code).toBe('invalid');
    expect(error.message).toContain('2026-03');
    expect(error.message).toContain('2026-04-01T04:00:00.000Z');
    expect(error.issues.map((i) => i.path)).toEqual(['effective']);
    expect(
      (await refusal(ledger.endContract('v-acme', { effectiveAt: '2026-02-01T00:00:00.000Z' }))).issues[0]
        ?.path,
    ).toBe('effective');
    expect(await ledger.customerHistory('x-late')).toEqual([]);
    expect(
      await ledger.importCustomers([customer('x-late')], { effectiveAt: '2026-04-01T04:00:00.000Z' }),
    ).toEqual({ inserted: 1, updated: 0 });
    // The same terms again inside the closed month change nothing there: a retried import answers
    // as its first try, all rows unchanged; a changed row among them refuses the whole file.
    const jan = '2026-01-01T05:00:00.000Z';
    expect(
      await ledger.importCustomers([customer('v-acme'), customer('v-globex')], { effectiveAt: jan }),
    ).toEqual({
      inserted: 0,
      updated: 0,
    });
    expect(
      (
        await refusal(
          ledger.importCustomers([customer('v-acme'), customer('v-globex', { region: 'eu-west' })], {
            effectiveAt: jan,
          }),
        )
      ).issues.map((i) => i.path),
    ).toEqual(['effective']);
    expect((await ledger.customerHistory('v-globex')).length).toBe(1);
  });

  it('keeps versions and policies written once', async () => {
    for (const statement of [
      `UPDATE customer_terms SET region = 'x'`,
      `DELETE FROM customer_terms`,
      `DELETE FROM policy_versions WHERE version = 'p-other'`,
      `UPDATE month_policies SET policy_version = 'p-other'`,
    ]) {
      await expect(ledger.driver.query(statement), statement).rejects.toMatchObject({ code: 'SLA01' });
    }
  });

  it('migrates customers rows to one version each, in force from their first import', async () => {
    const fresh = await createTestLedger(kind, { migrate: false });
    try {
      await migrate(
        fresh.driver,
        MIGRATIONS.filter((m) => m.version <= 5),
      );
      await fresh.driver.query(
        `INSERT INTO customers (customer_id, name, annual_fee_minor, currency, region, administrators,
           canada_only_data_access, created_at, updated_at)
         VALUES ('old-acme', 'Acme', 1200000, 'CAD', 'ca-central', '{a@acme.example}', true,
                 '2025-11-02T10:00:00Z', '2026-02-01T10:00:00Z')`,
      );
      expect(await migrate(fresh.driver)).toEqual(
        MIGRATIONS.filter((m) => m.version > 5).map((m) => m.version),
      );
      expect(await fresh.customerHistory('old-acme')).toEqual([
        {
          customerId: 'old-acme',
          effectiveAt: '2025-11-02T10:00:00.000Z',
          recordedAt: '2026-02-01T10:00:00.000Z',
          terms: {
            name: 'Acme',
            annualFeeMinor: 1_200_000,
            currency: 'CAD',
            region: 'ca-central',
            administrators: ['a@acme.example'],
            canadaOnlyDataAccess: true,
          },
        },
      ]);
      const tables = await fresh.driver.query(
        `SELECT 1 FROM information_schema.tables WHERE table_name = 'customers'`,
      );
      expect(tables).toEqual([]);
    } finally {
      await fresh.cleanup();
    }
  });
});

async function allPages(ledger: TestLedger, range: { from: string; to: string }) {
  const all = [];
  for (let after: string | null = null; ;) {
    const page = await ledger.customerTermsPage({ after, limit: 500, range });
    if (!page.length) return all;
    all.push(...page);
    after = page.at(-1)!.customerId;
  }
}
