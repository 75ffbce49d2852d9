/** vitest's limits for one test and one hook (vitest.config.ts); test/helpers/steps.ts scales them. */
export const TEST_TIMEOUT_MS = 60_000;
export const HOOK_TIMEOUT_MS = 120_000;
