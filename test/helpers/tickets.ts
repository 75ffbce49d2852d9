/** A ticket as support tooling opens it, with test defaults; a scenario overrides what it is about. */
import type { OpenTicket } from '../../src/model/ticket';

export function newTicket(ticketId: string, fields: Partial<OpenTicket> = {}): OpenTicket {
  return {
    ticketId,
    customerId: 'initech',
    requester: { name: 'Pat Doe', email: 'pat@initech.example' },
    subject: 'How do I add a new shift?',
    body: '',
    channel: 'chat',
    needsDataAccess: false,
    ...fields,
  };
}
