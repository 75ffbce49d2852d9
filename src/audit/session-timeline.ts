/**
 * How an auditor reads a support session's history (C13, I12): the session, the limit rules and
 * their policy version, each notice (warning, wrap-up) with its instant and delivery, the end.
 */
import type { Activities } from '../activities';
import type { OpenSession } from '../model/ticket';
import { endSession } from '../messages/session';
import { update, type Reading } from './interpret';
import { activityEntry, eventEntry } from './render';

export function sessionReading(): Reading<'sessionWorkflow'> {
  let session: OpenSession | undefined;
  let rules: Awaited<ReturnType<Activities['sessionRules']>> | undefined;
  const notices: { kind: string; at: string; ok: boolean }[] = [];
  return {
    started([s], ev) {
      session = s;
      const ticket = s.ticketId ? ` for ticket ${s.ticketId}` : '';
      return [
        eventEntry(ev, 'opened', `session ${s.sessionId} on ${s.channel} with ${s.responderId}${ticket}`, s),
      ];
    },
    activities: {
      sessionRules(s) {
        const r = (rules = s.result);
        const text = r?.enabled
          ? `limit ${r.limitMinutes} minutes, warning ${r.warningBeforeMinutes} minutes before (policy ${r.policyVersion})`
          : `no limit: switched off by policy ${r?.policyVersion ?? ''}`;
        return [activityEntry(s, 'rules', text, r)];
      },
      sendSessionNotice(s) {
        const n = s.args?.[0];
        notices.push({ kind: n?.kind ?? '', at: s.at, ok: !s.failure });
        const kind = n?.kind ?? 'notice';
        return [activityEntry(s, kind, `${kind} notice ${n?.messageId ?? ''} to the responder`)];
      },
    },
    updates: [
      update(endSession, 'ended', ({ at, result: r }) =>
        at === null
          ? 'end requested'
          : `ended at ${r?.endedAt ?? '?'} after ${r?.minutes.toFixed(1) ?? '?'} minutes`,
      ),
    ],
    final: (f) =>
      `final: ${f.overLimit ? 'over the limit' : 'within the limit'}, ${f.notices.length} notice(s), ended ${f.endedAt ?? '—'}`,
    unfinished: (ev) => `closed: ${ev.type}`,
    facts: (final) => ({ session, rules, notices, overLimit: final?.overLimit ?? null }),
  };
}
