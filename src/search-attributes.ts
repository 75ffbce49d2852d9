/**
 * Custom search attributes, so that on-call can ask Temporal (CLI or Web UI) for breached or
 * at-risk work: `SlaState = 'breached'`, or open outages: `SlaKind = 'outage' AND SlaPhase = 'open'`.
 * They carry no personal data (customer and roster ids only).
 * Registered by `sla up` on the embedded dev server and by the test harness; on a cluster, with
 * `temporal operator search-attribute create` (docs/operations.md, Production).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SlaCustomer = defineSearchAttributeKey('SlaCustomer', SearchAttributeType.KEYWORD);
export const SlaLevel = defineSearchAttributeKey('SlaLevel', SearchAttributeType.KEYWORD);
export const SlaState = defineSearchAttributeKey('SlaState', SearchAttributeType.KEYWORD);
export const SlaDueAt = defineSearchAttributeKey('SlaDueAt', SearchAttributeType.DATETIME);
/** What a workflow is about ("outage"), so that `SlaKind = 'outage'` lists outages. */
export const SlaKind = defineSearchAttributeKey('SlaKind', SearchAttributeType.KEYWORD);
/** Where an outage stands: open, engaged (a Level 3 acknowledged) or resolved. */
export const SlaPhase = defineSearchAttributeKey('SlaPhase', SearchAttributeType.KEYWORD);

/** A ticket's channel (C11), so that the queue filters by it: `SlaChannel = 'phone'`. */
export const SlaChannel = defineSearchAttributeKey('SlaChannel', SearchAttributeType.KEYWORD);
/** A ticket's assignee, a roster id (no name or address): absent while unassigned. */
export const SlaAssignee = defineSearchAttributeKey('SlaAssignee', SearchAttributeType.KEYWORD);
/** When a ticket's next escalation step fires; absent once its clock stops or has no step left. */
export const SlaNextStepAt = defineSearchAttributeKey('SlaNextStepAt', SearchAttributeType.DATETIME);

/** A maintenance window's announced start (its state is in SlaState: scheduled, in-progress, …). */
export const SlaWindowStart = defineSearchAttributeKey('SlaWindowStart', SearchAttributeType.DATETIME);

export const SEARCH_ATTRIBUTES = [
  SlaCustomer,
  SlaLevel,
  SlaState,
  SlaDueAt,
  SlaKind,
  SlaPhase,
  SlaWindowStart,
  SlaChannel,
  SlaAssignee,
  SlaNextStepAt,
];
