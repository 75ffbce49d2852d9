/**
 * PagerDuty's v3 webhook signature. PagerDuty signs each delivery's raw body with HMAC-SHA256
 * under the subscription's signing secret and sends the hex digest as
 *   X-PagerDuty-Signature: v1=<hex>[,v1=<hex>...]
 * (several entries while PagerDuty rotates the secret; entries of other versions are skipped).
 * A delivery is genuine when any v1 entry matches the digest under any configured secret,
 * compared in constant time, over the unaltered raw bytes (re-serialised JSON would differ).
 * https://developer.pagerduty.com/docs/webhooks/webhook-signatures/ ("Verifying Signatures")
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const V1 = /^v1=([0-9a-f]{64})$/i;

/** The v1 digests of the header, decoded; a malformed entry is no signature. */
export function v1Signatures(header: string | string[] | undefined): Buffer[] {
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  return text
    .split(',')
    .map((entry) => V1.exec(entry.trim())?.[1])
    .filter((hex): hex is string => hex !== undefined)
    .map((hex) => Buffer.from(hex, 'hex'));
}

export const pagingSignature = (raw: Buffer | string, secret: string): string =>
  createHmac('sha256', secret).update(raw).digest('hex');

/**
 * The index of the first secret under which some entry of the header signs `raw`; -1 when
 * none does. Every secret is compared with every entry, whichever matches.
 */
export function verifyPagingSignature(
  header: string | string[] | undefined,
  raw: Buffer,
  secrets: readonly string[],
): number {
  // Bounded: the header's size is Node's limit, but a thousand entries are no signature of ours.
  const given = v1Signatures(header).slice(0, 10);
  let matched = -1;
  secrets.forEach((secret, i) => {
    const expected = Buffer.from(pagingSignature(raw, secret), 'hex');
    for (const g of given) if (timingSafeEqual(g, expected) && matched < 0) matched = i;
  });
  return matched;
}
