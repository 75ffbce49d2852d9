/**
 * Activity options the workflows share, so that a lookup, a ledger write or a delivery to people
 * is retried the same way in each of them.
 */
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/** Facts from the policy, calendar and roster: local activities, recorded in history as markers. */
export const LOOKUP: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

/** Ledger writes: idempotent by their key, so retried until they land. */
export const LEDGER_WRITE: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
};

/** Email to people: 4xx and connection trouble are retried for about an hour, then recorded. */
export const DELIVERY: ActivityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 20,
  },
};

/**
 * A ticket step's deliveries tried once in one activity (deliverStep `once`): what fails is retried
 * by the workflow, one delivery at a time with DELIVERY; a worker lost mid-attempt costs its
 * start-to-close, then every delivery of the step is retried that way. 40 s: the pages side by
 * side within the paging endpoint's 10 s timeout, then the email within the 30 s a lone email has.
 */
export const DELIVER_ONCE: ActivityOptions = {
  startToCloseTimeout: '40 seconds',
  retry: { maximumAttempts: 1 },
};
