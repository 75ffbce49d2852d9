/**
 * What `sla credits explain` and its page show, as sections of rows (C2; I8–I10, I15): one
 * description of the computation, printed as text by the CLI and as tables by the page, so the two
 * never tell it differently. Instants in the month's zone (I8); money in the currency's precision.
 */
import type { MonthExplanation } from '../rules/customer-month';
import { formatMinor } from '../rules/credits';
import type { CreditExplanation } from './explanation';
import { localTime } from './local-time';

export interface Section {
  title: string;
  /** A sentence above the rows: what the section decides and by which rule. */
  lead?: string;
  head: string[];
  rows: string[][];
}

const minutes = (ms: number) => `${(ms / 60_000).toFixed(2).replace(/\.00$/, '')} min`;
const hoursMs = (ms: number) => `${minutes(ms)} (${ms} ms)`;

export function explanationTitle(x: CreditExplanation): string {
  return `Credit of ${x.customerId} for ${x.month}`;
}

/** The policy and close line: which version judged the month and whether it is closed. */
export function explanationSubtitle(x: CreditExplanation): string {
  const zone = x.zone;
  const policy = x.policy.ofTheMonth
    ? `policy ${x.policy.version}, recorded with the month's first close${x.policy.recordedAt ? ` (${localTime(x.policy.recordedAt, zone)})` : ''} (I15)`
    : `policy ${x.policy.version} in force now: no close of the month has begun`;
  const close = x.close ? `closed ${localTime(x.close.closedAt, zone)}` : 'not closed';
  return `${policy}; ${close}`;
}

export function explanationSections(x: CreditExplanation): Section[] {
  const c = x.computed;
  const entries: Section = {
    title: 'Entries in the ledger (I10)',
    lead:
      x.entries.length === 0
        ? 'No entry written for this month yet.'
        : `They add up to ${money(x.creditedMinor, x)}; the computation above gives ${money(x.creditedMinor + x.outstandingMinor, x)}` +
          (x.outstandingMinor === 0
            ? ': they agree.'
            : `: ${money(x.outstandingMinor, x)} outstanding, which the next close of the month writes as an adjustment.`),
    head: ['entry', 'written', 'uptime', 'tier', 'monthly fee', 'amount', 'policy'],
    rows: x.entries.map((e) => [
      `${e.kind} #${e.sequence}`,
      localTime(e.createdAt, x.zone),
      `${e.uptimePercent} %`,
      `${e.creditPercent} %`,
      formatMinor(e.monthlyFeeMinor, e.currency, { grouped: true }),
      formatMinor(e.creditMinor, e.currency, { grouped: true }),
      e.policyVersion,
    ]),
  };
  const unrecorded: Section[] = x.openAtCloseUnrecorded.length
    ? [
        {
          title: 'Outages open at the close, not recorded yet',
          lead: "The close counted them to the month's end (I8, I14); the computation above, from records, cannot yet.",
          head: ['outage'],
          rows: x.openAtCloseUnrecorded.map((id) => [id]),
        },
      ]
    : [];
  if (!c) {
    return [
      {
        title: 'Terms in force (I15)',
        lead: 'No terms of this customer are in force for any part of the month: it is not in the close.',
        head: [],
        rows: [],
      },
      entries,
      ...unrecorded,
    ];
  }
  const t = (iso: string | null) => (iso ? localTime(iso, c.zone) : '—');
  const cur = c.fee.currency;
  return [
    {
      title: 'Terms in force (I15)',
      lead: `The month is ${t(c.monthStart)} → ${t(c.monthEnd)}, ${hoursMs(c.monthMs)}; T is the part in force.`,
      head: ['from', 'to', 'length', 'region', 'version in force from'],
      rows: c.periods.map((p) => [t(p.from), t(p.to), minutes(p.ms), p.region, t(p.versionEffectiveAt)]),
    },
    {
      title: 'Monthly fee (I10, I15)',
      lead: c.fee.prorated
        ? 'Annual fee / 12 × T / month length, rounded half-up once.'
        : 'Annual fee / 12, rounded half-up.',
      head: ['annual fee', 'in force from', 'T', 'month length', 'monthly fee'],
      rows: [
        [
          formatMinor(c.fee.annualFeeMinor, cur, { grouped: true }),
          t(c.fee.versionEffectiveAt),
          `${c.fee.coveredMs} ms`,
          `${c.fee.monthMs} ms`,
          formatMinor(c.fee.monthlyFeeMinor, cur, { grouped: true }),
        ],
      ],
    },
    {
      title: 'Outages (C3, C4, I9)',
      lead: 'Only unexpected outages hitting the region in force count; overlaps count once; excluded maintenance is never downtime.',
      head: ['outage', 'start', 'end', 'classification', 'regions', 'counted', 'why'],
      rows: c.outages.map((o) => [
        o.outageId,
        t(o.start),
        t(o.end),
        o.classification,
        o.regions.join(', ') || 'all',
        o.counted ? minutes(o.soleMs + o.overlappedMs) : 'no',
        o.reason,
      ]),
    },
    {
      title: 'Maintenance for this customer (C1, I9)',
      lead: `A window's running time is excluded (E) where a notice reached the customer at least ${c.noticeHours} h before the window it announced and no later notice withdrew it; the rest is downtime.`,
      head: ['window', 'ran', 'excluded', 'downtime', 'why'],
      rows: c.maintenance.flatMap((m) => [
        [
          m.maintenanceId,
          `${t(m.ranFrom)} → ${t(m.ranTo)}`,
          minutes(m.excludedMs),
          minutes(m.downtimeMs),
          m.reason,
        ],
        ...m.notices.map((n) => [
          `  notice ${n.index + 1}`,
          n.windowStart ? `${t(n.windowStart)} → ${t(n.windowEnd)}` : 'withdrawal',
          n.sentAt ? `reached ${t(n.sentAt)}` : 'never reached',
          n.leadMinutes === null ? '' : `${n.leadMinutes} min ahead`,
          n.reason,
        ]),
      ]),
    },
    {
      title: 'Uptime and credit (I9, I10)',
      head: ['figure', 'value'],
      rows: [
        ['T (in force)', hoursMs(c.totalMs)],
        ['E (excluded maintenance)', hoursMs(c.excludedMs)],
        ['D (downtime)', hoursMs(c.downtimeMs)],
        [
          'uptime = (T − E − D) / (T − E)',
          `${c.uptime.numerator} / ${c.uptime.denominator} = ${c.uptime.percent} % (truncated; the tier compares the exact ratio)`,
        ],
        [
          'tier',
          c.tier
            ? `${c.tier.creditPercent} % (uptime below ${c.tier.below} %)`
            : 'none (uptime at or above every threshold)',
        ],
        [
          'credit = round-half-up(tier × monthly fee)',
          `${c.creditPercent} % × ${formatMinor(c.monthlyFeeMinor, cur, { grouped: true })} = ${formatMinor(c.creditMinor, cur, { grouped: true })}`,
        ],
      ],
    },
    entries,
    ...unrecorded,
  ];
}

function money(minor: number, x: CreditExplanation): string {
  const currency = x.computed?.fee.currency ?? x.entries[0]?.currency ?? '';
  return formatMinor(minor, currency, { grouped: true });
}

export type { MonthExplanation };
