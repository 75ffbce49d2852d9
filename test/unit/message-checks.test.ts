// The workflow's zod-free message checks against the zod schemas the client and API use: the same
// verdict on every input, and the same fields named.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { messageChecks } from '../../src/model/message-checks';
import { Assign, Escalate, FirstResponse, Reclassify, Reopen, Reply, Resolve } from '../../src/model/ticket';
import { field, idLike, itAgreesWithZod, instantLike, textLike } from '../helpers/checks';

const pairs = {
  assign: Assign,
  firstResponse: FirstResponse,
  reply: Reply,
  resolve: Resolve,
  reopen: Reopen,
  escalate: Escalate,
  reclassify: Reclassify,
} as const;

const message = fc.record(
  {
    requestId: field(idLike),
    responderId: field(idLike),
    by: field(idLike),
    at: field(instantLike),
    from: field(fc.constantFrom('agent', 'customer', 'bot')),
    reason: field(textLike(500)),
    level: field(fc.constantFrom('L1', 'L2', 'L3', 'L4', 'l1')),
    extra: fc.string(),
  },
  { requiredKeys: [] },
);

describe('workflow message checks (zod-free) agree with the zod schemas', () => {
  itAgreesWithZod(pairs, messageChecks, message, 500);

  it('names the field and what is wrong with it', () => {
    expect(() =>
      messageChecks.reclassify({ requestId: 'r-1', level: 'L9', by: 'lead', reason: 'wrong level' }),
    ).toThrow(/^level: expected one of L1, L2, L3$/);
    expect(() =>
      messageChecks.firstResponse({ requestId: 'f-1', responderId: 'a', at: '2026-11-30' }),
    ).toThrow(/^at: expected an ISO-8601 instant with an offset/);
    expect(() => messageChecks.assign({ requestId: 'a b' })).toThrow(
      /^requestId: expected letters, .*; responderId: expected a string, received undefined$/,
    );
    expect(() => messageChecks.reply('hello')).toThrow(/^\(input\): expected an object/);
  });
});
