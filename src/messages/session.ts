/**
 * The session workflow's messages (C13, I12): its id, its status query and the update that ends
 * it, shared by the workflow (src/workflows/session.ts) and the clients. Sandbox-safe: types only
 * from src/model.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { EndSession, OpenSession } from '../model/ticket';

export const sessionWorkflowId = (sessionId: string) => `session-${sessionId}`;

export interface SessionStatus {
  sessionId: string;
  channel: OpenSession['channel'];
  responderId: string;
  startedAt: string;
  limitMinutes: number | null;
  policyVersion: string;
  notices: { kind: 'warning' | 'wrap-up'; at: string; messageId: string }[];
  endedAt: string | null;
  overLimit: boolean;
}

/** What ending a session answers (the same end when it is ended again). */
export interface SessionEnded {
  endedAt: string;
  minutes: number;
}

export const sessionStatus = defineQuery<SessionStatus>('status');
export const endSession = defineUpdate<SessionEnded, [EndSession]>('end');
