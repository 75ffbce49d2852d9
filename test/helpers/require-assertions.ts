/**
 * Setup file of every tier (vitest.config.ts): a test that asserts nothing fails. A test that only
 * awaits a helper proves nothing the helper did not already check, so it must say what it expects.
 * fast-check properties count when they assert inside the predicate (`expect`, not a bare boolean).
 */
import { beforeEach, expect } from 'vitest';

beforeEach(() => {
  expect.hasAssertions();
});
