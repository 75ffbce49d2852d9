/**
 * A ticket step's deliveries (C6–C8) in one activity: its pages first, then its email. One
 * activity rather than one per channel, because a Monday morning's breaches arrive in a herd
 * (C5, C6): an email of its own would be one more activity and one more workflow task per breach,
 * and that work would sit in the server and the worker beside the later tickets' pages
 * (docs/benchmarks.md, Herd). The pages still go first: the email waits at most for their one
 * attempt each (the paging endpoint's 10 s timeout), never for their retries.
 *
 * `once`: each delivery is tried once and its outcome returned, a failure included; the workflow
 * then retries each delivery that can still succeed on its own (`retry`, one delivery, thrown
 * failures retried by the activity's retry policy), so a page that fails never sends the email
 * twice, nor an email the pages. Counting (src/metrics/deliveries.ts) happens here as in
 * sendPage and sendEmail, whose code this calls; a retry does not count the step again.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { EmailMessage } from './email';
import type { PageEvent } from './paging';

export interface StepDeliveries {
  /** Triggers, one per paged responder, sent in this order before the email. */
  pages: PageEvent[];
  email: EmailMessage | null;
  /** `once`: try each once and report; `retry`: one delivery left from `once`, thrown until it lands. */
  mode: 'once' | 'retry';
}

export interface DeliveryOutcome {
  channel: 'page' | 'email';
  /** The page's dedup key or the email's Message-ID. */
  key: string;
  ok: boolean;
  /** Not delivered, and worth trying again (a timeout, 429 or 5xx, SMTP 4xx): not a refusal. */
  retryable: boolean;
  detail: string;
}

interface Senders {
  sendPage(event: PageEvent, countStep: boolean): Promise<unknown>;
  sendEmail(message: EmailMessage, countStep: boolean): Promise<unknown>;
}

export function createStepDeliveryActivities(senders: Senders) {
  return {
    async deliverStep(d: StepDeliveries): Promise<DeliveryOutcome[]> {
      if (d.mode === 'retry' && d.pages.length + (d.email ? 1 : 0) !== 1)
        throw ApplicationFailure.nonRetryable('a retry carries exactly one delivery', 'BadDelivery');
      const counted = d.mode === 'once';
      const outcomes: DeliveryOutcome[] = [];
      const attempt = async (
        channel: DeliveryOutcome['channel'],
        key: string,
        send: () => Promise<unknown>,
      ) => {
        try {
          await send();
          outcomes.push({ channel, key, ok: true, retryable: false, detail: key });
        } catch (err) {
          // A retry is Temporal's to make: the failure goes back to it, refusals as non-retryable.
          if (d.mode === 'retry') throw err;
          const refused = err instanceof ApplicationFailure && err.nonRetryable;
          outcomes.push({ channel, key, ok: false, retryable: !refused, detail: (err as Error).message });
        }
      };
      for (const page of d.pages) await attempt('page', page.dedupKey, () => senders.sendPage(page, counted));
      const email = d.email;
      if (email) await attempt('email', email.messageId, () => senders.sendEmail(email, counted));
      return outcomes;
    },
  };
}
