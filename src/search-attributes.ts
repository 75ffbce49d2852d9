/**
 * Custom search attributes, so that on-call can ask Temporal (CLI or Web UI) for breached or
 * at-risk work: `SlaState = 'breached'`. They carry no personal data (customer ids only).
 * Registered by `sla up` on the embedded dev server and by the test harness; on a cluster, with
 * `temporal operator search-attribute create` (README, Operations).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SlaCustomer = defineSearchAttributeKey('SlaCustomer', SearchAttributeType.KEYWORD);
export const SlaLevel = defineSearchAttributeKey('SlaLevel', SearchAttributeType.KEYWORD);
export const SlaState = defineSearchAttributeKey('SlaState', SearchAttributeType.KEYWORD);
export const SlaDueAt = defineSearchAttributeKey('SlaDueAt', SearchAttributeType.DATETIME);
/** A maintenance window's announced start (its state is in SlaState: scheduled, in-progress, …). */
export const SlaWindowStart = defineSearchAttributeKey('SlaWindowStart', SearchAttributeType.DATETIME);

export const SEARCH_ATTRIBUTES = [SlaCustomer, SlaLevel, SlaState, SlaDueAt, SlaWindowStart];
