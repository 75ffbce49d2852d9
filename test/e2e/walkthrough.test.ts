// The walk-through, run as written: every ```sh walk-through <step>``` block of
// docs/walkthrough.md, in order, in a directory laid out like a checkout, against the system its
// first block starts (`bash scripts/up.sh`, the README quick start's first command). Only the
// ports differ (the defaults may be taken on a shared machine), so the walk-through cannot drift
// from what works: a new step without a check here, or a check whose step is gone, fails too.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { TicketStatus } from '../../src/messages/ticket';
import { outcome } from '../helpers/cli';
import { freePort } from '../helpers/ports';

const ROOT = join(__dirname, '..', '..');

interface Step {
  id: string;
  script: string;
}

/** The walk-through's steps and links, read from docs/walkthrough.md (the one source of truth). */
function readWalkThrough(section: string): { steps: Step[]; links: string[] } {
  const steps = [...section.matchAll(/^```sh walk-through ([\w-]+)\n([\s\S]*?)^```$/gm)].map((m) => ({
    id: m[1]!,
    script: m[2]!,
  }));
  const links = [...section.matchAll(/<(http:\/\/127\.0\.0\.1:\d+\/[^>]*)>/g)].map((m) => m[1]!);
  return { steps, links };
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** A step as a user types it in bash (a failing command in a pipeline fails the step). */
function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return outcome(spawn('bash', ['-c', `set -euo pipefail\n${script}`], { cwd, env }));
}

/** A fresh terminal: none of this machine's engine settings leak into the walk-through. */
function freshEnv(): NodeJS.ProcessEnv {
  const keep = new Set([
    'SLA_CACHE_DIR',
    'TEMPORAL_CLI_PATH',
    'TEMPORAL_TEST_SERVER_PATH',
    'TEMPORAL_TEST_SERVER_JAVA_OPTS',
  ]);
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => keep.has(k) || !(/^(SLA_|TEMPORAL_)/.test(k) || k === 'DATABASE_URL'),
    ),
  );
}

const parseJson = <T>(r: Result): T => JSON.parse(r.stdout) as T;

describe('the walk-through', () => {
  let up: { child: ChildProcess; output: string[]; exited: Promise<number | null> } | undefined;
  afterAll(async () => {
    if (up && up.child.exitCode === null) {
      process.kill(-up.child.pid!, 'SIGINT');
      await up.exited;
    }
  });

  it('runs every step of docs/walkthrough.md against the system `bash scripts/up.sh` starts', async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` (scripts/test.sh does)');
    const { steps, links } = readWalkThrough(readFileSync(join(ROOT, 'docs', 'walkthrough.md'), 'utf8'));
    expect(steps.map((s) => s.id)[0]).toBe('start');
    // The quick start's first command is what the walk-through starts.
    expect(steps[0]!.script).toContain('bash scripts/up.sh');
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/```sh\nbash scripts\/up\.sh {2,}#/);

    const [temporalPort, uiPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const ports = (s: string) =>
      s
        .replaceAll('127.0.0.1:7233', `127.0.0.1:${temporalPort}`)
        .replaceAll('127.0.0.1:8233', `127.0.0.1:${uiPort}`)
        .replaceAll('127.0.0.1:8080', `127.0.0.1:${apiPort}`);

    // A checkout as the user has it: the commands' relative paths (bin/, scripts/, examples/,
    // data/) resolve as in the repository, and data/ is this run's own.
    const cwd = mkdtempSync(join(tmpdir(), 'sla-walk-'));
    for (const entry of ['bin', 'scripts', 'examples']) symlinkSync(join(ROOT, entry), join(cwd, entry));
    // No data/ yet, as on a new user's machine: `sla up` creates the embedded ledger (its initdb is
    // seconds of WASM, up to 30 on a busy machine: the price of starting exactly as a user does).
    const base = { ...freshEnv(), TEMPORAL_PORT: String(temporalPort) };
    // SLA_PREPARED: scripts/test.sh prepared the checkout; the build must not run again under the
    // other test files that use dist/.
    const upEnv = {
      ...base,
      TEMPORAL_UI_PORT: String(uiPort),
      SLA_API_PORT: String(apiPort),
      SLA_PREPARED: '1',
    };

    // Step 1 in terminal 1, in its own process group, as a terminal runs a foreground job.
    const child = spawn('bash', ['-c', ports(steps[0]!.script)], {
      cwd,
      env: upEnv,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    up = { child, output, exited };
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not up:\n${output.join('\n')}`)), 90_000);
      for (const stream of [child.stdout, child.stderr]) {
        createInterface({ input: stream }).on('line', (line) => {
          output.push(line);
          if (/worker: polling task queue/.test(line)) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
      void exited.then((code) => reject(new Error(`up exited with ${code}:\n${output.join('\n')}`)));
    });
    expect(output.join('\n')).toContain(`HTTP API            http://127.0.0.1:${apiPort}/health`);

    // The second terminal: defaults only (./data, the default task queue), the port aside.
    const run = (script: string) => bash(script, cwd, base);
    const cli = (args: string) => run(`bin/sla ${args}`);

    type Check = (r: Result) => void | Promise<void>;
    const ok = (r: Result) => expect(r.code, r.stderr).toBe(0);
    /** Steps reading what a workflow does after the command before returned: run again, as a user would. */
    const eventually = new Set(['ticket-list', 'outage-status', 'status-summary', 'uptime']);
    const checks: Record<string, Check> = {
      'import-customers': (r) => {
        ok(r);
        expect(r.stdout).toBe(
          'imported 3 customers in force from 2026-01-01 00:00 EST (2026-01-01T05:00:00.000Z): 3 new, 0 updated, 0 unchanged\n',
        );
      },
      'open-ticket': (r) => {
        ok(r);
        expect(r.stdout).toContain('opened ticket T-1001 (workflow ticket-T-1001)');
      },
      'ticket-status': async (r) => {
        ok(r);
        const status = parseJson<TicketStatus>(await cli('ticket status T-1001 --json'));
        expect(status).toMatchObject({ level: 'L1', ruleId: 'l1-how-do-i', state: 'on-track' });
        // The deadline the user watches is the calendar's I5 deadline for the ticket's opening.
        const deadline = parseJson<{ due: string; clockStart: string }>(
          await cli(`calendar deadline --level L1 --opened ${status.openedAt} --json`),
        );
        expect(status.due).toBe(deadline.due);
        expect(status.clockStart).toBe(deadline.clockStart);
        expect(r.stdout).toContain('level       L1 by rule l1-how-do-i');
        expect(r.stdout).toContain(`(${status.due})`);
        expect(r.stdout).toMatch(/l1-breach-team-lead\s+breach\s+→ team-lead \(email\+page\)/);
      },
      'ticket-list': (r) => {
        ok(r);
        expect(r.stdout).toMatch(/^T-1001\s+acme\s+L1\s+on-track\s+.+\s+running$/m);
      },
      'first-response': (r) => {
        ok(r);
        expect(parseJson(r)).toMatchObject({ met: true, state: 'met' });
      },
      'resolve-ticket': (r) => {
        ok(r);
        expect(r.stdout).toContain('T-1001 resolved');
      },
      'report-outage': (r) => {
        ok(r);
        expect(parseJson(r)).toMatchObject({ workflowId: 'outage-INC-7', created: true, state: 'open' });
      },
      'outage-status': (r) => {
        ok(r);
        expect(r.stdout).toContain('detected        2026-10-14T13:20:00.000Z');
        expect(r.stdout).toContain('engagement due  2026-10-14T13:30:00.000Z — C9 breached');
        // The first page has gone out (to the built-in roster's around-the-clock L3 on-call).
        expect(r.stdout).toMatch(/outage-primary-r\d+\s+page→oncall\.toronto$/m);
      },
      'status-summary': (r) => {
        ok(r);
        // The public page (docs/status-page.md): the region down, the open incident, no token asked.
        expect(JSON.parse(r.stdout)).toEqual({
          status: 'major',
          components: [
            { name: 'ca-central', status: 'major_outage' },
            { name: 'eu-west', status: 'operational' },
          ],
          incidents: [{ name: 'Outage in ca-central', status: 'investigating' }],
        });
      },
      'ack-outage': (r) => {
        ok(r);
        // C9 (I7) takes the time received; the stated one is kept and shown, not counted.
        expect(r.stdout).toMatch(
          /^INC-7 engaged by oncall\.toronto at \S+Z, [\d.]+ min after detection: C9 breached \(stated 2026-10-14T13:27:00\.000Z: not counted, C9 takes the time received\)$/m,
        );
      },
      'resolve-outage': (r) => {
        ok(r);
        expect(r.stdout).toContain('INC-7 resolved, ended 2026-10-14T14:05:00.000Z: C9 breached');
      },
      uptime: (r) => {
        ok(r);
        expect(r.stdout).toMatch(/uptime\s+99\.8991 %\s+\(target 99\.95 %: MISSED\)/);
        expect(r.stdout).toContain('45.0 min from 1 counted of 1 recorded outage(s)');
      },
      'close-month': (r) => {
        ok(r);
        expect(r.stdout).toContain('2026-10: 3 customer(s)');
        expect(r.stdout).toMatch(/entries written\s+3/);
        expect(r.stdout).toMatch(/credited\s+2 customer\(s\): 750\.00 CAD/);
        expect(r.stdout).toMatch(/notices emailed\s+2/);
      },
      report: (r) => {
        ok(r);
        expect(r.stdout).toMatch(/uptime \(all regions\)\s+99\.8991 %, 45 min down/);
        expect(r.stdout).toMatch(/^acme\s+ca-central\s+99\.8991\s+45\s+1\s+500\.00 CAD$/m);
        expect(r.stdout).toMatch(/^initech\s+ca-central\s+99\.8991\s+45\s+1\s+250\.00 CAD$/m);
        expect(r.stdout).toMatch(/^northwind\s+eu-west\s+100\.0000\s+0\s+0\s+0\.00 GBP$/m);
        // I8: the incident in Toronto time, as the walk-through shows it.
        expect(r.stdout).toMatch(/^2026-10-14 09:20 EDT\s+2026-10-14 10:05 EDT\s+45\s+INC-7$/m);
      },
      explain: (r) => {
        ok(r);
        expect(r.stdout).toContain('Credit of acme for 2026-10');
        expect(r.stdout).toMatch(
          /uptime = \(T − E − D\) \/ \(T − E\)\s+2675700000 \/ 2678400000 = 99\.8991 %/,
        );
        expect(r.stdout).toMatch(
          /credit = round-half-up\(tier × monthly fee\)\s+50 % × 1,000\.00 CAD = 500\.00 CAD/,
        );
        expect(r.stdout).toContain('they agree.');
      },
      'report-html': (r) => {
        ok(r);
        const html = readFileSync(join(cwd, 'report-2026-10.html'), 'utf8');
        expect(html).toMatch(/^<!doctype html>/i);
        expect(html).toContain('2026-10');
        expect(html).toContain('INC-7');
      },
      'report-api': async (r) => {
        ok(r);
        expect(parseJson(r)).toMatchObject({
          month: '2026-10',
          uptime: '99.8991',
          credits: { CAD: 75000 },
        });
        // What the step's prose says: agents do not read money.
        const asAgent = await fetch(`http://127.0.0.1:${apiPort}/v1/reports/2026-10`, {
          headers: { authorization: 'Bearer agent-secret-0123456789' },
        });
        expect(asAgent.status).toBe(403);
      },
      audit: (r) => {
        ok(r);
        expect(r.stdout).toContain('classified L1 by rule l1-how-do-i');
        expect(r.stdout).toMatch(/deadline\s+L1 clock starts/);
        expect(r.stdout).toContain('first response by agent.toronto → met');
        expect(r.stdout).toContain('outcome of resolution 1 written: L1, state met');
      },
      outbox: (r) => {
        ok(r);
        // Distinct subjects: a status notice is one message per chain round (Message-ID per step),
        // and a round may turn between the report and the acknowledgement.
        const subjects = [...new Set(r.stdout.trim().split('\n'))].sort();
        expect(subjects).toEqual([
          'Subject: Service credit for October 2026: 250.00 CAD',
          'Subject: Service credit for October 2026: 500.00 CAD',
          'Subject: [SLA outage] INC-7 resolved',
          'Subject: [SLA outage] INC-7: API answers 503 in ca-central',
        ]);
      },
      'paging-log': (r) => {
        ok(r);
        const events = r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { event_action: string; dedup_key: string });
        const triggers = events.filter((e) => e.event_action === 'trigger').map((e) => e.dedup_key);
        const resolves = events.filter((e) => e.event_action === 'resolve').map((e) => e.dedup_key);
        expect(triggers).toContainEqual(
          expect.stringMatching(/^outage-INC-7:outage-primary-r\d+:oncall\.toronto$/),
        );
        // Every page the outage raised was resolved at the acknowledgement, once.
        expect(resolves.sort()).toEqual([...triggers].sort());
      },
    };

    for (const step of steps.slice(1)) {
      const check = checks[step.id];
      if (!check) throw new Error(`walk-through step "${step.id}" has no check in this test`);
      const script = ports(step.script);
      let result = await run(script);
      for (let attempt = 1; ; attempt++) {
        try {
          await check(result);
          break;
        } catch (err) {
          if (!eventually.has(step.id) || attempt >= 40) {
            throw new Error(
              `step ${step.id} failed:\n$ ${script}\nexit ${result.code}\n${result.stdout}\n${result.stderr}\n${String(err)}`,
            );
          }
          await new Promise((r) => setTimeout(r, 500));
          result = await run(script);
        }
      }
    }
    expect(Object.keys(checks).sort()).toEqual(
      steps
        .slice(1)
        .map((s) => s.id)
        .sort(),
    );

    // The Web UI link the walk-through gives answers.
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect((await fetch(ports(link))).status, link).toBe(200);

    // Ctrl-C in terminal 1 stops it all cleanly.
    process.kill(-child.pid!, 'SIGINT');
    expect(await exited).toBe(0);
    expect(output.join('\n')).toContain('up: stopped');
  }, 300_000);
});
