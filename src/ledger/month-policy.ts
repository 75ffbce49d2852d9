/**
 * The policy a month is judged by (I15): the version in force when the month's close first
 * began, recorded in the ledger with the month, so that a re-run or an adjusting entry months
 * later applies the same tiers, zone and notice hours, whatever the policy file says by then.
 */
import type { Ledger } from './types';
import { policyFromRecord, type LoadedPolicy } from '../policy/load';

type PolicyLedger = Pick<
  Ledger,
  'recordPolicyVersion' | 'recordMonthPolicy' | 'monthPolicy' | 'policyVersion'
>;

export interface MonthPolicies {
  /**
   * The month's policy, recording `current` as it when the month has none yet: called when a
   * close begins. A policy written to the ledger is never edited, so the answer never changes.
   */
  judge(month: string): Promise<LoadedPolicy>;
  /** The month's recorded policy and when it was recorded, or null when no close of it has begun. */
  recorded(month: string): Promise<{ loaded: LoadedPolicy; recordedAt: string } | null>;
}

export function monthPolicies(ledger: PolicyLedger, current: () => LoadedPolicy): MonthPolicies {
  // Versions are content hashes: a parsed version never goes stale.
  const parsed = new Map<string, Promise<LoadedPolicy>>();
  const byVersion = (version: string): Promise<LoadedPolicy> => {
    let p = parsed.get(version);
    if (!p) {
      p = ledger.policyVersion(version).then((record) => {
        if (!record)
          throw new Error(`policy ${version} is recorded for a month but not stored in the ledger`);
        return policyFromRecord(record);
      });
      // A failed read is not remembered: the next call asks the ledger again.
      p.catch(() => parsed.delete(version));
      parsed.set(version, p);
    }
    return p;
  };
  return {
    async judge(month) {
      const known = await ledger.monthPolicy(month);
      if (known) return byVersion(known.policyVersion);
      const now = current();
      await ledger.recordPolicyVersion({ version: now.version, policy: now.policy });
      // Two closes beginning at once: the first recorded wins for both.
      const first = await ledger.recordMonthPolicy(month, now.version);
      return first.policyVersion === now.version ? now : byVersion(first.policyVersion);
    },
    async recorded(month) {
      const known = await ledger.monthPolicy(month);
      return known ? { loaded: await byVersion(known.policyVersion), recordedAt: known.recordedAt } : null;
    },
  };
}
