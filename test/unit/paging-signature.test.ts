// PagerDuty's v3 webhook signature (C9, I7): the HMAC-SHA256 of the raw body, hex, in
// X-PagerDuty-Signature as `v1=<hex>` entries; any entry under any configured secret is genuine.
import { describe, expect, it } from 'vitest';
import { v1Signatures, verifyPagingSignature } from '../../src/api/paging-signature';
import { PAGING_SECRETS, signPaging } from '../helpers/webhooks';

const [NEW, OLD] = PAGING_SECRETS as [string, string];
const body = '{"event":{"id":"01DEN4HPBQAAAG05V5QQYBRZMF","event_type":"incident.acknowledged"}}';
const raw = Buffer.from(body);

describe('verifyPagingSignature', () => {
  it('accepts the signature under the newest secret (index 0) and under an older one (index 1)', () => {
    expect(verifyPagingSignature(signPaging(body, NEW), raw, PAGING_SECRETS)).toBe(0);
    expect(verifyPagingSignature(signPaging(body, OLD), raw, PAGING_SECRETS)).toBe(1);
  });

  it('accepts a header of several v1 entries when any matches (PagerDuty rotating its secret)', () => {
    const unknown = signPaging(body, 'a-secret-nobody-configured-0123');
    expect(verifyPagingSignature(`${unknown},${signPaging(body, OLD)}`, raw, PAGING_SECRETS)).toBe(1);
    expect(verifyPagingSignature(`${unknown}, ${signPaging(body, NEW)}`, raw, PAGING_SECRETS)).toBe(0);
    expect(verifyPagingSignature(signPaging(body, NEW, OLD), raw, [OLD])).toBe(0);
  });

  it('refuses a signature of another body, under an unknown secret, or of the body re-serialised', () => {
    expect(verifyPagingSignature(signPaging(`${body} `, NEW), raw, PAGING_SECRETS)).toBe(-1);
    expect(verifyPagingSignature(signPaging(body, 'another-secret-0123456789'), raw, PAGING_SECRETS)).toBe(
      -1,
    );
    const reserialised = JSON.stringify(JSON.parse(body), null, 1);
    expect(verifyPagingSignature(signPaging(body, NEW), Buffer.from(reserialised), PAGING_SECRETS)).toBe(-1);
    expect(verifyPagingSignature(signPaging(body, NEW), raw, [])).toBe(-1);
  });

  it('refuses a missing or malformed header: no prefix, another version, short or non-hex digests', () => {
    const hex = signPaging(body, NEW).slice('v1='.length);
    for (const header of [
      undefined,
      '',
      hex,
      `v0=${hex}`,
      `v2=${hex}`,
      `v1=${hex.slice(0, 62)}`,
      `v1=${hex}00`,
      `v1=${'g'.repeat(64)}`,
      'v1=,v1',
      `v1 = ${hex}`,
    ])
      expect({ header, index: verifyPagingSignature(header, raw, PAGING_SECRETS) }).toEqual({
        header,
        index: -1,
      });
  });

  it('reads v1 entries only, case-insensitive hex, skipping the others', () => {
    const hex = signPaging(body, NEW).slice('v1='.length);
    expect(v1Signatures(`v2=abc,v1=${hex.toUpperCase()},junk`)).toEqual([Buffer.from(hex, 'hex')]);
    expect(verifyPagingSignature(`v1=${hex.toUpperCase()}`, raw, PAGING_SECRETS)).toBe(0);
    // A header sent twice arrives as an array: both are read.
    expect(verifyPagingSignature(['v1=00', `v1=${hex}`], raw, PAGING_SECRETS)).toBe(0);
  });
});
