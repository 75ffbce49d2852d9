// Who acknowledged an outage page (C9, I7): the paging provider's agent matched to the roster by
// its user id (pagingUserId) first, then by a responder's id, name or email; a text that fits
// two responders credits neither. The roster's pagingUserId is validated and unique.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createOutageActivities } from '../../src/activities/outages';
import { loadPolicy } from '../../src/policy';
import { issuesOf } from '../../src/errors';
import { isPagingUserId } from '../../src/model/paging-user-id';
import { agentVerdict, matchAgent } from '../../src/rules/agent';
import { loadRoster } from '../../src/roster/load';
import { Roster, type Responder } from '../../src/roster/schema';

const always = [{ from: { day: 'monday', time: '00:00' }, to: { day: 'sunday', time: '24:00' } }] as const;
function person(id: string, name: string, pagingUserId?: string): Responder {
  return {
    id,
    name,
    email: `${id}@support.example`,
    pagingKey: `routing-${id}`,
    ...(pagingUserId === undefined ? {} : { pagingUserId }),
    country: 'CA',
    roles: ['l3-primary'],
    levels: ['L3'],
    duty: [...always],
  };
}

const roster = {
  responders: [
    person('dana.ottawa', 'Dana Tremblay', 'PDANA01'),
    person('dana.toronto', 'Dana Tremblay', 'PDANA02'),
    person('sam.sydney', 'Sam Lee', 'PSAM001'),
    person('kim.london', 'Kim Park'),
  ],
};
const matched = (by: string, id: string) => ({
  kind: 'matched',
  by,
  responder: expect.objectContaining({ id }),
});

describe('matchAgent (C9, I7)', () => {
  it("credits the responder whose pagingUserId is the agent's id, whatever display name comes with it", () => {
    expect(matchAgent(roster, { id: 'PDANA02', summary: 'Dana Tremblay' })).toEqual(
      matched('pagingUserId', 'dana.toronto'),
    );
    // A renamed user, or a name that is another responder's: the provider's user id decides.
    expect(matchAgent(roster, { id: 'PSAM001', summary: 'Samantha Lee-Wong' })).toEqual(
      matched('pagingUserId', 'sam.sydney'),
    );
    expect(matchAgent(roster, { id: 'PSAM001', summary: 'Kim Park' })).toEqual(
      matched('pagingUserId', 'sam.sydney'),
    );
    expect(matchAgent(roster, { id: 'PSAM001' })).toEqual(matched('pagingUserId', 'sam.sydney'));
  });

  it('matches pagingUserId exactly: another case is not the same user id', () => {
    expect(matchAgent(roster, { id: 'psam001' })).toEqual({ kind: 'unknown' });
  });

  it('without a responder holding the user id, falls back to a roster id, name or email, case-insensitive', () => {
    expect(matchAgent(roster, { id: 'PNOBODY', summary: '  kim park ' })).toEqual(
      matched('name', 'kim.london'),
    );
    expect(matchAgent(roster, { id: 'PNOBODY', summary: 'KIM.LONDON@support.example' })).toEqual(
      matched('email', 'kim.london'),
    );
    expect(matchAgent(roster, { id: 'kim.london' })).toEqual(matched('id', 'kim.london'));
    expect(matchAgent(roster, { summary: 'Sam Lee' })).toEqual(matched('name', 'sam.sydney'));
  });

  it('a name two responders share credits neither: ambiguous, naming both', () => {
    expect(matchAgent(roster, { id: 'PNOBODY', summary: 'Dana Tremblay' })).toEqual({
      kind: 'ambiguous',
      responderIds: ['dana.ottawa', 'dana.toronto'],
    });
    // The name fits one responder and the id text another: which one is unsure, so neither.
    expect(matchAgent(roster, { id: 'kim.london', summary: 'Sam Lee' })).toEqual({
      kind: 'ambiguous',
      responderIds: ['kim.london', 'sam.sydney'],
    });
  });

  it('an agent the roster does not know is unknown', () => {
    expect(matchAgent(roster, { id: 'PZZZZZZ', summary: 'Night operator' })).toEqual({ kind: 'unknown' });
    expect(matchAgent(roster, { summary: '   ' })).toEqual({ kind: 'unknown' });
    expect(matchAgent(roster, {})).toEqual({ kind: 'unknown' });
  });
});

describe('agentVerdict: the match as the outage keeps it (ackAgentMatch)', () => {
  it('says how the agent was credited, or which responders an ambiguous name fits (ids only)', () => {
    expect(agentVerdict(matchAgent(roster, { id: 'PSAM001' }))).toBe('pagingUserId');
    expect(agentVerdict(matchAgent(roster, { summary: 'Kim Park' }))).toBe('name');
    expect(agentVerdict(matchAgent(roster, { summary: 'Dana Tremblay' }))).toEqual({
      ambiguous: ['dana.ottawa', 'dana.toronto'],
    });
    expect(agentVerdict(matchAgent(roster, { id: 'PZZZZZZ' }))).toBe('unknown');
  });
});

describe("the roster's pagingUserId", () => {
  const parse = (responders: Responder[]) => {
    const r = Roster.safeParse({ timeZone: 'America/Toronto', responders });
    return r.success ? [] : issuesOf(r.error);
  };

  it('is optional, and the built-in roster gives one to everyone who can be paged for an outage (Level 3)', () => {
    expect(parse([person('kim.london', 'Kim Park')])).toEqual([]);
    const builtIn = loadRoster(undefined);
    for (const r of builtIn.responders)
      expect(r.pagingUserId !== undefined, r.id).toBe(r.levels.includes('L3'));
  });

  it("is the rule the acknowledgement's agentId and the paging webhook use (isPagingUserId)", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._@:-]{0,70}$/)),
        (id) => {
          expect(isPagingUserId(id)).toBe(parse([person('a', 'A', id)]).length === 0);
        },
      ),
    );
  });

  it('is refused empty, too long or with odd characters, naming the field', () => {
    expect(
      parse([person('a', 'A', ''), person('b', 'B', 'P'.repeat(65)), person('c', 'C', 'P ABC')]),
    ).toEqual([
      { path: 'responders[0].pagingUserId', message: expect.stringMatching(/>=1 characters/) },
      { path: 'responders[1].pagingUserId', message: expect.stringMatching(/<=64 characters/) },
      {
        path: 'responders[2].pagingUserId',
        message: expect.stringMatching(/^expected the paging provider's user id/),
      },
    ]);
  });

  it('is unique: a duplicate names both responders; so is a duplicate responder id', () => {
    expect(parse([person('a', 'A', 'PSAME01'), person('b', 'B'), person('c', 'C', 'PSAME01')])).toEqual([
      { path: 'responders[2].pagingUserId', message: 'pagingUserId PSAME01 is given to both a and c' },
    ]);
    expect(parse([person('a', 'A'), person('a', 'A2')])).toEqual([
      {
        path: 'responders[1].id',
        message: 'responder ids must be unique: a is given to both responders[0] and responders[1]',
      },
    ]);
  });
});

describe('checkOutageResponder: who engaged an outage (C9, I7)', () => {
  // Two people with one name, and a Level 2 agent known to the provider by user id.
  const r = Roster.parse({
    timeZone: 'America/Toronto',
    responders: [
      ...roster.responders,
      { ...person('agent.toronto', 'Toronto agent', 'PAGENT1'), roles: ['agent'], levels: ['L1', 'L2'] },
    ],
  });
  // Only the roster is read by this activity; the policy, ledger and Temporal client are not.
  const activities = createOutageActivities({
    roster: () => r,
    policy: () => loadPolicy({}),
    ledger: undefined as never,
    temporal: undefined as never,
    now: () => Date.now(),
  });
  const ack = (agent?: { id?: string; summary?: string }) =>
    activities.checkOutageResponder({
      responderId: 'kim.london',
      ...(agent?.summary === undefined ? {} : { agent: agent.summary }),
      ...(agent?.id === undefined ? {} : { agentId: agent.id }),
    });

  it('credits the agent by pagingUserId, whatever name comes with it', async () => {
    expect(await ack({ id: 'PDANA01', summary: 'Sam Lee' })).toEqual({
      name: 'Dana Tremblay',
      responderId: 'dana.ottawa',
      agentMatch: 'pagingUserId',
    });
  });

  it('a name two responders share credits the paged responder and says the agent was ambiguous', async () => {
    expect(await ack({ id: 'PNOBODY', summary: 'Dana Tremblay' })).toEqual({
      name: 'Kim Park',
      responderId: 'kim.london',
      agentMatch: { ambiguous: ['dana.ottawa', 'dana.toronto'] },
    });
  });

  it('an unknown agent, or none, credits the paged responder', async () => {
    expect(await ack({ summary: 'Night operator' })).toMatchObject({
      responderId: 'kim.london',
      agentMatch: 'unknown',
    });
    expect(await ack()).toEqual({ name: 'Kim Park', responderId: 'kim.london' });
  });

  it('an agent matched below Level 3 is refused naming the field that matched it', async () => {
    await expect(ack({ id: 'PAGENT1', summary: 'Dana Tremblay' })).rejects.toThrow(
      /^agentId: agent\.toronto is not a Level 3 responder/,
    );
    await expect(ack({ summary: 'Toronto agent' })).rejects.toThrow(
      /^agent: agent\.toronto is not a Level 3 responder/,
    );
  });
});
