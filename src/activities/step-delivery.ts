/**
 * A ticket step's deliveries (C6–C8) in one activity: its pages first, then its email. One
 * activity rather than one per channel, because a Monday morning's breaches arrive in a herd
 * (C5, C6): an email of its own would be one more activity and one more workflow task per breach,
 * and that work would sit in the server and the worker beside the later tickets' pages
 * (docs/benchmarks.md, Herd). The pages still go first, side by side: the email waits for their
 * one attempt (the paging endpoint's 10 s timeout at most), never for their retries.
 *
 * `once`: each delivery is tried once and its outcome returned, a failure included; the workflow
 * then retries each delivery that can still succeed on its own (`retry`, one delivery, thrown
 * failures retried by the activity's retry policy), so a page that fails never sends the email
 * twice, nor an email the pages. An attempt lost with its worker is retried delivery by delivery
 * too, at least once each, as a lost sendPage or sendEmail was (a page's dedup key folds a second
 * trigger; an email's Message-ID marks a second copy). Counting (src/metrics/deliveries.ts) is
 * sendPage's and sendEmail's, whose code this calls; a retry does not count the step again.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { EmailMessage } from './email';
import type { PageEvent } from './paging';

export interface StepDeliveries {
  /** Triggers, one per paged responder, sent side by side before the email. */
  pages: PageEvent[];
  email: EmailMessage | null;
  /**
   * `once`: try each once and report, in the order given (pages, then the email); `retry`: one
   * delivery left from `once`, thrown until it lands.
   */
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

interface Sender<T> {
  count(delivery: T): void;
  send(delivery: T): Promise<unknown>;
}

export function createStepDeliveryActivities(deps: { page: Sender<PageEvent>; email: Sender<EmailMessage> }) {
  return {
    async deliverStep(d: StepDeliveries): Promise<DeliveryOutcome[]> {
      if (d.mode === 'retry' && d.pages.length + (d.email ? 1 : 0) !== 1)
        throw ApplicationFailure.nonRetryable('a retry carries exactly one delivery', 'BadDelivery');
      const email = d.email;
      if (d.mode === 'once') {
        // The step is counted before anything is sent, so that an attempt lost midway (a worker
        // gone) still counts it; its retries, one delivery each, do not count it again.
        for (const page of d.pages) deps.page.count(page);
        if (email) deps.email.count(email);
      }
      const attempt = async (
        channel: DeliveryOutcome['channel'],
        key: string,
        send: () => Promise<unknown>,
      ): Promise<DeliveryOutcome> => {
        try {
          await send();
          return { channel, key, ok: true, retryable: false, detail: key };
        } catch (err) {
          // A retry is Temporal's to make: the failure goes back to it, refusals as non-retryable.
          if (d.mode === 'retry') throw err;
          const refused = err instanceof ApplicationFailure && err.nonRetryable;
          return { channel, key, ok: false, retryable: !refused, detail: String(err) };
        }
      };
      // The pages side by side (each bounded by the paging endpoint's 10 s timeout), then the email.
      const outcomes = await Promise.all(
        d.pages.map((page) => attempt('page', page.dedupKey, () => deps.page.send(page))),
      );
      if (email) outcomes.push(await attempt('email', email.messageId, () => deps.email.send(email)));
      return outcomes;
    },
  };
}
