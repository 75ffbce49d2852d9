/**
 * How the worker's codec marks a payload it cannot vouch for (src/codec/worker-codec.ts), read by
 * the workflow interceptors (src/workflows/interceptors.ts) in the workflow sandbox: no Node
 * imports here. The mark is metadata the codec adds after decoding, so a sender cannot forge its
 * absence; the reason is ASCII text.
 */
export const REFUSAL_METADATA = 'sla-refused';
/** What replaces a payload that does not authenticate: no converter reads this encoding. */
export const REFUSED_ENCODING = 'binary/refused';

export const ascii = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0x7f);
export const fromAscii = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
