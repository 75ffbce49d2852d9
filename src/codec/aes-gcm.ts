/**
 * An AES-256-GCM PayloadCodec: every payload (workflow inputs and results, activity inputs and
 * results, local activity markers, update arguments, failure messages with encodeCommonAttributes)
 * is stored in Temporal as ciphertext. The whole Payload proto (its metadata included, which says
 * how the value was serialised) is encrypted, with a fresh 96-bit IV per payload; the key id is
 * in the outer metadata and bound into the tag as additional data, so a payload cannot be made to
 * pass as encrypted under another key. Decoding leaves payloads that were never encrypted as they
 * are, so histories written before encryption was switched on still read and replay.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { SlaError } from '../errors';
import { KEYS_VARIABLE, type CodecKey } from './keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
export const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES256GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const text = new TextEncoder();
const untext = new TextDecoder();

export class PayloadDecryptionError extends SlaError {
  override name = 'PayloadDecryptionError';
  constructor(message: string) {
    super('undecodable', message);
  }
}

export class AesGcmCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;
  private readonly current: CodecKey;

  constructor(keys: CodecKey[]) {
    if (keys.length === 0) throw new Error('AesGcmCodec needs at least one key');
    this.current = keys[0]!;
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key new payloads are encrypted with. */
  get keyId(): string {
    return this.current.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  encrypt(payload: Payload): Payload {
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(text.encode(this.current.id));
    const body = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return {
      metadata: {
        encoding: text.encode(ENCRYPTED_ENCODING),
        [KEY_ID_METADATA]: text.encode(this.current.id),
        [CIPHER_METADATA]: text.encode(CIPHER),
      },
      data: body,
    };
  }

  decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.encoding;
    if (!encoding || untext.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
    const idBytes = payload.metadata?.[KEY_ID_METADATA];
    const keyId = idBytes ? untext.decode(idBytes) : '';
    const key = this.byId.get(keyId);
    if (!key) {
      throw new PayloadDecryptionError(
        `a payload is encrypted with key "${keyId}", which is not in ${KEYS_VARIABLE} (keep retired keys there while histories need them)`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError('an encrypted payload is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(text.encode(keyId));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(`a payload encrypted with key "${keyId}" failed authentication`);
    }
    const decoded = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: decoded.metadata ?? {}, data: decoded.data ?? new Uint8Array() };
  }
}
