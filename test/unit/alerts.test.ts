// Alertmanager's webhook body (C9, I7): a notification's status must agree with its alerts, and
// its instants are calendar instants, refused naming the field.
import { describe, expect, it } from 'vitest';
import { AlertmanagerWebhook, fromAlertmanager } from '../../src/model/alerts';
import { ReportOutage } from '../../src/model/outage';

const alert = (status: 'firing' | 'resolved') => ({
  status,
  labels: { alertname: 'ApiDown', region: 'eu-west' },
  annotations: {},
  startsAt: '2026-12-03T10:00:00Z',
  endsAt: status === 'resolved' ? '2026-12-03T10:30:00Z' : '0001-01-01T00:00:00Z',
  fingerprint: 'c2d1f0e9a8b7c6d5',
});
const body = (status: 'firing' | 'resolved', alerts: unknown[]) => ({
  version: '4',
  groupKey: 'g',
  status,
  receiver: 'sla-engine',
  groupLabels: {},
  commonLabels: {},
  commonAnnotations: {},
  alerts,
});
const pathsOf = (input: unknown) => {
  const r = AlertmanagerWebhook.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => i.path.join('.'));
};

describe('AlertmanagerWebhook', () => {
  it('refuses a firing notification whose alerts are all resolved, naming status', () => {
    expect(pathsOf(body('firing', [alert('resolved')]))).toEqual(['status']);
  });

  it('a firing notification reports its firing alerts only', () => {
    const parsed = AlertmanagerWebhook.parse(body('firing', [alert('resolved'), alert('firing')]));
    expect(fromAlertmanager(parsed)).toMatchObject({ kind: 'report', report: { regions: ['eu-west'] } });
  });

  it('refuses a start or an end outside calendar years, naming it; a firing alert keeps the zero endsAt', () => {
    const ancient = { ...alert('firing'), startsAt: '0000-01-01T00:00:00Z' };
    expect(pathsOf(body('firing', [ancient]))).toEqual(['alerts.0.startsAt']);
    const early = { ...alert('resolved'), startsAt: '1960-01-01T00:00:00Z', endsAt: '1960-01-01T01:00:00Z' };
    expect(pathsOf(body('resolved', [early])).sort()).toEqual(['alerts.0.endsAt', 'alerts.0.startsAt']);
    const late = { ...alert('resolved'), endsAt: '9999-12-31T23:59:59Z' };
    expect(pathsOf(body('resolved', [late]))).toEqual(['alerts.0.endsAt']);
    expect(pathsOf(body('firing', [alert('firing')]))).toEqual([]);
  });
});

describe('ReportOutage', () => {
  it('refuses a startedAt outside calendar years, naming it', () => {
    const report = { key: 'INC-1', summary: 'Down', regions: ['eu-west'], source: 'uptime' };
    for (const startedAt of ['0000-01-01T00:00:00Z', '1969-12-31T23:59:59Z', '2999-01-01T00:00:00Z']) {
      const r = ReportOutage.safeParse({ ...report, startedAt });
      expect(r.success ? [] : r.error.issues.map((i) => i.path.join('.'))).toEqual(['startedAt']);
    }
    expect(ReportOutage.safeParse({ ...report, startedAt: '2026-12-03T10:00:00Z' }).success).toBe(true);
  });
});
