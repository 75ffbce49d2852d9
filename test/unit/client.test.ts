// The client's typed errors: Temporal's failures mapped to invalid / not found /
// conflict / unavailable, whatever operation met them; every input checked before anything is
// contacted (here against an address where nothing listens, so a contact would be "unavailable").
import { ServiceError, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, NamespaceNotFoundError } from '@temporalio/common';
import { afterAll, describe, expect, it } from 'vitest';
import { SlaClient } from '../../src/client';
import { translate } from '../../src/clients/calls';
import { loadConfig } from '../../src/config';
import { ConflictError, InvalidInputError, NotFoundError, UnavailableError } from '../../src/errors';

const thrown = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
};
const grpc = (code: number, message: string) => Object.assign(new Error(message), { code });

describe('translate: Temporal failures → typed errors', () => {
  it('an unknown workflow is NotFoundError', () => {
    expect(
      thrown(() => translate(new WorkflowNotFoundError('gone', 'ticket-T-1', undefined))),
    ).toBeInstanceOf(NotFoundError);
  });

  it("an update refused with the workflow's Conflict type is ConflictError", () => {
    const err = new WorkflowUpdateFailedError(
      'update failed',
      ApplicationFailure.create({ type: 'Conflict', message: 'the ticket is resolved', nonRetryable: true }),
    );
    const out = thrown(() => translate(err));
    expect(out).toBeInstanceOf(ConflictError);
    expect((out as Error).message).toBe('the ticket is resolved');
  });

  it("a validator's or workflow's refusal is InvalidInputError naming the field", () => {
    const typed = thrown(() =>
      translate(
        new WorkflowUpdateFailedError(
          'update failed',
          ApplicationFailure.create({ type: 'InvalidAssignee', message: 'responderId: not on the roster' }),
        ),
      ),
    );
    expect(typed).toBeInstanceOf(InvalidInputError);
    expect((typed as InvalidInputError).issues).toEqual([
      { path: 'responderId', message: 'responderId: not on the roster' },
    ]);
    const plain = thrown(() =>
      translate(new WorkflowUpdateFailedError('update failed', new Error('requestId: too long'))),
    );
    expect(plain).toBeInstanceOf(InvalidInputError);
    expect((plain as Error).message).toContain('requestId: too long');
  });

  it('gRPC UNAVAILABLE, DEADLINE_EXCEEDED and UNIMPLEMENTED (not Temporal), bare or in a ServiceError, are UnavailableError', () => {
    for (const err of [
      grpc(14, 'connection refused'),
      grpc(4, 'deadline exceeded'),
      new ServiceError('start failed', { cause: grpc(14, 'no connection') }),
      // Something that is not Temporal answered (an HTTP proxy's 404).
      new ServiceError('Failed to query Workflow', {
        cause: Object.assign(grpc(12, 'UNIMPLEMENTED'), { details: 'Received HTTP status code 404' }),
      }),
    ])
      expect(thrown(() => translate(err))).toBeInstanceOf(UnavailableError);
  });

  it('gRPC NOT_FOUND (an unknown namespace) is NotFoundError; anything else passes through', () => {
    expect(
      thrown(() => translate(new ServiceError('x', { cause: grpc(5, 'namespace nope not found') }))),
    ).toBeInstanceOf(NotFoundError);
    const ns = thrown(() => translate(new NamespaceNotFoundError('billing')));
    expect(ns).toBeInstanceOf(NotFoundError);
    expect((ns as Error).message).toBe('no namespace billing');
    const other = new TypeError('a bug');
    expect(thrown(() => translate(other))).toBe(other);
  });
});

describe('SlaClient: input checked before any connection', () => {
  // Nothing listens on port 1: any attempt to contact Temporal answers UnavailableError.
  const sla = new SlaClient(
    loadConfig({
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      SLA_CODEC_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    }),
    { connectTimeoutMs: 1_000 },
  );
  afterAll(() => sla.close());

  const invalid = async (p: Promise<unknown>, field: string) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InvalidInputError);
    expect((err as InvalidInputError).issues.map((i) => i.path)).toContain(field);
  };

  it('names the bad field of every capability, and contacts nothing', async () => {
    await invalid(sla.tickets.openTicket({ ticketId: 'T-1' }), 'customerId');
    await invalid(sla.tickets.ticketStatus('not an id'), 'ticketId');
    await invalid(sla.tickets.listTickets({ state: 'late' as never }), 'state');
    await invalid(sla.tickets.assign('T-1', { requestId: 'r1' }), 'responderId');
    await invalid(
      sla.tickets.recordFirstResponse('T-1', { requestId: 'r1', responderId: 'a', at: 'noon' }),
      'at',
    );
    await invalid(sla.tickets.reply('T-1', { requestId: 'r1', from: 'bot' }), 'from');
    await invalid(sla.tickets.resolve('T 1', { requestId: 'r1', responderId: 'a' }), 'ticketId');
    await invalid(sla.tickets.reopen('T-1', { requestId: 'r1', reason: '' }), 'reason');
    await invalid(sla.tickets.escalate('T-1', { requestId: 'r1', reason: 'x' }), 'by');
    await invalid(
      sla.tickets.reclassify('T-1', { requestId: 'r1', level: 'L4', by: 'a', reason: 'x' }),
      'level',
    );
    await invalid(
      sla.tickets.openSession({ sessionId: 'S-1', channel: 'email', responderId: 'a' }),
      'channel',
    );
    await invalid(sla.tickets.endSession('S-1', ''), 'requestId');
    await invalid(sla.outages.reportOutage({ key: 'INC-1', summary: 'x', regions: [] }), 'regions');
    await invalid(sla.outages.acknowledgeOutage('INC-1', { requestId: 'r1' }), 'responderId');
    await invalid(sla.maintenance.scheduleMaintenance({ maintenanceId: 'M-1' }), 'start');
    await invalid(
      sla.maintenance.cancelMaintenance('M 1', { requestId: 'r1', reason: 'x' }),
      'maintenanceId',
    );
    await invalid(sla.credits.runMonth({ month: '2026-13' }, '--force'), 'month');
    await invalid(sla.credits.runMonth({ month: '2999-01' }, '--force'), 'month');
    await invalid(sla.reports.month({ month: '26-01' }), 'month');
    await invalid(sla.customers.get('no such id!'), 'customerId');
  });

  it('a valid request to an address where nothing listens is UnavailableError, and fails fast', async () => {
    const err = await sla.tickets.ticketStatus('T-1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as Error).message).toMatch(/cannot reach Temporal at 127\.0\.0\.1:1/);
  });
});
