/**
 * A policy for drills and benchmarks in real time on the dev server: coverage around the clock,
 * no holidays, and an L1 target of one coverage minute, so that a ticket breaches a minute after
 * it opens whatever day the run falls on. Everything else is the built-in policy.
 */
import defaultPolicy from '../../src/policy/default-policy.json';

type Step =
  | (typeof defaultPolicy.escalation.ticket.L1)[number]
  | {
      id: string;
      at: { fractionOfTarget: number } | { afterBreachMinutes: number };
      audience: string;
      channels: string[];
      onlyInCoverage: boolean;
    };

export function fastPolicy(l1Steps: Step[]) {
  return {
    ...defaultPolicy,
    coverage: { weekly: [{ from: { day: 'monday', time: '00:00' }, to: { day: 'sunday', time: '24:00' } }] },
    holidays: {
      ...defaultPolicy.holidays,
      countries: Object.fromEntries(
        Object.entries(defaultPolicy.holidays.countries).map(([c, rules]) => [
          c,
          { ...rules, names: ['(no holiday in this run)'] },
        ]),
      ),
    },
    levels: { ...defaultPolicy.levels, L1: { kind: 'coverage-minutes', minutes: 1 } },
    escalation: { ...defaultPolicy.escalation, ticket: { ...defaultPolicy.escalation.ticket, L1: l1Steps } },
  };
}

/** The L1 steps the real-time drills watch: a warning email at half the target, and at the breach an email and a page to the team lead. */
export const WARN_THEN_BREACH_STEPS: Step[] = [
  {
    id: 'l1-warn-assignee',
    at: { fractionOfTarget: 0.5 },
    audience: 'assignee',
    channels: ['email'],
    onlyInCoverage: true,
  },
  {
    id: 'l1-breach-team-lead',
    at: { afterBreachMinutes: 0 },
    audience: 'team-lead',
    channels: ['email', 'page'],
    onlyInCoverage: true,
  },
];
