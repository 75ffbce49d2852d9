/**
 * Maintenance inputs announced by one notice (I9): the shape most uptime tests need, where the
 * customer received a single notice of the window, at `sentAt` (null: it never reached them).
 */
import type { MaintenanceInput } from '../../src/rules/uptime';

export function announcedOnce(
  start: number,
  end: number,
  sentAt: number | null,
  fields: Partial<MaintenanceInput> = {},
): MaintenanceInput {
  return { start, end, notices: [{ sentAt, window: { start, end } }], ...fields };
}
