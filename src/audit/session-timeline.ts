/**
 * How an auditor reads a support session's history (C13, I12): the session, the limit rules and
 * their policy version, each notice (warning, wrap-up) with its instant and delivery, the end.
 */
import type { OpenSession } from '../model/ticket';
import type { SessionStatus } from '../messages/session';
import { activityEntry, updateEntry, type Interpreter } from './timeline';

export function sessionInterpreter(): Interpreter {
  let session: OpenSession | undefined;
  let rules:
    | { enabled: boolean; limitMinutes: number; warningBeforeMinutes: number; policyVersion: string }
    | undefined;
  const notices: { kind: string; at: string; ok: boolean }[] = [];
  let final: SessionStatus | undefined;
  return {
    started(args, ev) {
      session = args[0] as OpenSession;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'opened',
          summary: `session ${session.sessionId} on ${session.channel} with ${session.responderId}${session.ticketId ? ` for ticket ${session.ticketId}` : ''}`,
          detail: session,
        },
      ];
    },
    activity(s) {
      if (s.name === 'sessionRules') {
        rules = s.result as typeof rules;
        return [
          activityEntry(
            s,
            'rules',
            rules?.enabled
              ? `limit ${rules.limitMinutes} minutes, warning ${rules.warningBeforeMinutes} minutes before (policy ${rules.policyVersion})`
              : `no limit: switched off by policy ${rules?.policyVersion ?? ''}`,
            rules,
          ),
        ];
      }
      if (s.name === 'sendSessionNotice') {
        const n = s.args?.[0] as { kind: string; messageId: string; limitMinutes: number } | undefined;
        notices.push({ kind: n?.kind ?? '', at: s.at, ok: !s.failure });
        return [
          activityEntry(
            s,
            n?.kind ?? 'notice',
            `${n?.kind ?? 'notice'} notice ${n?.messageId ?? ''} to the responder`,
          ),
        ];
      }
      return [activityEntry(s, s.name, `activity ${s.name}`)];
    },
    update(u) {
      const r = (u.result ?? {}) as { endedAt?: string; minutes?: number };
      return [
        updateEntry(
          u,
          u.name === 'end'
            ? u.at === null
              ? 'end requested (not answered yet)'
              : `ended at ${r.endedAt ?? '?'} after ${r.minutes?.toFixed(1) ?? '?'} minutes`
            : `message ${u.name}`,
          u.name === 'end' ? 'ended' : 'message',
        ),
      ];
    },
    closed(ev, result) {
      final = result as SessionStatus | undefined;
      return [
        {
          at: ev.at,
          eventId: ev.id,
          kind: 'final',
          summary: final
            ? `final: ${final.overLimit ? 'over the limit' : 'within the limit'}, ${final.notices.length} notice(s), ended ${final.endedAt ?? '—'}`
            : `closed: ${ev.type}`,
          outcome: ev.failure ? 'failed' : 'ok',
          detail: final,
        },
      ];
    },
    facts: () => ({ session, rules, notices, overLimit: final?.overLimit ?? null }),
  };
}
