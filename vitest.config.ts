import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Temporal's native bridge is happiest in child processes, one per test file.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Every test must assert; an empty test passes nothing.
    passWithNoTests: false,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
