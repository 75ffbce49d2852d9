/**
 * GET /status/api/v2/summary.json in the shape of Statuspage's public summary (page, components,
 * unresolved incidents, upcoming or in-progress scheduled maintenances, status rollup), so that
 * tools that read Statuspage pages read this one. Built from ./public.ts alone: the same facts
 * as the page.
 */
import {
  incidentTitle,
  maintenanceTitle,
  publicId,
  updateText,
  type ComponentState,
  type PublicIncident,
  type PublicMaintenance,
  type PublicStatus,
  type PublicUpdate,
} from './public';

export const PAGE_ID = 'sla-status';

const componentId = (region: string) => publicId(`region:${region}`);

/** Statuspage's incident steps for ours: reported → investigating, acknowledged/classified → identified. */
const STEP: Record<PublicUpdate['kind'], string> = {
  reported: 'investigating',
  acknowledged: 'identified',
  classified: 'identified',
  resolved: 'resolved',
};

function components(s: PublicStatus, regions: readonly string[], state?: ComponentState) {
  return s.regions
    .filter((r) => regions.length === 0 || regions.includes(r.name))
    .map((r) => ({
      id: componentId(r.name),
      name: r.name,
      status: state ?? r.state,
      created_at: s.generatedAt,
      updated_at: s.generatedAt,
      position: s.regions.indexOf(r) + 1,
      description: null,
      showcase: true,
      start_date: null,
      group_id: null,
      page_id: PAGE_ID,
      group: false,
      only_show_if_degraded: false,
    }));
}

function incident(s: PublicStatus, i: PublicIncident) {
  const last = i.updates[i.updates.length - 1]!;
  const affected = (state: ComponentState) =>
    components(s, i.regions, state).map((c) => ({
      code: c.id,
      name: c.name,
      old_status: 'operational',
      new_status: state,
    }));
  const hit: ComponentState = i.resolvedAt
    ? 'operational'
    : i.classification === 'partial'
      ? 'partial_outage'
      : 'major_outage';
  return {
    id: i.id,
    name: incidentTitle(i),
    status: STEP[last.kind],
    created_at: i.startedAt,
    updated_at: last.at,
    monitoring_at: null,
    resolved_at: i.resolvedAt,
    impact: i.classification === 'partial' ? 'minor' : 'major',
    shortlink: `/status#incident-${i.id}`,
    started_at: i.startedAt,
    page_id: PAGE_ID,
    incident_updates: [...i.updates].reverse().map((u, k) => ({
      id: `${i.id}-${i.updates.length - k}`,
      status: STEP[u.kind],
      body: updateText(u),
      incident_id: i.id,
      created_at: u.at,
      updated_at: u.at,
      display_at: u.at,
      affected_components: affected(hit),
      deliver_notifications: false,
      custom_tweet: null,
      tweet_id: null,
    })),
    components: components(s, i.regions),
  };
}

function maintenance(s: PublicStatus, m: PublicMaintenance) {
  const status = m.state;
  return {
    id: m.id,
    name: maintenanceTitle(m),
    status,
    created_at: m.announcedAt,
    updated_at: m.announcedAt,
    monitoring_at: null,
    resolved_at: status === 'completed' ? m.end : null,
    impact: 'maintenance',
    shortlink: `/status#maintenance-${m.id}`,
    started_at: m.start,
    page_id: PAGE_ID,
    incident_updates: [
      {
        id: `${m.id}-1`,
        status: 'scheduled',
        body: `Announced: ${maintenanceTitle(m)} from ${m.start} to ${m.end}.`,
        incident_id: m.id,
        created_at: m.announcedAt,
        updated_at: m.announcedAt,
        display_at: m.announcedAt,
        affected_components: components(s, m.regions, 'under_maintenance').map((c) => ({
          code: c.id,
          name: c.name,
          old_status: 'operational',
          new_status: 'under_maintenance',
        })),
        deliver_notifications: false,
        custom_tweet: null,
        tweet_id: null,
      },
    ],
    components: components(s, m.regions),
    scheduled_for: m.start,
    scheduled_until: m.end,
  };
}

/**
 * Statuspage's rollup: every region down is critical, any down major, any partial minor; with no
 * outage, maintenance in progress is `maintenance`.
 */
function rollup(s: PublicStatus): {
  indicator: 'none' | 'minor' | 'major' | 'critical' | 'maintenance';
  description: string;
} {
  const states = s.regions.map((r) => r.state);
  if (states.length && states.every((x) => x === 'major_outage'))
    return { indicator: 'critical', description: 'Major System Outage' };
  if (states.includes('major_outage')) return { indicator: 'major', description: 'Partial System Outage' };
  if (states.includes('partial_outage')) return { indicator: 'minor', description: 'Minor Service Outage' };
  if (states.includes('under_maintenance'))
    return { indicator: 'maintenance', description: 'Service Under Maintenance' };
  return { indicator: 'none', description: 'All Systems Operational' };
}

export function statusSummary(s: PublicStatus, url: string) {
  return {
    page: { id: PAGE_ID, name: 'Service status', url, time_zone: s.timeZone, updated_at: s.generatedAt },
    components: components(s, []),
    incidents: s.incidents.filter((i) => i.resolvedAt === null).map((i) => incident(s, i)),
    scheduled_maintenances: s.maintenance
      .filter((m) => m.state !== 'completed')
      .map((m) => maintenance(s, m)),
    status: rollup(s),
  };
}
