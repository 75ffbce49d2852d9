/**
 * The webhook sources' secrets for tests, and PagerDuty's signing of a delivery: the HMAC-SHA256
 * of the raw body under a signing secret, hex, as `v1=<hex>` (one entry per secret, comma-separated).
 */
import { createHmac } from 'node:crypto';

export const ALERTS_TOKEN = 'test-alerts-token-0123456789';
export const ALERTMANAGER_TOKEN = 'test-alertmanager-token-0123456789';
/** Newest first: the second is the one being rotated out. */
export const PAGING_SECRETS = ['test-paging-secret-new-0123456789', 'test-paging-secret-old-0123456789'];

export const WEBHOOK_ENV = {
  SLA_ALERTS_TOKEN: ALERTS_TOKEN,
  SLA_ALERTMANAGER_TOKEN: ALERTMANAGER_TOKEN,
  SLA_PAGING_SIGNING_SECRETS: PAGING_SECRETS.join(','),
};

/** The X-PagerDuty-Signature PagerDuty would send for `raw` under these secrets. */
export const signPaging = (raw: string, ...secrets: string[]): string =>
  secrets.map((s) => `v1=${createHmac('sha256', s).update(raw, 'utf8').digest('hex')}`).join(',');
