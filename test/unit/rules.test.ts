// Pure rules: classification (C10, I11), escalation plans, duty and I13 selection.
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { BusinessCalendar, responseDeadline } from '../../src/calendar';
import { loadPolicy } from '../../src/policy';
import defaultPolicyJson from '../../src/policy/default-policy.json';
import { parsePolicy } from '../../src/policy/load';
import { classify } from '../../src/rules/classify';
import { tokens } from '../../src/rules/words';
import { onDuty, select } from '../../src/rules/roster';
import { planEscalation } from '../../src/rules/ticket-plan';
import { loadRoster } from '../../src/roster/load';

const { policy } = loadPolicy({});
const roster = loadRoster(undefined);
const et = (local: string) =>
  DateTime.fromFormat(local, 'yyyy-MM-dd HH:mm', { zone: 'America/Toronto' }).toMillis();

describe('classification (C10, I11)', () => {
  it.each([
    ['How do I export volunteers?', 'L1', 'l1-how-do-i'],
    ['Comment puis-je exporter les bénévoles ?', 'L1', 'l1-how-do-i'],
    ['COMMENT PUIS JE changer mon mot de passe', 'L1', 'l1-how-do-i'],
    ['Où dois-je cliquer pour ajouter un quart ?', 'L1', 'l1-where-do-i'],
    ['Can I merge two accounts?', 'L1', 'l1-can-i'],
    ['Puis-je fusionner deux comptes ?', 'L1', 'l1-can-i'],
    ['What is the best practice for onboarding?', 'L2', 'l2-best-practice'],
    ['Quelles sont les meilleures pratiques pour les horaires ?', 'L2', 'l2-best-practice'],
    ['How do I call the API with OAuth?', 'L3', 'l3-api'],
    ['Demande RGPD : données personnelles', 'L3', 'l3-data-protection'],
    ['Protection des donnees de nos membres', 'L3', 'l3-data-protection'],
  ])('%s → %s by %s', (subject, level, ruleId) => {
    expect(classify(policy, { subject, body: '' })).toMatchObject({ level, ruleId });
  });

  it('respects word edges and falls back to the default level', () => {
    expect(classify(policy, { subject: 'Scan it again please', body: '' })).toEqual({
      level: 'L2',
      ruleId: 'default',
    });
    expect(tokens('Où  dois-je…')).toEqual(['ou', 'dois', 'je']);
  });

  it("drops French elisions and the question marker 'est-ce que'", () => {
    expect(tokens("L'API, qu'on m'a donnée")).toEqual(['api', 'on', 'a', 'donnee']);
    expect(tokens('Où est-ce que je trouve')).toEqual(['ou', 'je', 'trouve']);
    expect(tokens("Est-ce qu'il est possible")).toEqual(['il', 'est', 'possible']);
    expect(tokens('aujourd’hui')).toEqual(['aujourd', 'hui']);
  });

  // Inflected and everyday phrasings C10 gives a level to: plurals, French question forms.
  it.each([
    ['Do your APIs support pagination?', '', 'L3', 'l3-api', 'api'],
    ['Where do I see the webhooks we registered?', '', 'L3', 'l3-api', 'webhook'],
    ['Comment puis-je désactiver les webhooks ?', '', 'L3', 'l3-api', 'webhook'],
    ['Est-ce que je peux dupliquer un événement ?', '', 'L1', 'l1-can-i', 'je peux'],
    ['Où est-ce que je trouve les heures du mois ?', '', 'L1', 'l1-where-do-i', 'où je trouve'],
    [
      'Agreement needed',
      'Our lawyers ask you to sign a data-sharing agreement before we upload member records',
      'L3',
      'l3-data-protection',
      'data sharing',
    ],
  ])('%s %s → %s by %s ("%s")', (subject, body, level, ruleId, phrase) => {
    expect(classify(policy, { subject, body })).toEqual({ level, ruleId, phrase });
  });

  it('records the first phrase of the first rule found, wherever it is in the text', () => {
    const ticket = { subject: 'How do I rotate the API token?', body: 'Also, where is the tokens page?' };
    expect(classify(policy, ticket)).toEqual({ level: 'L3', ruleId: 'l3-api', phrase: 'api' });
  });

  it.each<[string, string, string, string]>([
    // French "ou" (or) is "où" (where) without its accent: no "where" phrase ends at "ou".
    ['Paiement', 'Faut-il payer maintenant ou on attend ?', 'L2', 'default'],
    ['Panne', 'Est-ce que la panne vient de chez vous ou est-ce notre réseau ?', 'L2', 'default'],
    // Where the customer's data lives is data protection (C10), before L1's "where is".
    ['Hosting', 'Where is our data hosted?', 'L3', 'l3-data-protection'],
    ['Hébergement', 'Où sont hébergées nos données ?', 'L3', 'l3-data-protection'],
    // Letters and digits run together are two words.
    ['Auth', 'Do you support OAuth2?', 'L3', 'l3-api'],
    // A phrase is found within one sentence: not across the subject and the body, nor two sentences.
    ['Invoice', 'We know you can. I just need an invoice copy.', 'L2', 'default'],
    ['Merge', 'Could I merge two accounts?', 'L1', 'l1-can-i'],
  ])('%s / %s → %s by %s', (subject, body, level, ruleId) => {
    expect(classify(policy, { subject, body })).toMatchObject({ level, ruleId });
  });

  it('refuses a policy phrase without a word', () => {
    const bad = structuredClone(defaultPolicyJson);
    bad.classification.rules[0]!.phrases.push('?!');
    expect(() => parsePolicy(bad, 'test')).toThrow(
      /classification\.rules\[0\]\.phrases\[\d+\]: a phrase needs at least one word/,
    );
  });
});

describe('escalation plan', () => {
  const calendar = new BusinessCalendar(policy);
  it('places the warning at a fraction of coverage time and moves a breach step to coverage', () => {
    const opened = et('2026-12-04 15:50'); // Friday
    const clock = responseDeadline(calendar, policy.levels.L1, opened);
    const plan = planEscalation(calendar, policy, { level: 'L1', ...clock, notBefore: opened });
    expect(plan.map((p) => [p.id, new Date(p.fireAt).toISOString()])).toEqual([
      ['l1-warn-assignee', new Date(et('2026-12-07 05:02')).toISOString()],
      ['l1-breach-team-lead', new Date(et('2026-12-07 05:05')).toISOString()],
      ['l1-breach-manager', new Date(et('2026-12-07 05:35')).toISOString()],
    ]);
    expect(plan[0]!.reason).toBe('80 % of the L1 target (12 of 15 coverage minutes)');
  });

  it('never plans before notBefore, and says so', () => {
    const opened = et('2026-12-02 10:00');
    const clock = responseDeadline(calendar, policy.levels.L1, opened);
    const plan = planEscalation(calendar, policy, {
      level: 'L1',
      ...clock,
      notBefore: et('2026-12-02 11:00'),
    });
    expect(plan.every((p) => p.fireAt >= et('2026-12-02 11:00'))).toBe(true);
    expect(plan[0]!.reason).toContain('due already, so now');
  });

  it('moves an after-breach step that lands outside coverage to the next coverage start', () => {
    const opened = et('2026-12-03 15:00'); // Thursday; L2 due Friday 15:00, manager +120 min = 17:00
    const clock = responseDeadline(calendar, policy.levels.L2, opened);
    const manager = planEscalation(calendar, policy, { level: 'L2', ...clock, notBefore: opened }).find(
      (p) => p.id === 'l2-breach-manager',
    )!;
    expect(manager.fireAt).toBe(et('2026-12-07 05:00'));
    expect(manager.reason).toContain('moved to the next coverage start');
  });
});

describe('duty and data residency (I13)', () => {
  it('knows who is on duty in the roster time zone', () => {
    const ottawa = roster.responders.find((r) => r.id === 'specialist.ottawa')!;
    expect(onDuty(roster, ottawa, et('2026-11-30 07:59'))).toBe(false);
    expect(onDuty(roster, ottawa, et('2026-11-30 08:00'))).toBe(true);
    expect(onDuty(roster, ottawa, et('2026-12-04 16:00'))).toBe(false);
  });
  it('selects only Canada-based responders when required', () => {
    const at = et('2026-11-30 10:00');
    expect(
      select(roster, { role: 'agent', level: 'L3', canadaOnly: false, at })
        .map((r) => r.id)
        .sort(),
    ).toEqual(['specialist.ottawa', 'specialist.sydney']);
    expect(select(roster, { role: 'agent', level: 'L3', canadaOnly: true, at }).map((r) => r.id)).toEqual([
      'specialist.ottawa',
    ]);
  });
});
