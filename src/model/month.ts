/**
 * A calendar month (C14, I8) as every input names it: "YYYY-MM", in the policy's month zone.
 * Years 1970–2999 only: the ledger stores instants as PostgreSQL timestamps, which have no year
 * 0, and a month at either end of the range would cross into one in some zone. The bound is a
 * pattern, so the OpenAPI document states it as it is enforced.
 */
import { z } from 'zod';

export const Month = z
  .string()
  .regex(/^(19[7-9]\d|2\d{3})-(0[1-9]|1[0-2])$/, 'expected a month "YYYY-MM" from 1970-01 to 2999-12');

/** What starts a month's close: the month, and the customers per batch (I14; the default in the workflow). */
export const MonthCloseRequest = z.object({
  month: Month,
  batchSize: z.number().int().min(1).max(5_000).optional(),
  /** Close now even inside the grace period (I14); the Schedule's close still runs after it. */
  force: z.boolean().optional(),
});
