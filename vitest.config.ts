import { configDefaults, defineConfig } from 'vitest/config';
import SlowestFirst from './test/helpers/slowest-first';
import { HOOK_TIMEOUT_MS, TEST_TIMEOUT_MS } from './test/helpers/timeouts';

/** The tiers (docs/testing.md): `npm run test:<tier>` runs one, `vitest run` all of them. */
const TIERS = ['unit', 'workflow', 'integration', 'e2e'] as const;

/**
 * The cluster tier: integration files run again on a Temporal cluster on PostgreSQL, the
 * production topology's server, one namespace per file (test/helpers/cluster-setup.ts). Named
 * here, not copied: tickets, sessions, outages and maintenance through the API with their
 * listings (visibility queries on the search attributes), the outage webhooks, the month close
 * with its Schedule, the codec's refusal of plaintext, a status query in a workflow's first moments;
 * and the scale-out drill (three workers, one killed with SIGKILL in a breach herd), which runs
 * here only: a drill of the production topology belongs on its server.
 */
export const CLUSTER_ONLY_FILES = ['test/integration/scale-out.test.ts'];
export const CLUSTER_FILES = [
  ...CLUSTER_ONLY_FILES,
  'test/integration/api-routes.test.ts',
  'test/integration/outage-webhooks.test.ts',
  'test/integration/billing-month.test.ts',
  'test/integration/plaintext-refusal.test.ts',
  'test/integration/status-query.test.ts',
];

export default defineConfig({
  test: {
    // Temporal's native bridge is happiest in child processes, one per test file.
    pool: 'forks',
    // vitest's default is one fork per core less one: a single file at a time on a 2-core CI
    // runner. The slow files mostly wait on real-time timers, so three forks keep the cores busy
    // while they wait (docs/testing.md, Timing).
    maxWorkers: 3,
    sequence: { sequencer: SlowestFirst },
    testTimeout: TEST_TIMEOUT_MS,
    hookTimeout: HOOK_TIMEOUT_MS,
    // Every test must assert: one that only awaits a helper proves nothing the helper did not
    // check itself, so a test without an assertion fails ("expected any number of assertion").
    // fast-check properties count when they assert inside the predicate (expect, not a boolean).
    expect: { requireAssertions: true },
    passWithNoTests: false,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
    projects: [
      ...TIERS.map((tier) => ({
        extends: true as const,
        test: {
          name: tier,
          include: [`test/${tier}/**/*.test.ts`],
          exclude: [...configDefaults.exclude, ...CLUSTER_ONLY_FILES],
        },
      })),
      {
        extends: true as const,
        test: {
          name: 'cluster',
          include: CLUSTER_FILES,
          globalSetup: ['test/helpers/cluster-setup.ts'],
          setupFiles: ['test/helpers/cluster-env.ts'],
        },
      },
    ],
  },
});
