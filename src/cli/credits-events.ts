/**
 * The events file of `sla credits compute` (I8–I10, I15): one customer's month as finance or an
 * auditor writes it by hand, parsed whole (every bad field named, `maintenance[2].notices[0].sentAt`)
 * and turned into the uptime math's input.
 *
 * A maintenance entry takes one of two shapes, never both: the window as announced with the
 * instant its notice went out (`start`, `end`, `announcedAt`), or the customer's notices in the
 * order sent (`notices`, the last one the window as finally announced; a `sentAt` of null never
 * reached the customer) with `cancelled: true` when a last round withdrew it (I9 as amended).
 * `contract` gives the part of the month in force (I15); the fee is prorated to it.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { issuesOf } from '../errors';
import type { FeeShare } from '../rules/credits';
import type { NoticeInput } from '../rules/maintenance';
import { accountingMonth, type MaintenanceInput, type UptimeInput } from '../rules/uptime';
import { Instant, UsageError } from './io';

const Id = z.string().min(1).max(200);

/** One outage as recorded (C3, C4, I9): only `unexpected` ones count as downtime. */
const OutageEvent = z
  .strictObject({
    id: Id.optional(),
    start: Instant,
    end: Instant,
    classification: z.enum(['unexpected', 'external', 'partial']),
  })
  .refine((o) => o.end >= o.start, { message: 'must not be before start', path: ['end'] });

/** One notice to the customer (I9 as amended): the window it announced and when it reached them. */
const NoticeEvent = z
  .strictObject({ sentAt: Instant.nullable(), start: Instant, end: Instant })
  .refine((n) => n.end >= n.start, { message: 'must not be before start', path: ['end'] });

/** Notices a customer could receive for one window: a handful of rounds. */
const NOTICES_MAX = 50;

/** One planned window (C1, I9): as announced with its notice instant, or as the notices sent. */
const MaintenanceEvent = z
  .strictObject({
    id: Id.optional(),
    start: Instant.optional(),
    end: Instant.optional(),
    announcedAt: Instant.nullable().optional(),
    notices: z.array(NoticeEvent).min(1).max(NOTICES_MAX).optional(),
    cancelled: z.boolean().optional(),
    actualStart: Instant.nullable().optional(),
    actualEnd: Instant.nullable().optional(),
  })
  .superRefine((m, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const announced = (['start', 'end', 'announcedAt'] as const).filter((f) => m[f] !== undefined);
    if (m.notices || m.cancelled !== undefined) {
      const with_ = m.notices ? 'notices' : 'cancelled';
      for (const f of announced)
        issue(f, `not with "${with_}": give the window as notices, or start/end/announcedAt`);
      if (!m.notices && m.cancelled && (m.actualStart == null) !== (m.actualEnd == null)) {
        // Without notices nothing says where the work was to run: it ran exactly as stated.
        issue(
          m.actualStart == null ? 'actualStart' : 'actualEnd',
          'a cancelled window without notices that ran needs both actualStart and actualEnd',
        );
      }
      if (!m.notices && !m.cancelled) issue('notices', 'expected the notices sent (or "cancelled": true)');
    } else {
      for (const f of ['start', 'end', 'announcedAt'] as const) {
        if (m[f] === undefined) issue(f, `required (or give "notices")`);
      }
      if (m.start !== undefined && m.end !== undefined && m.end < m.start)
        issue('end', 'must not be before start');
    }
    const last = m.notices?.[m.notices.length - 1];
    const from = m.actualStart ?? m.start ?? last?.start;
    const to = m.actualEnd ?? m.end ?? last?.end;
    if (from !== undefined && to !== undefined && to < from) {
      issue('actualEnd', 'the actual end must not be before the actual start');
    }
  });
type MaintenanceEvent = z.infer<typeof MaintenanceEvent>;

/** The part of the month the contract is in force (I15); an absent end is the month's. */
const ContractEvent = z
  .strictObject({ from: Instant.optional(), to: Instant.optional() })
  .refine((c) => c.from === undefined || c.to === undefined || c.to >= c.from, {
    message: 'must not be before from',
    path: ['to'],
  });

/**
 * One month's events for one customer: a month with a thousand outages has no uptime left to
 * credit, and the uptime walk stays quick.
 */
export const EVENTS_MAX = 1_000;

const EventsFile = z.strictObject({
  contract: ContractEvent.optional(),
  outages: z.array(OutageEvent).max(EVENTS_MAX).default([]),
  maintenance: z.array(MaintenanceEvent).max(EVENTS_MAX).default([]),
});
type EventsFile = z.infer<typeof EventsFile>;

/** The events of `file` as the uptime math's input for `month`, and the fee's share of it (I15). */
export function readEvents(
  file: string,
  month: { month: string; zone: string; noticeHours: number },
): { input: UptimeInput; share: FeeShare | undefined } {
  const events = parseEvents(file);
  const { start, end } = accountingMonth(month.month, month.zone);
  const from = Math.max(events.contract?.from ?? start, start);
  const to = Math.min(events.contract?.to ?? end, end);
  if (to <= from) {
    throw new UsageError(
      `invalid events file (${file}):\n  - contract: in force for no part of ${month.month}`,
    );
  }
  const maintenance = events.maintenance.flatMap((m) => {
    const input = maintenanceInput(m);
    return input ? [input] : [];
  });
  const input = { ...month, outages: events.outages, maintenance };
  if (!events.contract) return { input, share: undefined };
  const share = { coveredMs: to - from, monthMs: end - start };
  return {
    input: { ...input, periods: [{ start: from, end: to }] },
    share: share.coveredMs < share.monthMs ? share : undefined,
  };
}

/** An entry as the math takes it; null for a cancelled window that never ran. */
function maintenanceInput(m: MaintenanceEvent): MaintenanceInput | null {
  const ran = { actualStart: m.actualStart ?? null, actualEnd: m.actualEnd ?? null };
  if (!m.notices && !m.cancelled) {
    const window = { start: m.start!, end: m.end! };
    return { id: m.id, ...window, notices: [{ sentAt: m.announcedAt ?? null, window }], ...ran };
  }
  if (m.cancelled && ran.actualStart === null && ran.actualEnd === null) return null;
  const notices: NoticeInput[] = (m.notices ?? []).map((n) => ({
    sentAt: n.sentAt,
    window: { start: n.start, end: n.end },
  }));
  if (m.cancelled) notices.push({ sentAt: null, window: null });
  const last = m.notices?.[m.notices.length - 1];
  // A cancelled window without notices ran exactly from actualStart to actualEnd.
  const window = last
    ? { start: last.start, end: last.end }
    : { start: ran.actualStart!, end: ran.actualEnd! };
  return { id: m.id, ...window, notices, ...ran };
}

function parseEvents(file: string): EventsFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--events: cannot read ${file}: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--events: ${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = EventsFile.safeParse(json);
  if (!parsed.success) {
    const lines = issuesOf(parsed.error).map((i) => `  - ${i.path}: ${i.message}`);
    throw new UsageError(`invalid events file (${file}):\n${lines.join('\n')}`);
  }
  return parsed.data;
}
