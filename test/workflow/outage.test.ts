// Outages on the time-skipping server with a real SMTP server and paging receiver (C3, C4, C9;
// I7, I9): a report pages the Level 3 primary and emails the status audience at once, repeated
// reports join, the chain escalates and repeats on durable timers until a Level 3 responder
// acknowledges, a late acknowledgement is a breach, classification changes are kept, and the
// resolution writes one record to the ledger, even when the write's answer is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, InvalidInputError } from '../../src/errors';
import type { Ledger } from '../../src/ledger/types';
import { startEngine, type Engine } from '../helpers/engine';
import { saveHistory } from '../helpers/histories';
import { iso, minutes, nextWeekdayAt } from '../helpers/when';
import { scenario } from '../helpers/steps';

/**
 * Makes the engine's ledger commit its next outage write and then lose the answer (a crash after
 * commit). The activities call the ledger object the engine exposes, so wrapping it here is seen.
 */
function loseAnswers(ledger: Ledger) {
  const state = { loseNextAnswer: false, attempts: 0 };
  const record = ledger.recordOutage.bind(ledger);
  ledger.recordOutage = async (outage) => {
    state.attempts++;
    const result = await record(outage);
    if (state.loseNextAnswer) {
      state.loseNextAnswer = false;
      throw new Error('connection reset after commit');
    }
    return result;
  };
  return state;
}

let e: Engine;
let ledger: Ledger;
let flaky: ReturnType<typeof loseAnswers>;
beforeAll(async () => {
  e = await startEngine();
  ledger = e.ledger;
  flaky = loseAnswers(ledger);
  // Saturday 03:00 in Toronto: C9/I7 is 24/7, and the built-in roster's on-call L3 primary is
  // paged at once at the hour the weekday specialist (once the only l3-primary) is off.
  await e.advanceTo(nextWeekdayAt(e.now(), 6, '03:00'));
});
afterAll(async () => {
  // Recorded with the acknowledgement judged on its receipt (patch 'ack-received-time'); the same
  // run without that marker is outageWorkflow-before-ack-received-time-late-ack.json.
  await saveHistory(e.env.client, 'outage-INC-LATE', 'outageWorkflow-late-ack');
  await e?.stop();
});

const triggered = (key: string) => e.pager.triggers().filter((ev) => ev.dedup_key === key);
const resolvedKeys = () =>
  e.pager.events.filter((ev) => ev.event_action === 'resolve').map((ev) => ev.dedup_key);
/** No page key is triggered after it was resolved. */
function noTriggerAfterResolve() {
  const resolvedAt = new Map<string, number>();
  e.pager.events.forEach((ev, i) => {
    if (ev.event_action === 'resolve' && !resolvedAt.has(ev.dedup_key)) resolvedAt.set(ev.dedup_key, i);
    if (ev.event_action === 'trigger' && resolvedAt.has(ev.dedup_key))
      throw new Error(`${ev.dedup_key} triggered after its resolve`);
  });
  return true;
}

describe('an outage acknowledged late (C9 breached)', () => {
  const key = 'INC-LATE';
  const wf = `outage-${key}`;
  let detected: number;
  let engagedAt: string;

  const step = scenario();

  step('a report opens the outage, pages the L3 primary and emails the status audience at once', async () => {
    detected = e.now();
    const answer = await e.outages.reportOutage({
      key,
      summary: 'API answers 503 in ca-central',
      regions: ['ca-central'],
      source: 'alertmanager',
    });
    expect(answer).toMatchObject({ outageId: key, workflowId: wf, created: true, state: 'open', reports: 1 });
    const page = await e.waitFor(
      () => triggered(`${wf}:outage-primary:oncall.toronto`)[0],
      'the page to the L3 primary',
    );
    expect(page).toMatchObject({
      routing_key: 'routing-l3-oncall',
      payload: {
        severity: 'critical',
        custom_details: { outageId: key, regions: 'ca-central', step: 'outage-primary' },
      },
    });
    const mail = await e.waitFor(
      () => e.smtp.byMessageId(`<${wf}.outage-status@sla-engine>`)[0],
      'the status email',
    );
    expect(mail.to).toEqual(['status@support.example']);
    expect(mail.subject).toBe(`[SLA outage] ${key}: API answers 503 in ca-central`);
    const status = await e.outages.outageStatus(key);
    expect(status).toMatchObject({
      state: 'open',
      engagement: 'on-track',
      detectedAt: iso(detected),
      engagementDue: iso(detected + minutes(10)),
      classification: 'unexpected',
      regions: ['ca-central'],
      policyVersion: e.policy.version,
      met: null,
    });
    expect(status.stepsFired.map((f) => f.id)).toEqual(['outage-primary', 'outage-status']);
    // Both steps were due at detection and fired at once, without waiting on a timer.
    for (const f of status.stepsFired) {
      expect(f.plannedAt).toBe(iso(detected));
      expect(Date.parse(f.at) - detected).toBeLessThan(minutes(1));
    }
  });

  step('a repeated report joins the same outage and adds the region it names', async () => {
    const again = await e.outages.reportOutage({
      key,
      summary: 'API answers 503',
      regions: ['us-east', 'ca-central'],
      source: 'alertmanager',
    });
    expect(again).toMatchObject({ workflowId: wf, created: false, state: 'open', reports: 2 });
    const status = await e.outages.outageStatus(key);
    expect(status.regions).toEqual(['ca-central', 'us-east']);
    expect(status.classificationHistory.at(-1)).toMatchObject({
      by: 'alertmanager',
      classification: 'unexpected',
      regions: ['ca-central', 'us-east'],
      reason: 'a further report added region(s) us-east',
    });
    expect(triggered(`${wf}:outage-primary:oncall.toronto`)).toHaveLength(1);
  });

  step('refuses an acknowledgement by a responder who is not Level 3, naming the field', async () => {
    const refused = await e.outages
      .acknowledgeOutage(key, { requestId: 'ack-agent', responderId: 'agent.toronto' })
      .catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).issues[0]).toMatchObject({
      path: 'responderId',
      message: expect.stringMatching(/not a Level 3 responder/),
    });
    expect((await e.outages.outageStatus(key)).state).toBe('open');
  });

  step('pages the secondary at 5 minutes, the engineering manager at 10, and marks the breach', async () => {
    await e.advanceTo(detected + minutes(5) + 1000);
    await e.waitFor(() => triggered(`${wf}:outage-secondary:specialist.sydney`).length, 'the secondary page');
    expect((await e.outages.outageStatus(key)).engagement).toBe('on-track');
    await e.advanceTo(detected + minutes(10) + 1000);
    await e.waitFor(() => triggered(`${wf}:outage-eng-manager:eng.manager`).length, 'the manager page');
    const status = await e.outages.outageStatus(key);
    expect(status).toMatchObject({ engagement: 'breached', met: false, state: 'open' });
    expect(status.stepsFired.map((f) => [f.id, f.plannedAt])).toEqual([
      ['outage-primary', iso(detected)],
      ['outage-status', iso(detected)],
      ['outage-secondary', iso(detected + minutes(5))],
      ['outage-eng-manager', iso(detected + minutes(10))],
    ]);
  });

  step('starts the chain again 15 minutes after its last step while nobody acknowledges', async () => {
    await e.advanceTo(detected + minutes(25) + 1000);
    await e.waitFor(
      () => triggered(`${wf}:outage-primary-r2:oncall.toronto`).length,
      'the second round page to the primary',
    );
    await e.waitFor(() => e.smtp.byMessageId(`<${wf}.outage-status-r2@sla-engine>`)[0], 'the round 2 email');
    const status = await e.outages.outageStatus(key);
    expect(status.stepsFired.map((f) => f.id).slice(4)).toEqual(['outage-primary-r2', 'outage-status-r2']);
    expect(status.stepsFired[4]!.reason).toMatch(/round 2: still unacknowledged 25 min after detection/);
  });

  step('records a late acknowledgement as a breach and resolves every page the outage raised', async () => {
    await e.advanceTo(detected + minutes(27));
    // Sent at 27 min claiming 9 (before the due instant): C9 takes the receipt, the
    // breach recorded at 10 min stands, and the claimed time is kept beside it for the audit.
    const ackMessage = {
      requestId: 'ack-1',
      responderId: 'specialist.sydney',
      at: iso(detected + minutes(9)),
    };
    const ack = await e.outages.acknowledgeOutage(key, ackMessage);
    expect(ack).toEqual({
      engagedAt: ack.receivedAt,
      engagedBy: 'specialist.sydney',
      met: false,
      engagementMinutes: expect.closeTo(27, 1),
      receivedAt: expect.any(String),
      claimedAt: iso(detected + minutes(9)),
      // No agent named (the CLI's acknowledgement): nothing to match.
      agent: null,
      agentId: null,
      agentMatch: null,
      alreadyEngaged: false,
    });
    engagedAt = ack.engagedAt;
    expect(Date.parse(ack.receivedAt!) - (detected + minutes(27))).toBeGreaterThanOrEqual(0);
    expect(Date.parse(ack.receivedAt!) - (detected + minutes(27))).toBeLessThan(minutes(1));
    expect(await e.outages.outageStatus(key)).toMatchObject({
      engagement: 'breached',
      met: false,
      engagedAt: ack.receivedAt,
      ackReceivedAt: ack.receivedAt,
      ackClaimedAt: iso(detected + minutes(9)),
    });
    // The same request again gets the same answer; a second responder does not replace the first.
    expect(await e.outages.acknowledgeOutage(key, ackMessage)).toEqual(ack);
    expect(
      await e.outages.acknowledgeOutage(key, { requestId: 'ack-2', responderId: 'specialist.ottawa' }),
    ).toMatchObject({ engagedBy: 'specialist.sydney', alreadyEngaged: true });

    const pageKeys = [
      `${wf}:outage-primary:oncall.toronto`,
      `${wf}:outage-secondary:specialist.sydney`,
      `${wf}:outage-eng-manager:eng.manager`,
      `${wf}:outage-primary-r2:oncall.toronto`,
    ];
    await e.waitFor(() => pageKeys.every((k) => resolvedKeys().includes(k)), 'every page resolved');
    const status = await e.outages.outageStatus(key);
    expect(status).toMatchObject({ state: 'engaged', engagement: 'breached', met: false });
    expect(status.pages.map((p) => p.dedupKey).sort()).toEqual([...pageKeys].sort());
    expect(status.pages.every((p) => p.resolvedAt !== null)).toBe(true);

    // Nothing pages any more once someone is engaged.
    const triggers = e.pager.triggers().length;
    await e.advanceTo(detected + minutes(60));
    expect(e.pager.triggers()).toHaveLength(triggers);
    expect(noTriggerAfterResolve()).toBe(true);
    expect(e.pager.duplicateTriggers()).toEqual([]);
  });

  step('keeps every classification change with who, when and why (C3, C4)', async () => {
    const partial = await e.outages.classifyOutage(key, {
      requestId: 'cls-1',
      classification: 'partial',
      regions: ['ca-central'],
      by: 'eng.manager',
      reason: 'other members of ca-central can still sign in',
    });
    expect(partial).toEqual({ classification: 'partial', regions: ['ca-central'], changes: 2 });
    const bad = await e.outages
      .classifyOutage(key, { requestId: 'cls-x', classification: 'planned', by: 'eng.manager', reason: 'x' })
      .catch((err: unknown) => err);
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect((bad as InvalidInputError).issues[0]!.path).toBe('classification');
    await e.outages.classifyOutage(key, {
      requestId: 'cls-2',
      classification: 'external',
      by: 'specialist.sydney',
      reason: "the customer's network provider dropped the route",
    });
    const status = await e.outages.outageStatus(key);
    expect(status.classification).toBe('external');
    expect(status.classificationHistory.map((c) => [c.classification, c.by, c.reason])).toEqual([
      ['unexpected', 'alertmanager', 'reported by alertmanager; unexpected until classified otherwise (C9)'],
      ['unexpected', 'alertmanager', 'a further report added region(s) us-east'],
      ['partial', 'eng.manager', 'other members of ca-central can still sign in'],
      ['external', 'specialist.sydney', "the customer's network provider dropped the route"],
    ]);
    // When: on the workflow's clock, as the change was applied.
    expect(Date.parse(status.classificationHistory[3]!.at)).toBeGreaterThanOrEqual(detected + minutes(60));
  });

  step(
    'resolving writes the record once; a second resolve is a conflict; a late report starts nothing (C9, I7)',
    async () => {
      const end = detected + minutes(55);
      expect(
        await e.outages.resolveOutage(key, { requestId: 'res-1', by: 'specialist.sydney', end: iso(end) }),
      ).toEqual({ outageId: key, end: iso(end), met: false });
      // The resolution does not judge C9 again from the claimed time either: the record says breached.
      const records = await e.waitFor(async () => {
        const found = await ledger.outages({ from: iso(detected - minutes(1)), to: iso(end + minutes(1)) });
        return found.length ? found : undefined;
      }, 'the outage record');
      expect(records).toEqual([
        {
          outageId: key,
          start: iso(detected),
          end: iso(end),
          classification: 'external',
          regions: ['ca-central'],
          engagedAt,
          engagedBy: 'specialist.sydney',
          engagementMet: false,
          classificationHistory: expect.any(Array),
          policyVersion: e.policy.version,
          workflowId: wf,
        },
      ]);
      expect(records[0]!.classificationHistory).toHaveLength(4);
      await e.waitFor(() => e.smtp.byMessageId(`<${wf}.resolved@sla-engine>`)[0], 'the resolution email');

      const second = await e.outages
        .resolveOutage(key, { requestId: 'res-2', by: 'eng.manager' })
        .catch((err: unknown) => err);
      expect(second).toBeInstanceOf(ConflictError);
      // A report that started before the end is a late delivery of this outage: nothing new.
      const late = await e.outages.reportOutage({
        key,
        summary: 'API answers 503',
        regions: ['ca-central'],
        source: 'alertmanager',
        startedAt: iso(detected + minutes(50)),
      });
      expect(late).toMatchObject({
        outageId: key,
        created: false,
        state: 'resolved',
        end: iso(end),
        message: expect.stringMatching(/already resolved/),
      });
      // Without startedAt a repeat cannot be told from a retry: refused, naming the field.
      const unsure = await e.outages
        .reportOutage({ key, summary: 'API answers 503', regions: ['ca-central'], source: 'cli' })
        .catch((err: unknown) => err);
      expect(unsure).toBeInstanceOf(InvalidInputError);
      expect((unsure as InvalidInputError).issues).toEqual([
        {
          path: 'startedAt',
          message: expect.stringMatching(/already resolved .*a new outage INC-LATE\.2 opens/),
        },
      ]);
      await expect(e.outages.outageStatus(`${key}.2`)).rejects.toThrow(/no outage/);
      expect(await ledger.outages({ from: iso(detected), to: iso(end) })).toHaveLength(1);
      const final = await e.outages.outageStatus(key);
      expect(final).toMatchObject({
        state: 'resolved',
        recorded: 'written',
        end: iso(end),
        resolvedBy: 'specialist.sydney',
      });
    },
  );
});

describe('an outage acknowledged in time (C9 met)', () => {
  const key = 'INC-FAST';
  const wf = `outage-${key}`;

  it('records the engagement as met, resolves the pages and never fires the later steps', async () => {
    await e.advanceTo(0); // reads the server's clock, which ran on while the last outage ended
    const detected = e.now();
    await e.outages.reportOutage({ key, summary: 'Login fails', regions: ['eu-west'], source: 'cli' });
    await e.waitFor(() => triggered(`${wf}:outage-primary:oncall.toronto`).length, 'the primary page');
    await e.advanceTo(detected + minutes(3));
    // C9 (I7): the paging provider's own timestamp, 20 s before the engine received it, counts.
    const stated = detected + minutes(3) - 20_000;
    const ack = await e.outages.acknowledgeOutage(key, {
      requestId: 'pd-event-1',
      responderId: 'oncall.toronto',
      at: iso(stated),
    });
    expect(ack).toMatchObject({
      met: true,
      engagedAt: iso(stated),
      claimedAt: iso(stated),
      engagementMinutes: expect.closeTo(8 / 3, 6),
      engagedBy: 'oncall.toronto',
    });
    expect(Date.parse(ack.receivedAt!) - stated).toBeGreaterThanOrEqual(20_000);
    expect(Date.parse(ack.receivedAt!) - stated).toBeLessThanOrEqual(60_000);
    await e.waitFor(
      () => resolvedKeys().includes(`${wf}:outage-primary:oncall.toronto`),
      'the page resolved',
    );
    await e.advanceTo(detected + minutes(30));
    const status = await e.outages.outageStatus(key);
    expect(status.stepsFired.map((f) => f.id)).toEqual(['outage-primary', 'outage-status']);
    expect(status).toMatchObject({ state: 'engaged', engagement: 'met', met: true });

    // The ledger commits the record but the answer is lost: the retry finds it, one row stays.
    flaky.loseNextAnswer = true;
    const attempts = flaky.attempts;
    await e.outages.resolveOutage(key, {
      requestId: 'res',
      by: 'oncall.toronto',
      end: iso(detected + minutes(20)),
    });
    const final = await e.waitFor(
      async () => {
        const s = await e.outages.outageStatus(key);
        return s.recorded ? s : undefined;
      },
      'the record written',
      30_000,
    );
    expect(final.recorded).toBe('exists');
    expect(flaky.attempts - attempts).toBe(2);
    const records = await ledger.outages({ from: iso(detected), to: iso(detected + minutes(20)) });
    expect(records.filter((r) => r.outageId === key)).toEqual([
      expect.objectContaining({
        engagementMet: true,
        engagedAt: iso(detected + minutes(3) - 20_000),
        classification: 'unexpected',
      }),
    ]);
  });
});

describe('an outage over before anyone acknowledged', () => {
  it('met C9 (nothing left to engage), resolves its page and records no engagement', async () => {
    const key = 'INC-BLIP';
    await e.advanceTo(0);
    const detected = e.now();
    const started = detected - minutes(2);
    await e.outages.reportOutage({
      key,
      summary: 'Health check flapped',
      regions: ['ca-central'],
      source: 'alertmanager',
      startedAt: iso(started),
    });
    await e.waitFor(() => triggered(`outage-${key}:outage-primary:oncall.toronto`).length, 'the page');
    // Detection is when the monitor saw it start: the engagement is due 10 minutes after that.
    expect((await e.outages.outageStatus(key)).engagementDue).toBe(iso(started + minutes(10)));
    await e.advanceTo(detected + minutes(1));
    expect(await e.outages.resolveOutage(key, { requestId: 'r', by: 'alertmanager' })).toMatchObject({
      met: true,
    });
    await e.waitFor(
      () => resolvedKeys().includes(`outage-${key}:outage-primary:oncall.toronto`),
      'the resolve',
    );
    const record = await e.waitFor(
      async () =>
        (await ledger.outages({ from: iso(started), to: iso(detected + minutes(1)) })).find(
          (r) => r.outageId === key,
        ),
      'the record',
    );
    expect(record).toMatchObject({
      engagedAt: null,
      engagedBy: null,
      engagementMet: true,
      start: iso(started),
    });
  });

  it('refuses a report whose fields are wrong, naming them, and starts nothing', async () => {
    const bad = await e.outages
      .reportOutage({ key: 'bad key!', summary: '', regions: [], source: 'cli' })
      .catch((err: unknown) => err);
    expect(bad).toBeInstanceOf(InvalidInputError);
    expect((bad as InvalidInputError).issues.map((i) => i.path).sort()).toEqual([
      'key',
      'regions',
      'summary',
    ]);
  });
});
