// The maintenance workflow's zod-free update checks against the zod schemas the client and CLI
// parse with (C1, I9): the same verdict on every input, the same fields named — including the
// whole-message rule (end after start) and the whole-list rule (no repeated region), which zod
// skips once a field has the wrong type.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maintenanceChecks } from '../../src/model/maintenance-checks';
import {
  CancelMaintenance,
  EndMaintenance,
  RescheduleMaintenance,
  StartMaintenance,
} from '../../src/model/maintenance';
import { field, idLike, itAgreesWithZod, instantLike, listOf, textLike } from '../helpers/checks';

const pairs = {
  reschedule: RescheduleMaintenance,
  cancel: CancelMaintenance,
  start: StartMaintenance,
  end: EndMaintenance,
} as const;

const regionLike = fc.oneof(
  fc.constantFrom('ca-central', 'EU.west_1', 'a', '', '-x', 'a b', 'a'.repeat(64), 'a'.repeat(65)),
  fc.string({ maxLength: 6 }),
);

/** start/end pairs: before, equal (also in another offset), after, each as an instant or not. */
const windowLike = fc.oneof(
  fc.record({ start: field(instantLike), end: field(instantLike) }),
  fc
    .tuple(
      fc.date({ noInvalidDate: true, min: new Date('2000-01-01'), max: new Date('2100-01-01') }),
      fc.integer({ min: -3_600_000, max: 3_600_000 }),
    )
    .map(([d, shift]) => ({ start: d.toISOString(), end: new Date(d.getTime() + shift).toISOString() })),
  fc.constantFrom(
    { start: '2026-11-30T14:05:00Z', end: '2026-11-30T15:05:00+01:00' },
    { start: '2026-11-30T14:05:00Z', end: '2026-11-30T14:05:00.0009Z' },
    { start: '2026-12-01', end: '2026-11-30T14:05:00Z' },
  ),
);

const message = fc
  .tuple(
    fc.record(
      {
        requestId: field(idLike),
        regions: field(listOf(field(regionLike), 3)),
        description: field(textLike(2000)),
        reason: field(textLike(500)),
        at: field(instantLike),
        extra: fc.string(),
      },
      { requiredKeys: [] },
    ),
    fc.option(windowLike, { nil: undefined }),
  )
  .map(([m, w]) => ({ ...m, ...w }));

describe('maintenance workflow checks (zod-free) agree with the zod schemas', () => {
  itAgreesWithZod(pairs, maintenanceChecks, message, 1000);

  const window = { requestId: 'r-1', start: '2026-11-30T14:05:00Z', end: '2026-11-30T12:00:00Z' };

  it('C1: a window that ends before it starts is refused naming end, beside any other bad field', () => {
    expect(() => maintenanceChecks.reschedule(window)).toThrow(/^end: must be after start$/);
    expect(() =>
      maintenanceChecks.reschedule({ ...window, regions: ['eu', 'eu'], description: '  ' }),
    ).toThrow(
      /^regions: regions must not repeat; description: expected at least 1 character\(s\); end: must be after start$/,
    );
  });

  it('skips the whole-message and whole-list rules once a field has the wrong type, as zod does', () => {
    expect(() => maintenanceChecks.reschedule({ ...window, requestId: 7 })).toThrow(
      /^requestId: expected a string, received number$/,
    );
    expect(() => maintenanceChecks.reschedule({ ...window, regions: ['eu', 'eu', 5] })).toThrow(
      /^regions\.2: expected a string, received number$/,
    );
  });

  it('trims the reason and description before measuring them', () => {
    expect(() =>
      maintenanceChecks.cancel({ requestId: 'c-1', reason: `${' '.repeat(600)}done` }),
    ).not.toThrow();
    expect(() => maintenanceChecks.cancel({ requestId: 'c-1', reason: '\n\t ' })).toThrow(/^reason: /);
    expect(() => maintenanceChecks.start({ requestId: 's-1' })).not.toThrow();
  });
});
