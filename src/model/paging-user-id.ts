/**
 * A paging provider's user id (PagerDuty's "PLH1HKV"), the key by which an acknowledgement names
 * its agent (I7). One rule for the roster's `pagingUserId`, the paging webhook and the workflow's
 * zod-free checks, kept here, below all three, with no dependency of its own.
 */
/** Letters, digits and `._@:-`. */
export const PAGING_USER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@:-]*$/;
export const PAGING_USER_ID_MAX = 64;
export const PAGING_USER_ID_HINT =
  "expected the paging provider's user id (e.g. PagerDuty's PXXXXXX): letters, digits, dots, dashes, underscores, @ and colons";

/** Whether a provider's user id is one a roster's pagingUserId could be (the same rule). */
export const isPagingUserId = (id: string) =>
  id.length >= 1 && id.length <= PAGING_USER_ID_MAX && PAGING_USER_ID_PATTERN.test(id);
