/**
 * What the public status page may say, and nothing else: the one allow-list every public answer
 * (page, summary.json, Atom, iCalendar) is rendered from. Each public field is copied here by
 * name from the engine's records; nothing is spread, so a field added to a record later stays
 * private until it is added here on purpose (docs/status-page.md says why each one is public).
 *
 * Public: the deployment regions, an outage's instants (reported, acknowledged, each
 * classification, resolved), its classification (C3, C4) and regions; an announced maintenance
 * window (C1: only once its notice went out) and its regions; daily and monthly uptime (I8, I9)
 * with the credit tiers (C2, I10). Never: monitor keys and workflow ids (a key may name a
 * customer), summaries and descriptions (free text), who acknowledged, classified or resolved and
 * why, customers, tickets, notices' recipients. Ids are one-way digests of the workflow id.
 */
import { createHash } from 'node:crypto';
import type { OutageClassification } from '../ledger/types';

/** Statuspage's component states (docs/status-page.md). */
export type ComponentState = 'operational' | 'partial_outage' | 'major_outage' | 'under_maintenance';

/** One step of an incident as customers see it: what happened and when, never who or why. */
export interface PublicUpdate {
  kind: 'reported' | 'acknowledged' | 'classified' | 'resolved';
  at: string;
  /** For `classified`: the classification and regions it gave. */
  classification?: OutageClassification;
  regions?: string[];
}

export interface PublicIncident {
  id: string;
  regions: string[];
  classification: OutageClassification;
  startedAt: string;
  resolvedAt: string | null;
  updates: PublicUpdate[];
}

export interface PublicMaintenance {
  id: string;
  regions: string[];
  start: string;
  end: string;
  /** When customers were told (the notice of the window as it stands, C1). */
  announcedAt: string;
  state: 'scheduled' | 'in_progress' | 'completed';
}

export interface PublicDay {
  date: string;
  uptimePercent: string;
  /** The credit tier (I10) that day's uptime would fall in as a month; null: at or above target. */
  creditPercent: number | null;
}

export interface PublicRegion {
  name: string;
  state: ComponentState;
  /** The last days in the month zone, oldest first (I8). */
  days: PublicDay[];
  /** This month so far, to now (I8, I9). */
  month: { month: string; uptimePercent: string; targetPercent: string; metTarget: boolean };
}

export interface PublicStatus {
  generatedAt: string;
  timeZone: string;
  targetPercent: string;
  tiers: { below: string; creditPercent: number }[];
  regions: PublicRegion[];
  /** Open ones first, then the resolved ones of the history, newest first. */
  incidents: PublicIncident[];
  /** Announced windows, by start. */
  maintenance: PublicMaintenance[];
}

/** A public id for a workflow: stable, and saying nothing of the key behind it. */
export const publicId = (workflowId: string): string =>
  createHash('sha256').update(`sla-status:${workflowId}`).digest('hex').slice(0, 16);

/** An outage's facts as the engine holds them (a ledger record or a running workflow's status). */
export interface OutageFacts {
  workflowId: string;
  detectedAt: string;
  engagedAt: string | null;
  end: string | null;
  classification: OutageClassification;
  regions: string[];
  classificationHistory: { at: string; classification: OutageClassification; regions: string[] }[];
}

export function publicIncident(o: OutageFacts): PublicIncident {
  const updates: PublicUpdate[] = [{ kind: 'reported', at: o.detectedAt }];
  if (o.engagedAt) updates.push({ kind: 'acknowledged', at: o.engagedAt });
  // The first entry is the report's own default (unexpected until classified otherwise, C9).
  for (const c of o.classificationHistory.slice(1))
    updates.push({ kind: 'classified', at: c.at, classification: c.classification, regions: [...c.regions] });
  if (o.end) updates.push({ kind: 'resolved', at: o.end });
  updates.sort((a, b) => a.at.localeCompare(b.at));
  return {
    id: publicId(o.workflowId),
    regions: [...o.regions].sort(),
    classification: o.classification,
    startedAt: o.detectedAt,
    resolvedAt: o.end,
    updates,
  };
}

/** Whether a record listing `regions` touches `region` (none listed: every region, I9). */
export const touches = (regions: readonly string[], region: string): boolean =>
  regions.length === 0 || regions.includes(region);

/**
 * A region's state now: an open outage outranks maintenance; an outage that C4 calls partial
 * (other members could use the system) is a partial outage, any other a major one — C3's
 * external cause decides credits, not what customers live through.
 */
export function regionState(
  region: string,
  open: readonly PublicIncident[],
  maintenance: readonly PublicMaintenance[],
): ComponentState {
  const hits = open.filter((i) => i.resolvedAt === null && touches(i.regions, region));
  if (hits.some((i) => i.classification !== 'partial')) return 'major_outage';
  if (hits.length) return 'partial_outage';
  if (maintenance.some((m) => m.state === 'in_progress' && touches(m.regions, region)))
    return 'under_maintenance';
  return 'operational';
}

/** The words of the page and the feeds, the same everywhere. */
export const STATE_WORDS: Record<ComponentState, string> = {
  operational: 'Operational',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

export const CLASSIFICATION_WORDS: Record<OutageClassification, string> = {
  unexpected: 'unplanned outage',
  partial: 'partial outage: other members could still use the service',
  external: 'outage caused outside our control',
};

export const regionList = (regions: readonly string[]): string =>
  regions.length ? regions.join(', ') : 'all regions';

export const incidentTitle = (i: PublicIncident): string =>
  `${i.classification === 'partial' ? 'Partial outage' : 'Outage'} in ${regionList(i.regions)}`;

export const maintenanceTitle = (m: PublicMaintenance): string =>
  `Planned maintenance in ${regionList(m.regions)}`;

/** One update's sentence: made from its kind and fields only, never from anyone's text. */
export function updateText(u: PublicUpdate): string {
  switch (u.kind) {
    case 'reported':
      return 'We are investigating a disruption of the service.';
    case 'acknowledged':
      return 'An engineer is working on it.';
    case 'classified':
      return `Classified as ${CLASSIFICATION_WORDS[u.classification!]} (${regionList(u.regions ?? [])}).`;
    case 'resolved':
      return 'Resolved: the service is back.';
  }
}
