/**
 * Facts and side effects of planned maintenance (C1, I9): who a window affects (customers whose
 * terms in force now place them in its regions, I15), one notice per customer to the
 * administrators in force when it is sent, each customer's notices of a round and the window's
 * record in the ledger, written once.
 */
import { ApplicationFailure, log } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { DateTime } from 'luxon';
import type { CustomerNotice, Ledger, MaintenanceRecord, WriteResult } from '../ledger/types';
import type { LoadedPolicy } from '../policy/load';
import type { EmailMessage } from './email';
import { revisitClosedMonths } from './late-records';

export interface MaintenanceDeps {
  policy: () => LoadedPolicy;
  ledger: Ledger;
  sendEmail: (message: EmailMessage) => Promise<unknown>;
  /** The engine's clock (epoch ms): when a notice really went out. */
  now: () => number | Promise<number>;
  /** Starts the re-run of a closed month the window touches (late data, I10, I14). */
  temporal: Client;
}

export interface MaintenanceNotice {
  messageId: string;
  customerId: string;
  kind: 'scheduled' | 'rescheduled' | 'cancelled';
  maintenanceId: string;
  version: number;
  start: string;
  end: string;
  regions: string[];
  description: string;
  /** For a cancellation (or a customer no longer affected): why. */
  reason?: string;
}

export interface NoticeSent {
  customerId: string;
  messageId: string;
  recipients: number;
  /** When the SMTP server (or outbox) accepted the message. */
  sentAt: string;
}

export function createMaintenanceActivities(deps: MaintenanceDeps) {
  const zone = () => deps.policy().policy.timeZone;
  const local = (iso: string) =>
    DateTime.fromISO(iso, { zone: zone() }).toFormat('cccc d LLLL yyyy, HH:mm (ZZZZ)');

  return {
    async maintenanceRules() {
      const loaded = deps.policy();
      return {
        noticeHours: loaded.policy.maintenanceNoticeHours,
        policyVersion: loaded.version,
        // For the audit: the policy's zone (I1), in which the notice's window is told.
        timeZone: loaded.policy.timeZone,
      };
    },

    /**
     * Customers in force now whose deployment region is among the window's, by id (no addresses
     * in history): a customer whose contract has ended, or not begun, is not told (I15).
     */
    async maintenanceAudience(input: { regions: string[] }): Promise<string[]> {
      const customers = await deps.ledger.customers();
      return customers
        .filter((c) => input.regions.includes(c.region))
        .map((c) => c.customerId)
        .sort();
    },

    /**
     * One customer's notice, to its administrators in force when it is sent. One activity per
     * customer, so that a retry resends only the message that failed.
     */
    async sendMaintenanceNotice(n: MaintenanceNotice): Promise<NoticeSent> {
      const customer = await deps.ledger.customer(n.customerId);
      if (!customer)
        throw ApplicationFailure.nonRetryable(
          `customer ${n.customerId} is not in the ledger`,
          'UnknownCustomer',
        );
      if (customer.administrators.length === 0)
        throw ApplicationFailure.nonRetryable(
          `customer ${n.customerId} has no administrator to notify`,
          'NoAdministrator',
        );
      const window = `${local(n.start)} → ${local(n.end)}\n(UTC ${n.start} → ${n.end})`;
      const subject =
        n.kind === 'cancelled'
          ? `[Maintenance cancelled] ${n.maintenanceId}`
          : `[Planned maintenance${n.kind === 'rescheduled' ? ', rescheduled' : ''}] ${n.maintenanceId}: ${local(n.start)}`;
      const text =
        n.kind === 'cancelled'
          ? [
              `The planned maintenance ${n.maintenanceId} announced for ${customer.name} will not take place in this window:`,
              window,
              `Reason: ${n.reason ?? 'cancelled'}`,
            ].join('\n')
          : [
              `Planned maintenance ${n.maintenanceId} for ${customer.name} (region ${customer.region}):`,
              window,
              '',
              n.description,
              '',
              n.kind === 'rescheduled'
                ? 'This notice replaces the earlier one for this maintenance.'
                : 'The service may be unavailable during this window.',
            ].join('\n');
      await deps.sendEmail({ messageId: n.messageId, to: customer.administrators, subject, text });
      const sentAt = new Date(await deps.now()).toISOString();
      log.info('maintenance notice sent', {
        maintenanceId: n.maintenanceId,
        version: n.version,
        customerId: n.customerId,
        kind: n.kind,
      });
      return {
        customerId: n.customerId,
        messageId: n.messageId,
        recipients: customer.administrators.length,
        sentAt,
      };
    },

    /**
     * A round's notices, one row per customer (I9 as amended: the close judges the window for
     * each customer by the notices that reached it). Written once by key: a retry writes nothing.
     */
    async recordMaintenanceNotices(input: {
      notices: CustomerNotice[];
    }): Promise<{ written: number; existing: number }> {
      return deps.ledger.recordMaintenanceNotices(input.notices);
    },

    /**
     * Written once per maintenanceId: a retry or a replayed workflow finds it there. A closed (or
     * closing) month the window touches, as announced or as run, is told to read it (I10, I14);
     * a cancelled window changes no month.
     */
    async recordMaintenance(record: MaintenanceRecord): Promise<WriteResult> {
      const result = await deps.ledger.recordMaintenance(record);
      if (record.status !== 'cancelled') {
        const starts = [record.start, record.actualStart ?? record.start].map(Date.parse);
        const ends = [record.end, record.actualEnd ?? record.end].map(Date.parse);
        await revisitClosedMonths(
          deps,
          { kind: 'maintenance', id: record.maintenanceId },
          {
            from: new Date(Math.min(...starts)).toISOString(),
            to: new Date(Math.max(...ends)).toISOString(),
          },
        );
      }
      return result;
    },
  };
}
