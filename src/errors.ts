/**
 * Errors callers can branch on, the same from the client, the CLI (exit codes) and the API
 * (HTTP statuses): invalid input (2 / 400), not found (3 / 404), conflict (1 / 409),
 * unavailable (4 / 503).
 */
import type { z } from 'zod';
import { issuesOf } from './policy/load';

export class InvalidInputError extends Error {
  override name = 'InvalidInputError';
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('; '));
  }
  static fromZod(error: z.ZodError): InvalidInputError {
    return new InvalidInputError(issuesOf(error));
  }
}

export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

export class ConflictError extends Error {
  override name = 'ConflictError';
}

export class UnavailableError extends Error {
  override name = 'UnavailableError';
}
