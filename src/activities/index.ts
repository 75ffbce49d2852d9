/**
 * All activities, built from injected dependencies: the worker injects the real ones (SMTP or the
 * outbox, the paging endpoint or log, the ledger, policy, roster, customers); tests inject
 * theirs (a real SMTP server, a real HTTP receiver, a ledger in a temporary directory).
 */
import type { Client } from '@temporalio/client';
import type { CustomerDirectory } from '../customers/directory';
import type { Ledger } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import type { Roster } from '../roster/schema';
import { createBillingActivities } from './billing';
import { createEmailActivities, emailSender, type Mailer } from './email';
import { createOutageActivities } from './outages';
import { createOutcomeActivities } from './outcomes';
import { createMaintenanceActivities } from './maintenance';
import { createPagingActivities, pageSender, type PagingSink } from './paging';
import { createSessionActivities } from './sessions';
import { createStepDeliveryActivities } from './step-delivery';
import { createTicketActivities } from './tickets';

export interface ActivityDeps {
  policy: () => LoadedPolicy;
  roster: () => Roster;
  customers: CustomerDirectory;
  mailer: Mailer;
  emailFrom: string;
  paging: PagingSink;
  /** The SQL ledger (migrated): customers, outages, maintenance, credits, ticket outcomes. */
  ledger: Ledger;
  /** The engine's clock for facts activities record (tests on the time-skipping server pass its clock). */
  now?: () => number | Promise<number>;
  /**
   * A Temporal client on the worker's namespace, with its data converter: the month close finds
   * the outages still open through it, and a late record starts its month's re-run (I10, I14).
   */
  temporal: Client;
}

export function createActivities(deps: ActivityDeps) {
  const emailDeps = { mailer: deps.mailer, from: deps.emailFrom, policy: deps.policy };
  const pagingDeps = { sink: deps.paging, policy: deps.policy };
  const email = createEmailActivities(emailDeps);
  return {
    ...createTicketActivities(deps),
    ...email,
    ...createPagingActivities(pagingDeps),
    ...createStepDeliveryActivities({ page: pageSender(pagingDeps), email: emailSender(emailDeps) }),
    ...createOutcomeActivities({ outcomes: deps.ledger }),
    ...createOutageActivities({ ...deps, now: deps.now ?? Date.now }),
    ...createSessionActivities({ ...deps, sendEmail: (message) => email.sendEmail(message) }),
    ...createMaintenanceActivities({
      ...deps,
      sendEmail: (message) => email.sendEmail(message),
      now: deps.now ?? Date.now,
    }),
    ...createBillingActivities({ ...deps, sendEmail: (message) => email.sendEmail(message) }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
