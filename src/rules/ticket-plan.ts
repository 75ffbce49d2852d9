/**
 * A ticket's escalation plan (C6–C8 with the policy's chain): the exact instant of each step.
 * Warnings fire at a fraction of the coverage time between clock start and deadline; breach steps
 * a number of minutes after the deadline. A step that may only fire inside coverage moves to the
 * next coverage start, and no step is planned before `notBefore` (a reclassification replans).
 */
import type { BusinessCalendar } from '../calendar';
import type { Level, Policy } from '../policy/schema';

export interface PlannedStep {
  id: string;
  kind: 'warning' | 'breach';
  /** Epoch ms. */
  fireAt: number;
  audience: string;
  channels: ('email' | 'page')[];
  /** Why this instant, in words an auditor reads. */
  reason: string;
}

export interface PlanInput {
  level: Level;
  clockStart: number;
  due: number;
  notBefore: number;
}

export function planEscalation(
  calendar: BusinessCalendar,
  policy: Pick<Policy, 'escalation'>,
  input: PlanInput,
): PlannedStep[] {
  const coverageMs = calendar.coverageMsBetween(input.clockStart, input.due);
  return policy.escalation.ticket[input.level]
    .map((step): PlannedStep => {
      let fireAt: number;
      let reason: string;
      if ('fractionOfTarget' in step.at) {
        const share = Math.round(step.at.fractionOfTarget * coverageMs);
        fireAt = calendar.addCoverageMs(input.clockStart, share);
        reason = `${Math.round(step.at.fractionOfTarget * 100)} % of the ${input.level} target (${share / 60_000} of ${coverageMs / 60_000} coverage minutes)`;
      } else {
        fireAt = input.due + step.at.afterBreachMinutes * 60_000;
        reason = step.at.afterBreachMinutes
          ? `${step.at.afterBreachMinutes} min after the ${input.level} deadline`
          : `at the ${input.level} deadline`;
      }
      if (fireAt < input.notBefore) {
        fireAt = input.notBefore;
        reason += '; due already, so now';
      }
      if (step.onlyInCoverage && !calendar.isCovered(fireAt)) {
        fireAt = calendar.nextCoverageStart(fireAt);
        reason += '; moved to the next coverage start';
      }
      return {
        id: step.id,
        kind: 'fractionOfTarget' in step.at ? 'warning' : 'breach',
        fireAt,
        audience: step.audience,
        channels: step.channels,
        reason,
      };
    })
    .sort((a, b) => a.fireAt - b.fireAt);
}
