/**
 * All activities, built from injected dependencies: the worker injects the real ones (SMTP or the
 * outbox, the paging endpoint or log, the outcome store, policy, roster, customers); tests inject
 * theirs (a real SMTP server, a real HTTP receiver, a temporary directory).
 */
import type { CustomerDirectory } from '../customers/directory';
import type { Ledger } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import type { Roster } from '../roster/schema';
import { createEmailActivities, type Mailer } from './email';
import { createOutageActivities } from './outages';
import { createOutcomeActivities, type OutcomeStore } from './outcomes';
import { createPagingActivities, type PagingSink } from './paging';
import { createSessionActivities } from './sessions';
import { createTicketActivities } from './tickets';

export interface ActivityDeps {
  policy: () => LoadedPolicy;
  roster: () => Roster;
  customers: CustomerDirectory;
  mailer: Mailer;
  emailFrom: string;
  paging: PagingSink;
  outcomes: OutcomeStore;
  ledger: Ledger;
}

export function createActivities(deps: ActivityDeps) {
  const email = createEmailActivities({ mailer: deps.mailer, from: deps.emailFrom });
  return {
    ...createTicketActivities(deps),
    ...email,
    ...createPagingActivities({ sink: deps.paging }),
    ...createOutcomeActivities(deps),
    ...createOutageActivities(deps),
    ...createSessionActivities({ ...deps, sendEmail: (message) => email.sendEmail(message) }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
