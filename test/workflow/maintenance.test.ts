// Planned maintenance (C1, I9) on the time-skipping server with a real SMTP server: notices to
// the administrators of the affected regions' customers only, one per customer and version with a
// stable Message-ID even when a send is retried; the 24-hour notice judged against the start
// (and again at each reschedule); cancel; a window that ran as announced; an overrun; the record
// written once; every customer's notice of every round in the ledger (I9 as amended).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError } from '../../src/errors';
import type { CustomerNotice, CustomerRecord, MaintenanceRecord } from '../../src/ledger/types';
import type { MaintenanceStatus } from '../../src/messages/maintenance';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory } from '../helpers/histories';
import { iso, minutes } from '../helpers/when';
import { scenario } from '../helpers/steps';

const hours = (n: number) => n * 3_600_000;

const customer = (customerId: string, region: string, administrators: string[]): CustomerRecord => ({
  customerId,
  name: `${customerId} Inc.`,
  annualFeeMinor: 1_200_000,
  currency: 'CAD',
  region,
  administrators,
  canadaOnlyDataAccess: false,
});

const CUSTOMERS = [
  customer('acme', 'ca-east', ['it@acme.example', 'ops@acme.example']),
  customer('initech', 'ca-east', ['admin@initech.example']),
  customer('globex', 'eu-west', ['sysadmin@globex.example']),
  customer('hooli', 'us-west', ['root@hooli.example']),
];

describe('planned maintenance', () => {
  let e: Engine;
  beforeAll(async () => {
    e = await startEngine();
    await e.ledger.importCustomers(CUSTOMERS);
  });
  afterAll(async () => {
    if (e) {
      // Saved first: recording it alone (-t) must not stop at an older name the writer refuses.
      await saveHistory(
        e.env.client,
        'maintenance-M-PERCUSTOMER',
        'maintenanceWorkflow-notices-per-customer-failed-rescheduled',
      );
      await saveHistory(e.env.client, 'maintenance-M-ASANNOUNCED', 'maintenanceWorkflow-ran-as-announced');
      await saveHistory(e.env.client, 'maintenance-M-MOVED', 'maintenanceWorkflow-rescheduled-cancelled');
      await saveHistory(e.env.client, 'maintenance-M-OVERRUN', 'maintenanceWorkflow-overrun');
    }
    await e?.stop();
  });

  const serverNow = () => e.env.currentTimeMs();
  const mailsOf = (id: string) =>
    e.smtp.received
      .filter((m) => m.messageId.startsWith(`<maintenance-${id}.`))
      .sort((a, b) => a.messageId.localeCompare(b.messageId));
  /** The status once the notice round of `version` is done. */
  const noticed = (id: string, version: number) =>
    e.waitFor(async () => {
      const s = await e.maintenance.maintenanceStatus(id);
      return s.notices.find((n) => n.version === version)?.done ? s : undefined;
    }, `notice v${version} of ${id}`);
  /**
   * The final status, polled: awaiting the workflow's result on this server would let it skip
   * time past every other window's timers.
   */
  const finished = (id: string) =>
    e.waitFor(async () => {
      const s = await e.maintenance.maintenanceStatus(id);
      return s.record ? s : undefined;
    }, `the end of ${id}`);
  const recordOf = async (id: string): Promise<MaintenanceRecord[]> =>
    (await e.ledger.maintenance({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })).filter(
      (r) => r.maintenanceId === id,
    );
  const noticesOf = (id: string) => e.ledger.maintenanceNotices({ maintenanceIds: [id] });
  /** The rows the workflow must have written for a round: one per attempt, as the status has it. */
  const rowsOf = (id: string, s: MaintenanceStatus, version: number): CustomerNotice[] => {
    const r = s.notices.find((n) => n.version === version)!;
    const row = (kind: CustomerNotice['kind']) => (d: { customerId: string; sentAt: string | null }) => ({
      maintenanceId: id,
      customerId: d.customerId,
      version,
      kind,
      start: r.start,
      end: r.end,
      sentAt: d.sentAt,
    });
    return [
      ...r.deliveries.map(row(r.kind === 'cancelled' ? 'withdrawn' : 'announced')),
      ...r.withdrawals.map(row('withdrawn')),
    ];
  };
  const byKey = (rows: CustomerNotice[]) =>
    [...rows].sort((a, b) => a.customerId.localeCompare(b.customerId) || a.version - b.version);
  const schedule = (id: string, start: number, end: number, regions: string[]) =>
    e.maintenance.scheduleMaintenance({
      maintenanceId: id,
      start: iso(start),
      end: iso(end),
      regions,
      description: 'Database upgrade to the next major version.',
    });

  describe('a window announced more than 24 h ahead that runs as announced', () => {
    const id = 'M-ASANNOUNCED';
    let start: number;
    let status: MaintenanceStatus;

    const step = scenario();

    step('emails one notice per affected customer, to its administrators only, at once (C1)', async () => {
      // One minute of room for the sending itself: the lead is measured from when it went out.
      start = (await serverNow()) + hours(24) + minutes(1);
      expect(await schedule(id, start, start + hours(2), ['ca-east'])).toEqual({
        workflowId: `maintenance-${id}`,
        created: true,
      });
      status = await noticed(id, 1);
      const mails = mailsOf(id);
      expect(mails.map((m) => [m.messageId, m.to.sort()])).toEqual([
        [`<maintenance-${id}.v1.acme@sla-engine>`, ['it@acme.example', 'ops@acme.example']],
        [`<maintenance-${id}.v1.initech@sla-engine>`, ['admin@initech.example']],
      ]);
      expect(mails[0]!.subject).toMatch(/^\[Planned maintenance\] M-ASANNOUNCED: /);
      expect(mails[0]!.text).toContain('Database upgrade to the next major version.');
      expect(mails[0]!.text).toContain(`UTC ${iso(start)} → ${iso(start + hours(2))}`);
      expect(mails.flatMap((m) => m.to)).not.toContain('sysadmin@globex.example');
    });

    step('records when the notice went out and that it qualifies', () => {
      const round = status.notices[0]!;
      expect(round.deliveries.map((d) => [d.customerId, d.ok, d.recipients])).toEqual([
        ['acme', true, 2],
        ['initech', true, 1],
      ]);
      expect(status.announcedAt).toBe(round.sentAt);
      expect(round.sentAt).toBe([...round.deliveries.map((d) => d.sentAt!)].sort().at(-1));
      expect(start - Date.parse(status.announcedAt!)).toBeGreaterThanOrEqual(hours(24));
      expect(status).toMatchObject({
        state: 'scheduled',
        version: 1,
        qualifies: true,
        noticeHours: 24,
        policyVersion: e.policy.version,
        qualification: expect.stringMatching(/^notice went out 24 h 00 min before the start/),
      });
    });

    step('scheduling the same id again joins the window and sends nothing more', async () => {
      expect(await schedule(id, start, start + hours(3), ['eu-west'])).toEqual({
        workflowId: `maintenance-${id}`,
        created: false,
      });
      expect(mailsOf(id)).toHaveLength(2);
    });

    step(
      'with nobody saying otherwise, starts and ends on its announced timers and is recorded once',
      async () => {
        await e.advanceTo(start + minutes(1));
        expect(
          await e.waitFor(async () => {
            const s = await e.maintenance.maintenanceStatus(id);
            return s.state === 'in-progress' ? s : undefined;
          }, 'the start'),
        ).toMatchObject({ startedAt: iso(start), actualStart: null });
        await e.advanceTo(start + hours(2) + minutes(1));
        const [record] = await e.waitFor(async () => {
          const r = await recordOf(id);
          return r.length ? r : undefined;
        }, 'the record');
        expect(record).toEqual({
          maintenanceId: id,
          start: iso(start),
          end: iso(start + hours(2)),
          regions: ['ca-east'],
          announcedAt: status.announcedAt,
          qualifies: true,
          actualStart: null,
          actualEnd: null,
          status: 'completed',
          policyVersion: e.policy.version,
          workflowId: `maintenance-${id}`,
          rounds: [
            {
              version: 1,
              kind: 'scheduled',
              start: iso(start),
              end: iso(start + hours(2)),
              regions: ['ca-east'],
              publishedAt: status.notices[0]!.requestedAt,
            },
          ],
        } satisfies MaintenanceRecord);
        const done = await finished(id);
        expect(done).toMatchObject({ state: 'completed', endedAt: iso(start + hours(2)), record: 'written' });
        expect(await recordOf(id)).toHaveLength(1);
      },
    );

    step('a finished window refuses messages as a conflict', async () => {
      await expect(e.maintenance.startMaintenance(id, { requestId: 'late' })).rejects.toBeInstanceOf(
        ConflictError,
      );
    });
  });

  describe('a notice 23 h 59 min ahead', () => {
    const id = 'M-SHORT';
    let start: number;

    const step = scenario();

    step('does not qualify, and says why (C1)', async () => {
      start = (await serverNow()) + hours(24) - minutes(1);
      await schedule(id, start, start + hours(1), ['eu-west']);
      const status = await noticed(id, 1);
      expect(mailsOf(id).map((m) => m.to)).toEqual([['sysadmin@globex.example']]);
      expect(status.qualifies).toBe(false);
      expect(status.noticeLeadMinutes).toBeLessThan(24 * 60);
      expect(status.qualification).toMatch(/^notice went out 23 h 5\d min before the start, less than/);
    });

    step(
      'started as announced and ended early by the operator: only the end is recorded as told',
      async () => {
        await e.advanceTo(start + minutes(10));
        await e.waitFor(
          async () => (await e.maintenance.maintenanceStatus(id)).state === 'in-progress',
          'the start on its timer',
        );
        expect(
          await e.maintenance.endMaintenance(id, { requestId: 'early', at: iso(start + minutes(8)) }),
        ).toEqual({ endedAt: iso(start + minutes(8)), overrunMs: 0 });
        const done = await finished(id);
        expect(done).toMatchObject({ state: 'completed', startedAt: iso(start), actualStart: null });
        expect(await recordOf(id)).toEqual([
          expect.objectContaining({
            qualifies: false,
            actualStart: null,
            actualEnd: iso(start + minutes(8)),
            status: 'completed',
          }),
        ]);
      },
    );
  });

  describe('a send refused once and retried', () => {
    it('reaches each customer exactly once, under the same Message-ID', async () => {
      const id = 'M-RETRY';
      e.smtp.refuse(1, 451);
      const start = (await serverNow()) + hours(72);
      await schedule(id, start, start + hours(1), ['ca-east', 'us-west']);
      const status = await noticed(id, 1);
      expect(e.smtp.refused).toEqual([451]);
      expect(mailsOf(id).map((m) => m.messageId)).toEqual([
        `<maintenance-${id}.v1.acme@sla-engine>`,
        `<maintenance-${id}.v1.hooli@sla-engine>`,
        `<maintenance-${id}.v1.initech@sla-engine>`,
      ]);
      expect(status.notices[0]!.deliveries.every((d) => d.ok)).toBe(true);
      expect(status.qualifies).toBe(true);
    });
  });

  describe('reschedule and cancel', () => {
    const id = 'M-MOVED';
    let now: number;

    const step = scenario();

    step(
      'a reschedule to an earlier start that leaves less than 24 h re-sends and loses qualification',
      async () => {
        now = await serverNow();
        await schedule(id, now + hours(48), now + hours(50), ['ca-east']);
        expect((await noticed(id, 1)).qualifies).toBe(true);
        const move = { requestId: 'move-1', start: iso(now + hours(12)), end: iso(now + hours(14)) };
        const answer = await e.maintenance.rescheduleMaintenance(id, move);
        expect(answer).toMatchObject({ version: 2, qualifies: false });
        expect(answer.qualification).toMatch(/less than the 24 h 00 min required/);
        // The same request again: the same answer, no second round of mail.
        expect(await e.maintenance.rescheduleMaintenance(id, move)).toEqual(answer);
        expect(mailsOf(id).map((m) => m.messageId)).toEqual([
          `<maintenance-${id}.v1.acme@sla-engine>`,
          `<maintenance-${id}.v1.initech@sla-engine>`,
          `<maintenance-${id}.v2.acme@sla-engine>`,
          `<maintenance-${id}.v2.initech@sla-engine>`,
        ]);
        const v2 = e.smtp.byMessageId(`<maintenance-${id}.v2.acme@sla-engine>`)[0]!;
        expect(v2.subject).toMatch(/^\[Planned maintenance, rescheduled\]/);
        expect(v2.text).toContain(`UTC ${iso(now + hours(12))}`);
        expect(await e.maintenance.maintenanceStatus(id)).toMatchObject({
          version: 2,
          start: iso(now + hours(12)),
          qualifies: false,
          announcedAt: answer.announcedAt,
        });
      },
    );

    step(
      'a reschedule far enough ahead to another region qualifies again and withdraws the old notice',
      async () => {
        const answer = await e.maintenance.rescheduleMaintenance(id, {
          requestId: 'move-2',
          start: iso(now + hours(96)),
          end: iso(now + hours(97)),
          regions: ['eu-west'],
        });
        expect(answer).toMatchObject({ version: 3, qualifies: true });
        const v3 = mailsOf(id).filter((m) => m.messageId.includes('.v3.'));
        expect(v3.map((m) => [m.messageId, m.to, m.subject.split(']')[0]])).toEqual([
          [
            `<maintenance-${id}.v3.acme@sla-engine>`,
            ['it@acme.example', 'ops@acme.example'],
            '[Maintenance cancelled',
          ],
          [
            `<maintenance-${id}.v3.globex@sla-engine>`,
            ['sysadmin@globex.example'],
            '[Planned maintenance, rescheduled',
          ],
          [`<maintenance-${id}.v3.initech@sla-engine>`, ['admin@initech.example'], '[Maintenance cancelled'],
        ]);
        expect(v3[0]!.text).toContain('no longer affects your region');
      },
    );

    step('refuses bad messages before anything is recorded or sent', async () => {
      const before = e.smtp.received.length;
      await expect(
        e.maintenance.rescheduleMaintenance(id, {
          requestId: 'bad',
          start: iso(now + hours(30)),
          end: iso(now + hours(29)),
        }),
      ).rejects.toMatchObject({
        name: 'InvalidInputError',
        issues: [{ path: 'end', message: 'must be after start' }],
      });
      // The workflow's own validator refuses it too, when a caller skips the client.
      await expect(
        e.env.client.workflow
          .getHandle(`maintenance-${id}`)
          .executeUpdate('reschedule', { args: [{ requestId: 'raw', start: 'tomorrow', end: iso(now) }] }),
      ).rejects.toMatchObject({
        cause: { message: expect.stringMatching(/^start: expected an ISO-8601 instant/) },
      });
      await expect(e.maintenance.endMaintenance(id, { requestId: 'too-soon' })).rejects.toBeInstanceOf(
        ConflictError,
      );
      await expect(e.maintenance.maintenanceStatus('no such id')).rejects.toBeInstanceOf(InvalidInputError);
      expect(e.smtp.received.length).toBe(before);
      expect((await e.maintenance.maintenanceStatus(id)).version).toBe(3);
    });

    step(
      'cancel tells the customers who hold a notice, ends the workflow and records it cancelled',
      async () => {
        expect(
          await e.maintenance.cancelMaintenance(id, {
            requestId: 'cancel-1',
            reason: 'Vendor patch withdrawn',
          }),
        ).toEqual({ version: 4, notified: 1 });
        const [cancelled] = mailsOf(id).filter((m) => m.messageId.includes('.v4.'));
        expect(cancelled).toMatchObject({
          messageId: `<maintenance-${id}.v4.globex@sla-engine>`,
          to: ['sysadmin@globex.example'],
          subject: `[Maintenance cancelled] ${id}`,
        });
        expect(cancelled!.text).toContain('Reason: Vendor patch withdrawn');
        const done = await finished(id);
        expect(done).toMatchObject({ state: 'cancelled', qualifies: false, record: 'written' });
        expect(await recordOf(id)).toEqual([
          expect.objectContaining({
            status: 'cancelled',
            qualifies: false,
            start: iso(now + hours(96)),
            regions: ['eu-west'],
            actualStart: null,
            actualEnd: null,
          }),
        ]);
      },
    );

    step(
      "keeps every customer's notice of every round, withdrawals included, and the rounds (I9)",
      async () => {
        const done = await finished(id);
        const rows = await noticesOf(id);
        expect(rows.map((n) => [n.version, n.customerId, n.kind, n.sentAt !== null])).toEqual([
          [1, 'acme', 'announced', true],
          [2, 'acme', 'announced', true],
          [3, 'acme', 'withdrawn', true],
          [3, 'globex', 'announced', true],
          [4, 'globex', 'withdrawn', true],
          [1, 'initech', 'announced', true],
          [2, 'initech', 'announced', true],
          [3, 'initech', 'withdrawn', true],
        ]);
        expect(rows).toEqual(byKey([1, 2, 3, 4].flatMap((v) => rowsOf(id, done, v))));
        expect(rows.find((n) => n.version === 2)).toMatchObject({
          start: iso(now + hours(12)),
          end: iso(now + hours(14)),
        });
        const [record] = await recordOf(id);
        expect(record!.rounds!.map((r) => [r.version, r.kind, r.regions])).toEqual([
          [1, 'scheduled', ['ca-east']],
          [2, 'rescheduled', ['ca-east']],
          [3, 'rescheduled', ['eu-west']],
          [4, 'cancelled', ['eu-west']],
        ]);
        // Each round as its notices went out: published when they were requested. The status
        // of a closed workflow comes from a replay, and under load the time-skipping server can
        // date a replayed activation a fraction of a second away from the first execution's
        // clock, which the record was written with: the instants agree to within a second.
        expect(record!.rounds!.map((r) => [r.start, r.end])).toEqual(
          done.notices.map((r) => [r.start, r.end]),
        );
        record!.rounds!.forEach((r, i) =>
          expect(Math.abs(Date.parse(r.publishedAt) - Date.parse(done.notices[i]!.requestedAt))).toBeLessThan(
            1_000,
          ),
        );
      },
    );
  });

  describe('two reschedules at once', () => {
    it('are applied one after the other; the last one is judged', async () => {
      const id = 'M-RACE';
      const now = await serverNow();
      await schedule(id, now + hours(48), now + hours(49), ['ca-east']);
      await noticed(id, 1);
      const [a, b] = await Promise.all([
        e.maintenance.rescheduleMaintenance(id, {
          requestId: 'a',
          start: iso(now + hours(30)),
          end: iso(now + hours(31)),
        }),
        e.maintenance.rescheduleMaintenance(id, {
          requestId: 'b',
          start: iso(now + hours(10)),
          end: iso(now + hours(11)),
          regions: ['us-west'],
        }),
      ]);
      expect([a.version, b.version].sort()).toEqual([2, 3]);
      const last = a.version === 3 ? a : b;
      const status = await e.maintenance.maintenanceStatus(id);
      expect(status).toMatchObject({ version: 3, qualifies: last.qualifies, announcedAt: last.announcedAt });
      expect(status.notices.map((n) => [n.version, n.done])).toEqual([
        [1, true],
        [2, true],
        [3, true],
      ]);
      // Every message once; whoever lost the window last was told so once.
      const ids = mailsOf(id).map((m) => m.messageId);
      expect(new Set(ids).size).toBe(ids.length);
      const holders = mailsOf(id)
        .filter((m) => m.messageId.includes('.v3.') && !m.subject.startsWith('[Maintenance cancelled]'))
        .map((m) => m.to[0]);
      // Whichever came last, us-west holds the window: b moved it there, and a (no regions) keeps
      // the regions in force when it is applied.
      expect(holders).toEqual(['root@hooli.example']);
    });
  });

  describe('a window that starts late and overruns', () => {
    const id = 'M-OVERRUN';
    let start: number;
    let end: number;

    const step = scenario();

    step("records the operator's start, then marks the overrun at the announced end", async () => {
      start = (await serverNow()) + hours(25);
      end = start + hours(2);
      await schedule(id, start, end, ['us-west']);
      expect((await noticed(id, 1)).qualifies).toBe(true);
      await e.advanceTo(start + minutes(10));
      const answer = await e.maintenance.startMaintenance(id, {
        requestId: 'go',
        at: iso(start + minutes(5)),
      });
      expect(answer).toEqual({ state: 'in-progress', startedAt: iso(start + minutes(5)) });
      await expect(e.maintenance.startMaintenance(id, { requestId: 'go-again' })).rejects.toBeInstanceOf(
        ConflictError,
      );
      await e.advanceTo(end + minutes(30));
      expect(
        await e.waitFor(async () => {
          const s = await e.maintenance.maintenanceStatus(id);
          return s.state === 'overrunning' ? s : undefined;
        }, 'the overrun'),
      ).toMatchObject({ actualStart: iso(start + minutes(5)), actualEnd: null });
      expect(await recordOf(id)).toEqual([]);
    });

    step('ended after the announced end records the overrun, once (I9)', async () => {
      await expect(
        e.maintenance.endMaintenance(id, { requestId: 'future', at: iso(end + hours(5)) }),
      ).rejects.toBeInstanceOf(InvalidInputError);
      const answer = await e.maintenance.endMaintenance(id, {
        requestId: 'done',
        at: iso(end + minutes(20)),
      });
      expect(answer).toEqual({ endedAt: iso(end + minutes(20)), overrunMs: minutes(20) });
      const done = await finished(id);
      expect(done).toMatchObject({ state: 'completed', overrunMs: minutes(20), record: 'written' });
      expect(await recordOf(id)).toEqual([
        expect.objectContaining({
          qualifies: true,
          start: iso(start),
          end: iso(end),
          actualStart: iso(start + minutes(5)),
          actualEnd: iso(end + minutes(20)),
          status: 'completed',
        }),
      ]);
    });
  });

  describe('a notice that fails for one customer, then a reschedule, then the work', () => {
    const step = scenario();
    const id = 'M-PERCUSTOMER';
    /** The window as first announced, and the customer whose first notice the server refused. */
    let start: number;
    let failed: string;

    step('the failed notice is kept for its customer with no sentAt; the other is delivered', async () => {
      await e.ledger.importCustomers([
        customer('umbrella', 'ca-west', ['it@umbrella.example']),
        customer('wayne', 'ca-west', ['ops@wayne.example']),
      ]);
      start = (await serverNow()) + hours(48);
      // A permanent refusal of whichever message reaches the server first: not retried.
      e.smtp.refuse(1, 550);
      await schedule(id, start, start + hours(2), ['ca-west']);
      const status = await noticed(id, 1);
      const deliveries = status.notices[0]!.deliveries;
      expect(deliveries.map((d) => d.ok).sort()).toEqual([false, true]);
      failed = deliveries.find((d) => !d.ok)!.customerId;
      expect(status.qualifies).toBe(false);
      expect(await noticesOf(id)).toEqual(byKey(rowsOf(id, status, 1)));
      expect((await noticesOf(id)).map((n) => [n.customerId, n.sentAt === null])).toEqual([
        ['umbrella', failed === 'umbrella'],
        ['wayne', failed === 'wayne'],
      ]);
    });

    step('a reschedule reaches both; the window runs as announced; both rounds stay', async () => {
      const answer = await e.maintenance.rescheduleMaintenance(id, {
        requestId: 'later',
        start: iso(start + hours(24)),
        end: iso(start + hours(25)),
      });
      expect(answer).toMatchObject({ version: 2, qualifies: true });
      await e.advanceTo(start + hours(25) + minutes(1));
      const done = await finished(id);
      expect(done).toMatchObject({ state: 'completed', record: 'written' });
      const rows = await noticesOf(id);
      expect(rows).toEqual(byKey([...rowsOf(id, done, 1), ...rowsOf(id, done, 2)]));
      expect(rows.map((n) => [n.customerId, n.version, n.kind, n.sentAt === null])).toEqual([
        ['umbrella', 1, 'announced', failed === 'umbrella'],
        ['umbrella', 2, 'announced', false],
        ['wayne', 1, 'announced', failed === 'wayne'],
        ['wayne', 2, 'announced', false],
      ]);
      expect((await recordOf(id))[0]!.rounds!.map((r) => [r.version, r.kind, r.start])).toEqual([
        [1, 'scheduled', iso(start)],
        [2, 'rescheduled', iso(start + hours(24))],
      ]);
    });
  });
});
