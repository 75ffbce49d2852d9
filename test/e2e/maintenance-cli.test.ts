// `sla maintenance …` as an operator runs it (the built command, in another process) against the
// engine on the dev server with a real SMTP server: schedule, status, list, reschedule, start,
// end, cancel; bad input refused with the flag named and nothing started; exit codes 2, 3, 4, 1.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import type { MaintenanceSummary } from '../../src/clients/maintenance';
import type { MaintenanceStatus } from '../../src/messages/maintenance';
import { SLA } from '../helpers/cli';
import { startEngine, type Engine } from '../helpers/engine';
import { iso, minutes } from '../helpers/when';
import { scenario } from '../helpers/steps';

const hours = (n: number) => n * 3_600_000;

describe('sla maintenance', () => {
  let e: Engine;
  let env: Record<string, string>;
  // The worker runs in this process: the command must run asynchronously beside it.
  const sla = (args: string[], extra: Record<string, string> = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [SLA, 'maintenance', ...args],
        { env: { ...process.env, ...env, ...extra }, encoding: 'utf8' },
        (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr }),
      );
    });
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await sla([...args, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return JSON.parse(r.stdout) as T;
  };

  beforeAll(async () => {
    e = await startEngine({ server: 'dev' });
    env = e.clientEnv;
    await e.ledger.importCustomers([
      {
        customerId: 'acme',
        name: 'Acme',
        annualFeeMinor: 1_200_000,
        currency: 'CAD',
        region: 'ca-east',
        administrators: ['it@acme.example'],
        canadaOnlyDataAccess: false,
      },
    ]);
  });
  afterAll(async () => {
    await e?.stop();
  });

  const id = `M-CLI-${Date.now()}`;
  const start = Date.now() + hours(48);
  const step = scenario();

  step('refuses bad input naming the flag, exit 2, and starts nothing', async () => {
    const bad = await sla([
      'schedule',
      '--id',
      id,
      '--start',
      iso(start),
      '--end',
      iso(start - minutes(1)),
      '--regions',
      'ca-east',
      '--description',
      'Upgrade',
    ]);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe('sla: --end: must be after start\n');
    const badInstant = await sla(['schedule', '--id', id, '--start', 'tomorrow', '--end', iso(start)]);
    expect(badInstant.code).toBe(2); // a required flag is missing: commander's own message
    expect(badInstant.stderr).toMatch(/required option '--regions <list>'/);
    const badRegion = await sla([
      'schedule',
      ...['--id', id, '--start', '2026-12-01T03:00', '--end', iso(start)],
      ...['--regions', 'ca east', '--description', 'x'],
    ]);
    expect(badRegion.code).toBe(2);
    expect(badRegion.stderr).toMatch(/--start: expected an ISO-8601 instant/);
    expect(badRegion.stderr).toMatch(/--regions: expected letters, digits/);
    // Nothing was started under that id.
    const missing = await sla(['status', '--id', id]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^sla: .*not found/i);
  });

  step('schedules a window; the notice goes out and the status says it qualifies', async () => {
    const out = await json<{ workflowId: string; created: boolean }>([
      'schedule',
      ...['--id', id, '--start', iso(start), '--end', iso(start + hours(2))],
      ...['--regions', 'ca-east,eu-west', '--description', 'Database upgrade'],
    ]);
    expect(out).toEqual({ workflowId: `maintenance-${id}`, created: true });
    const status = await e.waitFor(async () => {
      const s = await json<MaintenanceStatus>(['status', '--id', id]);
      return s.notices[0]?.done ? s : undefined;
    }, 'the notice');
    expect(status).toMatchObject({ state: 'scheduled', qualifies: true, regions: ['ca-east', 'eu-west'] });
    expect(e.smtp.byMessageId(`<maintenance-${id}.v1.acme@sla-engine>`).map((m) => m.to)).toEqual([
      ['it@acme.example'],
    ]);
    // The window named as an argument, as tickets and outages are, reads the same.
    const readable = await sla(['status', id]);
    expect(readable.code).toBe(0);
    expect(await sla(['status', id, '--id', 'M-other'])).toMatchObject({ code: 2 });
    expect(readable.stdout).toMatch(new RegExp(`^maintenance ${id}  scheduled  \\(version 1, policy `));
    expect(readable.stdout).toMatch(/qualifies {2}yes: notice went out (47|48) h \d\d min before the start/);
    expect(readable.stdout).toContain('notice v1 scheduled: 1/1 customers');
  });

  step('lists it from visibility, as JSON and as a table', async () => {
    const listed = await e.waitFor(async () => {
      const all = await json<MaintenanceSummary[]>(['list', '--state', 'scheduled']);
      return all.find((w) => w.maintenanceId === id && w.qualifies);
    }, 'the window in visibility');
    expect(listed).toEqual({
      maintenanceId: id,
      workflowId: `maintenance-${id}`,
      state: 'scheduled',
      start: iso(start),
      end: iso(start + hours(2)),
      regions: ['ca-east', 'eu-west'],
      version: 1,
      qualifies: true,
    });
    expect(await json<MaintenanceSummary[]>(['list', '--state', 'cancelled'])).toEqual([]);
    const table = await sla(['list', '--from', iso(start - hours(1)), '--to', iso(start + hours(1))]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+STATE\s+START \(America\/Toronto\)\s+END\s+REGIONS\s+QUALIFIES\n/);
    expect(table.stdout).toMatch(new RegExp(`${id}\\s+scheduled\\s+.*ca-east,eu-west\\s+yes`));
  });

  step('reschedules to less than 24 h ahead: the window no longer qualifies', async () => {
    const moved = await sla([
      'reschedule',
      ...['--id', id, '--start', iso(Date.now() + hours(20)), '--end', iso(Date.now() + hours(21))],
      ...['--request-id', 'move-1'],
    ]);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/^rescheduled M-CLI-\d+ \(version 2\); notice went out /);
    expect(moved.stdout).toMatch(/qualifies: no — notice went out 19 h 59 min before the start, less than/);
  });

  step('start and end from the operator; a second end is refused as a conflict (exit 1)', async () => {
    const started = await json<{ state: string; startedAt: string }>(['start', '--id', id]);
    expect(started.state).toBe('in-progress');
    const ended = await sla(['end', '--id', id, '--request-id', 'end-1']);
    expect(ended.code).toBe(0);
    expect(ended.stdout).toMatch(/ended .*, within the announced window\n$/);
    const record = await e.waitFor(
      async () =>
        (
          await e.ledger.maintenance({ from: iso(Date.now() - hours(1)), to: iso(Date.now() + hours(48)) })
        ).find((r) => r.maintenanceId === id),
      'the record',
    );
    expect(record).toMatchObject({ status: 'completed', qualifies: false, actualStart: started.startedAt });
    const again = await sla(['end', '--id', id, '--request-id', 'end-2']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^sla: maintenance M-CLI-\d+ is over/);
  });

  step('cancels another window and says whom it told', async () => {
    const other = `${id}-B`;
    await json(
      ['schedule', '--id', other, '--start', iso(start), '--end', iso(start + hours(1))].concat([
        '--regions',
        'ca-east',
        '--description',
        'Network maintenance',
      ]),
    );
    await e.waitFor(
      async () => (await json<MaintenanceStatus>(['status', '--id', other])).notices[0]?.done,
      'notice',
    );
    const cancelled = await sla(['cancel', '--id', other, '--reason', 'Postponed to next quarter']);
    expect(cancelled).toMatchObject({ code: 0, stdout: `cancelled ${other}; 1 customer(s) notified\n` });
    expect(e.smtp.byMessageId(`<maintenance-${other}.v2.acme@sla-engine>`)[0]?.subject).toBe(
      `[Maintenance cancelled] ${other}`,
    );
  });

  step('answers "unavailable" (exit 4) when Temporal cannot be reached', async () => {
    const r = await sla(['status', '--id', id], { TEMPORAL_ADDRESS: '127.0.0.1:9' });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^sla: cannot reach Temporal at 127\.0\.0\.1:9/);
  });
});
