// Each webhook source's secret from the environment (C9, I7): SLA_ALERTS_TOKEN,
// SLA_ALERTMANAGER_TOKEN, SLA_PAGING_SIGNING_SECRETS; the one shared SLA_WEBHOOK_TOKEN is refused,
// naming the three that replace it; one secret given to two sources is refused.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { configError as refusal } from '../helpers/config';

const configError = (env: Record<string, string>) => refusal(() => loadConfig(env));

describe('webhook secrets', () => {
  it('none set: every webhook is off', () => {
    expect(loadConfig({}).webhooks).toEqual({
      alertsToken: undefined,
      alertmanagerToken: undefined,
      pagingSigningSecrets: [],
    });
  });

  it('one per source; several PagerDuty signing secrets, newest first', () => {
    const config = loadConfig({
      SLA_ALERTS_TOKEN: 'alerts-token-0123456789',
      SLA_ALERTMANAGER_TOKEN: 'alertmanager-token-0123456789',
      SLA_PAGING_SIGNING_SECRETS: 'paging-secret-new-0123456789, paging-secret-old-0123456789',
    });
    expect(config.webhooks).toEqual({
      alertsToken: 'alerts-token-0123456789',
      alertmanagerToken: 'alertmanager-token-0123456789',
      pagingSigningSecrets: ['paging-secret-new-0123456789', 'paging-secret-old-0123456789'],
    });
  });

  it('SLA_WEBHOOK_TOKEN is refused, naming the three settings that replace it', () => {
    const message = configError({ SLA_WEBHOOK_TOKEN: 'test-webhook-token-0123456789' });
    expect(message).toMatch(/SLA_WEBHOOK_TOKEN: no longer read/);
    for (const name of ['SLA_ALERTS_TOKEN', 'SLA_ALERTMANAGER_TOKEN', 'SLA_PAGING_SIGNING_SECRETS'])
      expect(message).toContain(name);
    expect(message).not.toContain('test-webhook-token');
  });

  it('a short secret, or one secret for two sources, is refused without quoting it', () => {
    expect(configError({ SLA_ALERTS_TOKEN: 'short' })).toMatch(
      /SLA_ALERTS_TOKEN: expected a secret of at least 16/,
    );
    expect(configError({ SLA_PAGING_SIGNING_SECRETS: 'paging-secret-0123456789,short' })).toMatch(
      /SLA_PAGING_SIGNING_SECRETS\.1: expected a secret of at least 16/,
    );
    const shared = 'the-same-secret-0123456789';
    const message = configError({ SLA_ALERTS_TOKEN: shared, SLA_PAGING_SIGNING_SECRETS: shared });
    expect(message).toMatch(/the same secret is given twice/);
    expect(message).not.toContain(shared);
  });
});
