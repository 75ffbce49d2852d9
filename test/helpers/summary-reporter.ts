/**
 * Adds one plain closing line, "Tests: N passed, N failed, N skipped", that tools reading test
 * output can parse without knowing vitest's own summary format.
 */
import type { Reporter, RunnerTestFile } from 'vitest/node';

type Task = RunnerTestFile['tasks'][number];

function count(tasks: Task[], totals = { passed: 0, failed: 0, skipped: 0 }) {
  for (const task of tasks) {
    if (task.type === 'suite') count(task.tasks, totals);
    else if (task.result?.state === 'pass') totals.passed++;
    else if (task.result?.state === 'fail') totals.failed++;
    else totals.skipped++;
  }
  return totals;
}

export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []): void {
    const t = count(files);
    // A file that failed to load (a failing beforeAll) has no test results: count it as failed.
    const brokenFiles = files.filter((f) => f.result?.state === 'fail' && count([f]).failed === 0).length;
    const failed = t.failed + brokenFiles + errors.length;
    process.stdout.write(`\nTests: ${t.passed} passed, ${failed} failed, ${t.skipped} skipped\n`);
  }
}
