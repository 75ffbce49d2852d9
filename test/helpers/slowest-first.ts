/**
 * Orders test files for `vitest run`: the real-time drills first, then vitest's own order (failed
 * first, then longest first, from its results cache; on a fresh CI checkout, which has no cache,
 * larger files first). The drills spend most of their minutes waiting on real timers (a 2-minute
 * session, a 1-coverage-minute L1 clock, a killed worker's activity timing out), so started first
 * they wait while the other files use the cores, instead of being the last files still running.
 */
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Slowest first: the drills, then the other files that took a minute or more of a whole CI run,
 * longest first (docs/testing.md, Timing). The list matters on a fresh checkout, which has no
 * results cache: there vitest would start them by file size, and the longest could start last.
 */
export const SLOWEST_FILES = [
  'test/integration/worker-kill.test.ts',
  'test/integration/scale-out.test.ts',
  'test/integration/restore-drill.test.ts',
  'test/integration/billing-month.test.ts',
  'test/integration/audit-dev.test.ts',
  'test/e2e/ticket-cli.test.ts',
  'test/integration/schemathesis.test.ts',
  'test/e2e/report-cli.test.ts',
  'test/e2e/ledger-cli.test.ts',
  'test/integration/api-fuzz.test.ts',
  'test/integration/console.test.ts',
  'test/integration/status-page.test.ts',
  'test/workflow/outage-limits.test.ts',
  'test/integration/outage-repeated-reports.test.ts',
  'test/e2e/outage-cli.test.ts',
  'test/integration/ticket-continue-as-new.test.ts',
  'test/e2e/maintenance-cli.test.ts',
  'test/e2e/walkthrough.test.ts',
];

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = SLOWEST_FILES.findIndex((slow) => f.moduleId.endsWith(slow));
      return i < 0 ? SLOWEST_FILES.length : i;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}
