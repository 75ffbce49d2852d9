import { defineConfig } from 'vitest/config';
import SlowestFirst from './test/helpers/slowest-first';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Temporal's native bridge is happiest in child processes, one per test file.
    pool: 'forks',
    // vitest's default is one fork per core less one: a single file at a time on a 2-core CI
    // runner. The slow files mostly wait on real-time timers, so three forks keep the cores busy
    // while they wait (README, Tests: measured).
    maxWorkers: 3,
    sequence: { sequencer: SlowestFirst },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Every test must assert; an empty test passes nothing.
    passWithNoTests: false,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
