/**
 * Who acknowledged an outage page (C9, I7): the paging provider's agent matched to the roster.
 *
 * The provider names the agent by its own user id and a display name (PagerDuty V3 webhook
 * `event.agent` = {id, summary}). A display name is a fragile key (two people with one name, a
 * renamed user), so the provider's user id is matched first, exactly, against the roster's
 * `pagingUserId`; only when no responder has that id does the matching of the name or id
 * against a responder's id, name or email (case-insensitive) apply, and a text that fits two
 * responders credits neither.
 *
 * The acknowledgement carries the two as separate fields, `agentId` and `agent` (the display
 * name, what `ackAgent` shows); the verdict goes back into the outage's status as `ackAgentMatch`.
 */
import type { Responder, Roster } from '../roster/schema';

/** The acknowledging agent as the provider names them; either part may be missing. */
export interface Agent {
  id?: string;
  summary?: string;
}

export type AgentMatch =
  /** Credited: the responder whose pagingUserId is the agent's id, or the one whose id, name or email the text is. */
  | { kind: 'matched'; by: 'pagingUserId' | 'id' | 'name' | 'email'; responder: Responder }
  /** The text fits several responders (e.g. two people with one name): none is credited. */
  | { kind: 'ambiguous'; responderIds: string[] }
  /** Nobody in the roster: recorded as given, the paged responder is credited. */
  | { kind: 'unknown' };

const FIELDS = ['id', 'name', 'email'] as const;

/** I7 / C9: which roster responder the paging provider's agent is, if any (see the module's comment). */
export function matchAgent(roster: Pick<Roster, 'responders'>, agent: Agent): AgentMatch {
  if (agent.id !== undefined) {
    const byUserId = roster.responders.find((r) => r.pagingUserId === agent.id);
    if (byUserId) return { kind: 'matched', by: 'pagingUserId', responder: byUserId };
  }
  const texts = [agent.summary, agent.id]
    .filter((t): t is string => t !== undefined)
    .map((t) => t.trim().toLowerCase())
    .filter((t) => t !== '');
  const found = new Map<string, { responder: Responder; by: (typeof FIELDS)[number] }>();
  for (const text of texts)
    for (const r of roster.responders) {
      const by = FIELDS.find((f) => r[f].toLowerCase() === text);
      if (by && !found.has(r.id)) found.set(r.id, { responder: r, by });
    }
  if (found.size === 0) return { kind: 'unknown' };
  if (found.size > 1) return { kind: 'ambiguous', responderIds: [...found.keys()].sort() };
  const [only] = found.values();
  return { kind: 'matched', by: only!.by, responder: only!.responder };
}

/**
 * The match as the outage keeps it (`ackAgentMatch`) and the roster check answers it: how the
 * agent was credited, or the responders an ambiguous text fits (ids only: names stay in the roster).
 */
export type AgentVerdict = 'pagingUserId' | 'id' | 'name' | 'email' | 'unknown' | { ambiguous: string[] };

export function agentVerdict(match: AgentMatch): AgentVerdict {
  switch (match.kind) {
    case 'matched':
      return match.by;
    case 'ambiguous':
      return { ambiguous: match.responderIds };
    case 'unknown':
      return 'unknown';
  }
}
