/**
 * The status page's feeds, written by maintained libraries: an Atom feed of incidents and
 * announced maintenance (feed), and iCalendar files (ical-generator) of announced maintenance and
 * of the support coverage's holiday windows per country (I3, I4). Instants are written in UTC
 * (DTSTART…Z): a calendar shows them in its reader's zone, and the holiday windows are the
 * instants the business calendar computes from the policy's Toronto wall-clock times (I3), so no
 * VTIMEZONE is needed to read them as the contract does.
 */
import { Feed } from 'feed';
import ical from 'ical-generator';
import type { HolidayWindowFact } from '../calendar';
import { incidentTitle, maintenanceTitle, updateText, type PublicStatus } from './public';

const PROD_ID = { company: 'sla-engine', product: 'status', language: 'EN' };

/** `base`: the page's absolute URL without a trailing slash (links in a feed must be absolute). */
export function historyAtom(s: PublicStatus, base: string, sinceMs: number): string {
  const feed = new Feed({
    title: 'Service status: incidents and maintenance',
    id: `${base}/status`,
    link: `${base}/status`,
    updated: new Date(s.generatedAt),
    generator: false,
    copyright: '',
    feedLinks: { atom: `${base}/status/history.atom` },
  });
  const entries = [
    ...s.incidents
      .filter((i) => Date.parse(i.updates[i.updates.length - 1]!.at) >= sinceMs)
      .map((i) => ({
        title: `${incidentTitle(i)}${i.resolvedAt ? ' (resolved)' : ''}`,
        id: `urn:sla-status:incident:${i.id}`,
        link: `${base}/status#incident-${i.id}`,
        date: new Date(i.updates[i.updates.length - 1]!.at),
        published: new Date(i.startedAt),
        content: i.updates.map((u) => `${u.at}: ${updateText(u)}`).join('\n'),
      })),
    ...s.maintenance
      .filter((m) => Date.parse(m.announcedAt) >= sinceMs || Date.parse(m.end) >= sinceMs)
      .map((m) => ({
        title: `${maintenanceTitle(m)} (${m.state.replace('_', ' ')})`,
        id: `urn:sla-status:maintenance:${m.id}`,
        link: `${base}/status#maintenance-${m.id}`,
        date: new Date(m.announcedAt),
        published: new Date(m.announcedAt),
        content: `From ${m.start} to ${m.end}.`,
      })),
  ].sort((a, b) => b.date.getTime() - a.date.getTime());
  for (const e of entries) feed.addItem(e);
  return feed.atom1();
}

export function maintenanceCalendar(s: PublicStatus, base: string): string {
  const cal = ical({ name: 'Planned maintenance', prodId: PROD_ID });
  for (const m of s.maintenance)
    cal.createEvent({
      id: `maintenance-${m.id}@sla-status`,
      start: new Date(m.start),
      end: new Date(m.end),
      stamp: new Date(m.announcedAt),
      summary: maintenanceTitle(m),
      url: `${base}/status#maintenance-${m.id}`,
    });
  return cal.toString();
}

/** A country's holiday windows (I3): no support coverage from start to end. */
export function holidayCalendar(country: string, windows: readonly HolidayWindowFact[], stamp: Date): string {
  const cal = ical({ name: `Support holidays (${country})`, prodId: PROD_ID });
  for (const h of windows)
    cal.createEvent({
      id: `holiday-${country}-${h.date}@sla-status`,
      start: new Date(h.start),
      end: new Date(h.end),
      stamp,
      summary: `${h.name}: no support coverage (${country})`,
    });
  return cal.toString();
}
