/**
 * Paging in the PagerDuty Events API v2 shape: `trigger`, `acknowledge` and `resolve` events with a
 * routing key and a dedup key fixed per ticket, step and responder. Sent to SLA_PAGING_URL when set
 * (PagerDuty's /v2/enqueue or anything speaking the same JSON), else appended to a local paging
 * log. A retried event carries the same dedup key, which the provider folds into one incident.
 */
import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ApplicationFailure, log } from '@temporalio/activity';
import { countDelivery, countStep } from '../metrics/deliveries';
import type { LoadedPolicy } from '../policy/load';
import { PRIVATE_DIR, PRIVATE_FILE, tightenFile } from '../private-files';

export interface PageEvent {
  routingKey: string;
  action: 'trigger' | 'acknowledge' | 'resolve';
  dedupKey: string;
  summary?: string;
  severity?: 'critical' | 'error' | 'warning' | 'info';
  source?: string;
  customDetails?: Record<string, string | number | boolean>;
}

/** The JSON body of the Events API v2. */
export function eventsApiBody(e: PageEvent) {
  return {
    routing_key: e.routingKey,
    event_action: e.action,
    dedup_key: e.dedupKey,
    ...(e.action === 'trigger'
      ? {
          payload: {
            summary: e.summary ?? e.dedupKey,
            source: e.source ?? 'sla-engine',
            severity: e.severity ?? 'error',
            custom_details: e.customDetails ?? {},
          },
        }
      : {}),
  };
}

export interface PagingSink {
  send(event: PageEvent): Promise<void>;
}

export function httpPagingSink(url: string, fetchFn: typeof fetch = fetch): PagingSink {
  return {
    async send(event) {
      const res = await fetchFn(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(eventsApiBody(event)),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) return;
      const detail = `paging endpoint answered ${res.status}`;
      // 429 and 5xx are worth retrying; any other 4xx means the event itself is wrong.
      if (res.status === 429 || res.status >= 500) throw new Error(detail);
      throw ApplicationFailure.nonRetryable(detail, 'PageRejected');
    },
  };
}

/**
 * The paging log: created 0600 (an existing one tightened when the worker starts). Its directory
 * is created 0700 but an existing one left as it is: SLA_PAGING_LOG may name a shared log
 * directory.
 */
export function filePagingSink(file: string): PagingSink {
  tightenFile(file);
  return {
    async send(event) {
      await mkdir(dirname(file), { recursive: true, mode: PRIVATE_DIR });
      await appendFile(
        file,
        `${JSON.stringify({ at: new Date().toISOString(), ...eventsApiBody(event) })}\n`,
        { mode: PRIVATE_FILE },
      );
    },
  };
}

/** A page's sending and the counting of the ticket step it stands for, apart. */
export function pageSender(deps: { sink: PagingSink; policy?: () => LoadedPolicy }) {
  return {
    /** The ticket step this page fires, counted where it stands for it (src/metrics/deliveries.ts). */
    count(event: PageEvent): void {
      // A ticket step's page carries its level and step id (the ticket workflow sets them).
      const { level, step } = event.customDetails ?? {};
      if (deps.policy && event.action === 'trigger')
        countStep(deps.policy(), {
          channel: 'page',
          level: typeof level === 'string' ? level : undefined,
          stepId: typeof step === 'string' ? step : undefined,
        });
    },
    async send(event: PageEvent): Promise<{ dedupKey: string; action: PageEvent['action'] }> {
      await countDelivery('page', () => deps.sink.send(event));
      log.info('page sent', { dedupKey: event.dedupKey, action: event.action });
      return { dedupKey: event.dedupKey, action: event.action };
    },
  };
}

export function createPagingActivities(deps: { sink: PagingSink; policy?: () => LoadedPolicy }) {
  const page = pageSender(deps);
  return {
    async sendPage(event: PageEvent): Promise<{ dedupKey: string; action: PageEvent['action'] }> {
      page.count(event);
      return page.send(event);
    },
  };
}
