// The payload codec (C12 data protection): AES-256-GCM with key ids and rotation, keys
// from the environment with errors naming the variable, never the key.
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { AesGcmCodec, PayloadDecryptionError } from '../../src/codec/aes-gcm';
import { codecKeys } from '../../src/codec';
import { CodecKeyError, newKeyEntry, parseCodecKeys } from '../../src/codec/keys';
import { REFUSAL_METADATA, REFUSED_ENCODING } from '../../src/codec/refusal';
import { NOT_ENCRYPTED, WorkerCodec } from '../../src/codec/worker-codec';
import { ConfigError, loadConfig } from '../../src/config';

const k = (id: string) => newKeyEntry().replace(/^[^:]+/, id);
const ticket = { subject: 'Cannot log in', requester: { name: 'Alex Martin', email: 'alex@example.org' } };
const payload = () => defaultPayloadConverter.toPayload(ticket);
const utf8 = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString('utf8');

describe('AES-256-GCM payload codec', () => {
  it('encrypts a payload so that none of its text is left, and decrypts it back', async () => {
    const codec = new AesGcmCodec(parseCodecKeys(k('k1')));
    const [encoded] = await codec.encode([payload()]);
    expect(utf8(encoded!.metadata!.encoding)).toBe('binary/encrypted');
    expect(utf8(encoded!.metadata!['encryption-key-id'])).toBe('k1');
    const raw = Buffer.from(encoded!.data!).toString('latin1');
    for (const secret of ['Cannot log in', 'Alex Martin', 'alex@example.org', 'json/plain']) {
      expect(raw).not.toContain(secret);
    }
    const [decoded] = await codec.decode([encoded!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(ticket);
  });

  it('uses a fresh IV: the same value encrypts differently every time', async () => {
    const codec = new AesGcmCodec(parseCodecKeys(k('k1')));
    const [a, b] = await codec.encode([payload(), payload()]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('rotation: the first key encrypts, an older key still decrypts what it wrote', async () => {
    const k1 = k('k1');
    const old = new AesGcmCodec(parseCodecKeys(k1));
    const [written] = await old.encode([payload()]);
    const rotated = new AesGcmCodec(parseCodecKeys(`${k('k2')},${k1}`));
    expect(rotated.keyId).toBe('k2');
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([written!]))[0]!)).toEqual(ticket);
    const [fresh] = await rotated.encode([payload()]);
    expect(utf8(fresh!.metadata!['encryption-key-id'])).toBe('k2');
  });

  it('refuses a payload whose key was dropped, naming the key id and the variable', async () => {
    const [written] = await new AesGcmCodec(parseCodecKeys(k('k1'))).encode([payload()]);
    const without = new AesGcmCodec(parseCodecKeys(k('k2')));
    await expect(without.decode([written!])).rejects.toThrow(/key "k1", which is not in SLA_CODEC_KEYS/);
  });

  it('detects tampering: a flipped bit or a swapped key id fails authentication', async () => {
    const keys = parseCodecKeys(`${k('k1')},${k('k2')}`);
    const codec = new AesGcmCodec(keys);
    const [written] = await codec.encode([payload()]);
    const flipped = Buffer.from(written!.data!);
    flipped[20]! ^= 1;
    await expect(codec.decode([{ ...written!, data: flipped }])).rejects.toThrow(PayloadDecryptionError);
    const relabelled = {
      ...written!,
      metadata: { ...written!.metadata, 'encryption-key-id': Buffer.from('k2') },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
  });

  it('leaves payloads that were never encrypted as they are (plaintext histories)', async () => {
    const codec = new AesGcmCodec(parseCodecKeys(k('k1')));
    const plain = payload();
    expect(await codec.decode([plain])).toEqual([plain]);
  });
});

describe("the worker's codec: what the engine did not encrypt is marked, never a failed decode", () => {
  it('decrypts like the clients, older keys included (rotation)', async () => {
    const k1 = k('k1');
    const [written] = await new AesGcmCodec(parseCodecKeys(k1)).encode([payload()]);
    const worker = new WorkerCodec(parseCodecKeys(`${k('k2')},${k1}`));
    const [opened] = await worker.decode([written!]);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(ticket);
    expect(opened!.metadata![REFUSAL_METADATA]).toBeUndefined();
  });

  it('marks a plaintext payload, which still converts (plaintext histories replay)', async () => {
    const [opened] = await new WorkerCodec(parseCodecKeys(k('k1'))).decode([payload()]);
    expect(utf8(opened!.metadata![REFUSAL_METADATA])).toBe(NOT_ENCRYPTED);
    expect(defaultPayloadConverter.fromPayload(opened!)).toEqual(ticket);
  });

  it('turns an unknown key or a forgery into an unreadable payload naming the reason', async () => {
    const keys = parseCodecKeys(k('k1'));
    const [written] = await new AesGcmCodec(keys).encode([payload()]);
    const flipped = Buffer.from(written!.data!);
    flipped[20]! ^= 1;
    const worker = new WorkerCodec(keys);
    const [unknown, forged] = await worker.decode([
      { ...written!, metadata: { ...written!.metadata, 'encryption-key-id': Buffer.from('gone') } },
      { ...written!, data: flipped },
    ]);
    for (const [p, reason] of [
      [unknown!, /key "gone", which is not in SLA_CODEC_KEYS/],
      [forged!, /failed authentication/],
    ] as const) {
      expect(utf8(p.metadata!.encoding)).toBe(REFUSED_ENCODING);
      expect(utf8(p.metadata![REFUSAL_METADATA])).toMatch(reason);
      expect(() => defaultPayloadConverter.fromPayload(p)).toThrow(/Unknown encoding/);
    }
  });
});

describe('codec keys from the environment', () => {
  it('names the variable and the key id of a bad key, and never prints key material', () => {
    const bad = 'k1:c2hvcnQ=';
    expect(() => loadConfig({ SLA_CODEC_KEYS: bad })).toThrow(ConfigError);
    expect(() => loadConfig({ SLA_CODEC_KEYS: bad })).toThrow(
      /SLA_CODEC_KEYS: key "k1" must be 32 bytes in base64/,
    );
    const good = k('k2');
    const message = (() => {
      try {
        loadConfig({ SLA_CODEC_KEYS: `${good},k1:c2hvcnQ=` });
        return 'accepted';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toMatch(/SLA_CODEC_KEYS/);
    expect(message).not.toContain(good.split(':')[1]);
    expect(message).not.toContain('c2hvcnQ');
  });

  it('refuses entries without an id, duplicate ids, an empty list and mistyped base64', () => {
    expect(() => parseCodecKeys('no-id-here')).toThrow(/SLA_CODEC_KEYS: entry 1 must be id:<base64 key>/);
    const entry = k('k1');
    expect(() => parseCodecKeys(`${entry},${entry}`)).toThrow(/key id "k1" appears twice/);
    expect(() => parseCodecKeys(' , ')).toThrow(/expected id:<base64 key>/);
    expect(() => parseCodecKeys(`${entry.slice(0, -4)}!!!=`)).toThrow(CodecKeyError);
  });

  it('without SLA_CODEC_KEYS: `sla up` creates a 0600 key file once; other processes read it or stop', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sla-codec-'));
    const config = loadConfig({ SLA_DATA_DIR: dir, TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(() => codecKeys(config)).toThrow(/no payload encryption key: set SLA_CODEC_KEYS/);
    const created = codecKeys(config, { create: true });
    expect(statSync(join(dir, 'codec-keys')).mode & 0o777).toBe(0o600);
    expect(codecKeys(config)).toEqual(created); // the worker and the API find the same key
    expect(codecKeys(config, { create: true })).toEqual(created); // never overwritten
  });

  it('refuses a key file others can read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sla-codec-'));
    writeFileSync(join(dir, 'codec-keys'), `${k('k1')}\n`, { mode: 0o644 });
    expect(() => codecKeys(loadConfig({ SLA_DATA_DIR: dir }))).toThrow(/permissions 644 are too open/);
  });

  it('SLA_CODEC_KEYS wins over the key file', () => {
    const entry = k('prod-1');
    const config = loadConfig({ SLA_CODEC_KEYS: entry, SLA_DATA_DIR: mkdtempSync(join(tmpdir(), 'x-')) });
    expect(codecKeys(config).map((key) => key.id)).toEqual(['prod-1']);
  });
});
