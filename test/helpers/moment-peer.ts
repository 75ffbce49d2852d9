/**
 * moment-business-time, an implementation of weekly working hours independent of ours: the
 * calendar benchmark's peer (bench/calendar.bench.ts) and the calendar properties' model
 * (test/unit/calendar.property.test.ts). Set up with the default policy's coverage (I2: Monday
 * 05:00 → Friday 16:00, America/Toronto) and the given dates as whole days off: its model has no
 * partial-day windows, so the holiday windows of I3 are beyond it.
 */
import type moment from 'moment-business-time';

/** The weekly coverage the peer is set up with, as the policy writes it. */
export const PEER_WEEKLY = [{ from: { day: 'monday', time: '05:00' }, to: { day: 'friday', time: '16:00' } }];

export async function momentPeer(daysOff: string[] = []): Promise<typeof moment> {
  // The peer reads the process time zone: it must be the coverage zone before moment loads.
  process.env.TZ = 'America/Toronto';
  const { default: m } = await import('moment-business-time');
  m.updateLocale('en', {
    workinghours: {
      0: null,
      1: ['05:00:00', '24:00:00'],
      2: ['00:00:00', '24:00:00'],
      3: ['00:00:00', '24:00:00'],
      4: ['00:00:00', '24:00:00'],
      5: ['00:00:00', '16:00:00'],
      6: null,
    },
    holidays: daysOff,
  });
  return m;
}
