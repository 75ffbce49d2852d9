/**
 * The facts a ticket workflow needs from the world, each recorded in its history: how it was
 * classified (I11) and by which policy version, its response clock and escalation plan with the
 * calendar facts behind them (I5, I6), where it may be routed (I13), who an audience is, and how
 * many coverage minutes a response took. The workflow itself stays pure and deterministic.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { PolicyCalendars, responseDeadline, type EligibleDuty } from '../calendar';
import type { CustomerDirectory } from '../customers/directory';
import type { HolidayWindow, PlannedStep, ResidencyFacts } from '../messages/ticket';
import type { LoadedPolicy } from '../policy/load';
import type { Level } from '../policy/schema';
import { classify, type Classification } from '../rules/classify';
import { eligibleCoverage } from '../rules/residency';
import { canadaDuty, select } from '../rules/roster';
import { planEscalation } from '../rules/ticket-plan';
import type { Role, Roster } from '../roster/schema';

const iso = (t: number) => new Date(t).toISOString();

export interface ClockFacts {
  policyVersion: string;
  level: Level;
  clockStart: string;
  due: string;
  /** Holiday windows between opening and deadline: why the clock ran as it did. */
  holidayWindows: HolidayWindow[];
  plan: PlannedStep[];
  /** I13, for a Canada-only ticket: the duty its coverage is restricted to, and what follows. */
  residency?: ResidencyFacts;
}

export interface Recipient {
  id: string;
  name: string;
  email: string;
  pagingKey: string;
}

export interface TicketDeps {
  policy: () => LoadedPolicy;
  roster: () => Roster;
  customers: CustomerDirectory;
}

export function createTicketActivities(deps: TicketDeps) {
  /** The calendars of the policy in force, rebuilt when its version changes. */
  let cached: { version: string; calendars: PolicyCalendars } | undefined;
  const calendarsOf = (loaded: LoadedPolicy) => {
    if (cached?.version !== loaded.version)
      cached = { version: loaded.version, calendars: new PolicyCalendars(loaded.policy) };
    return cached.calendars;
  };
  const calendarOf = (loaded: LoadedPolicy) => calendarsOf(loaded).plain;
  const eligibleCalendarOf = (loaded: LoadedPolicy, duty: EligibleDuty) => calendarsOf(loaded).of(duty);

  /** I13: the duty of the roster in force now, and the coverage it leaves the ticket. */
  const residencyOf = (loaded: LoadedPolicy, level: Level, opened: number) => {
    const duty = canadaDuty(deps.roster(), level);
    const coverage = eligibleCoverage(calendarOf(loaded), eligibleCalendarOf(loaded, duty), {
      level,
      opened,
      lookaheadDays: loaded.policy.residencyLookaheadDays,
    });
    return { duty, ...coverage };
  };

  const clockFacts = (level: Level, opened: number, notBefore: number, canadaOnly = false): ClockFacts => {
    const loaded = deps.policy();
    const residency = canadaOnly ? residencyOf(loaded, level, opened) : undefined;
    const calendar = residency?.calendar ?? calendarOf(loaded);
    const clock = responseDeadline(calendar, loaded.policy.levels[level], opened);
    const plan = planEscalation(calendar, loaded.policy, {
      level,
      clockStart: clock.clockStart,
      due: clock.due,
      notBefore,
    });
    return {
      policyVersion: loaded.version,
      level,
      clockStart: iso(clock.clockStart),
      due: iso(clock.due),
      holidayWindows: calendar.holidayWindows(opened, clock.due).map((h) => ({
        date: h.date,
        country: h.country,
        name: h.name,
        start: iso(h.start),
        end: iso(h.end),
      })),
      plan: plan.map((s) => ({ ...s, fireAt: iso(s.fireAt) })),
      ...(residency && {
        residency: {
          duty: residency.duty,
          heldUntil: residency.heldUntil === null ? null : iso(residency.heldUntil),
          suspendedReason: residency.suspendedReason,
        },
      }),
    };
  };

  /** C10 / I11: the level, from the agent or the policy's rules, and the rule that decided. */
  const classification = (input: { subject: string; body: string; level?: Level }): Classification => {
    const loaded = deps.policy();
    return input.level ? { level: input.level, ruleId: 'given' } : classify(loaded.policy, input);
  };

  /** I13: whether the ticket may only go to Canada-based staff, and who may take it now. */
  const route = (input: { level: Level; canadaOnly: boolean; at: string }, clock: ClockFacts) => {
    const responders = select(deps.roster(), {
      role: 'agent',
      level: input.level,
      canadaOnly: input.canadaOnly,
      at: Date.parse(input.at),
    });
    return {
      canadaOnly: input.canadaOnly,
      responderIds: responders.map((r) => r.id),
      suspendedReason: clock.residency?.suspendedReason ?? null,
    };
  };

  return {
    /**
     * Everything a ticket needs at its opening — its classification, its clock and plan, its
     * routing — in one lookup: each local activity is a hop between the workflow and the worker
     * inside the opening's workflow task, and timers start only when that task completes, so a
     * longer opening task makes every step of the ticket fire that much later.
     */
    async openTicketFacts(input: {
      subject: string;
      body: string;
      level?: Level;
      customerId: string;
      needsDataAccess: boolean;
      opened: string;
      at: string;
    }) {
      const decided = classification(input);
      const canadaOnly =
        input.needsDataAccess && (await deps.customers.residency(input.customerId)) === 'canada-only';
      const opened = Date.parse(input.opened);
      const clock = clockFacts(decided.level, opened, opened, canadaOnly);
      return {
        classification: decided,
        clock,
        route: route({ level: decided.level, canadaOnly, at: input.at }, clock),
      };
    },

    /**
     * I5/I6 and the escalation chain: clock start, deadline and each step's instant (I11
     * reclassification); for a Canada-only ticket, on the duty of the roster in force now (I13).
     */
    async computeTicketClock(input: {
      level: Level;
      opened: string;
      notBefore: string;
      canadaOnly?: boolean;
    }): Promise<ClockFacts> {
      return clockFacts(input.level, Date.parse(input.opened), Date.parse(input.notBefore), input.canadaOnly);
    },

    /** The people an escalation step addresses, on duty at that instant. */
    async resolveAudience(input: {
      audience: string;
      level: Level;
      canadaOnly: boolean;
      assigneeId: string | null;
      at: string;
    }): Promise<Recipient[]> {
      const roster = deps.roster();
      const pick = (r: Roster['responders'][number]): Recipient => ({
        id: r.id,
        name: r.name,
        email: r.email,
        pagingKey: r.pagingKey,
      });
      if (input.audience === 'assignee') {
        const assignee = roster.responders.find((r) => r.id === input.assigneeId);
        if (assignee) return [pick(assignee)];
        // Nobody assigned yet: the agents who could take it; with none on duty, the team lead.
        const at = Date.parse(input.at);
        const agents = select(roster, {
          role: 'agent',
          level: input.level,
          canadaOnly: input.canadaOnly,
          at,
        });
        if (agents.length) return agents.map(pick);
        return select(roster, { role: 'team-lead', canadaOnly: false, at }).map(pick);
      }
      return select(roster, {
        role: input.audience as Role,
        canadaOnly: false,
        at: Date.parse(input.at),
      }).map(pick);
    },

    /** Rejects an assignment the roster does not allow (unknown person, wrong level, I13). */
    async checkAssignee(input: {
      responderId: string;
      level: Level;
      canadaOnly: boolean;
    }): Promise<{ name: string }> {
      const responder = deps.roster().responders.find((r) => r.id === input.responderId);
      if (!responder)
        throw ApplicationFailure.nonRetryable(
          `responderId: ${input.responderId} is not in the roster`,
          'InvalidAssignee',
        );
      if (input.canadaOnly && responder.country !== 'CA') {
        throw ApplicationFailure.nonRetryable(
          `responderId: ${input.responderId} is not based in Canada, and this customer restricted data access to Canada (I13)`,
          'InvalidAssignee',
        );
      }
      if (!responder.levels.includes(input.level)) {
        throw ApplicationFailure.nonRetryable(
          `responderId: ${input.responderId} does not answer ${input.level} tickets`,
          'InvalidAssignee',
        );
      }
      return { name: responder.name };
    },

    /**
     * I5: coverage minutes from the clock start to a response; for a Canada-only ticket, on the
     * duty recorded with its clock (I13), not the roster of today.
     */
    async measureResponse(input: {
      clockStart: string;
      at: string;
      eligibleDuty?: EligibleDuty | null;
    }): Promise<{ coverageMinutes: number; policyVersion: string }> {
      const loaded = deps.policy();
      const calendar = input.eligibleDuty
        ? eligibleCalendarOf(loaded, input.eligibleDuty)
        : calendarOf(loaded);
      const coverageMinutes = calendar.coverageMinutes(Date.parse(input.clockStart), Date.parse(input.at));
      return { coverageMinutes, policyVersion: loaded.version };
    },
  };
}
