/** The message of the ConfigError `fn` throws (the test fails if it throws none, or another). */
import { expect } from 'vitest';
import { ConfigError } from '../../src/config';

export const configError = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};
