/**
 * The shapes operators send for planned maintenance (C1, I9). The client and the CLI parse with
 * these schemas, and the workflow's update validators check the same rules without zod
 * (./maintenance-checks), so a bad field is named the same way wherever it comes in, and nothing
 * starts with it.
 */
import { z } from 'zod';
import {
  CANCEL_REASON_MAX,
  DESCRIPTION_MAX,
  END_AFTER_START,
  endsAfterStart,
  REGION_HINT,
  REGION_MAX,
  REGION_PATTERN,
  REGIONS_HINT,
  REGIONS_MAX,
  REGIONS_REPEAT,
  regionsRepeat,
} from './maintenance-checks';
import { Id, Instant } from './ticket';

/** The window rule names `end` (a bad instant is named alone, by its own check). */
const WINDOW = { message: END_AFTER_START, path: ['end'] };

/** A deployment region, as customers' `region` in the ledger names it. */
export const Region = z.string().min(1).max(REGION_MAX).regex(REGION_PATTERN, REGION_HINT);

const Regions = z
  .array(Region)
  .min(1, REGIONS_HINT)
  .max(REGIONS_MAX)
  .refine((r) => !regionsRepeat(r), REGIONS_REPEAT);

const Description = z.string().trim().min(1).max(DESCRIPTION_MAX);

/**
 * A window to announce. The start need not be 24 h away (C1): a late notice is allowed, the
 * window then simply does not qualify for exclusion.
 */
export const ScheduleMaintenance = z
  .object({
    maintenanceId: Id,
    start: Instant,
    end: Instant,
    regions: Regions,
    description: Description,
  })
  .refine(endsAfterStart, WINDOW);
export type ScheduleMaintenance = z.infer<typeof ScheduleMaintenance>;

/** Every message carries a request id: a retried or duplicated message is applied once. */
const Message = z.object({ requestId: Id });

/** A new window (and optionally regions and description): notices go out again (C1). */
export const RescheduleMaintenance = Message.extend({
  start: Instant,
  end: Instant,
  regions: Regions.optional(),
  description: Description.optional(),
}).refine(endsAfterStart, WINDOW);
export const CancelMaintenance = Message.extend({ reason: z.string().trim().min(1).max(CANCEL_REASON_MAX) });
/** The operator says the work really started or ended; `at` defaults to now. */
export const StartMaintenance = Message.extend({ at: Instant.optional() });
export const EndMaintenance = Message.extend({ at: Instant.optional() });

export type RescheduleMaintenance = z.infer<typeof RescheduleMaintenance>;
export type CancelMaintenance = z.infer<typeof CancelMaintenance>;
export type StartMaintenance = z.infer<typeof StartMaintenance>;
export type EndMaintenance = z.infer<typeof EndMaintenance>;

/** Where a window is in its life; also its `SlaState` search attribute. */
export const MAINTENANCE_STATES = [
  'scheduled',
  'in-progress',
  'overrunning',
  'completed',
  'cancelled',
] as const;
export const MaintenanceState = z.enum(MAINTENANCE_STATES);
export type MaintenanceState = z.infer<typeof MaintenanceState>;

/**
 * Which windows to list: by state, and announced start in [from, to). A `to` at or before `from`
 * is an empty range, listing nothing, rather than an error: every filter a JSON Schema allows is
 * then one the API accepts (docs/api-testing.md).
 */
export const ListMaintenance = z.object({
  state: MaintenanceState.optional(),
  from: Instant.optional(),
  to: Instant.optional(),
});
