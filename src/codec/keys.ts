/**
 * Payload encryption keys (C12's data protection applied to Temporal's history): a key ring in
 * which the first key encrypts and every key decrypts, so a key can be rotated in by putting it
 * first and retired once no history needs it. The keys come from SLA_CODEC_KEYS in production,
 * or, for `sla up` on one machine, from a key file generated once into the data directory.
 * Key material is never printed or logged: errors name the variable or file and the key id only.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { SlaError } from '../errors';

export const KEYS_VARIABLE = 'SLA_CODEC_KEYS';
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_BYTES = 32; // AES-256

export interface CodecKey {
  id: string;
  key: Buffer;
}

/** The key ring (SLA_CODEC_KEYS or the key file) is missing or invalid. */
export class CodecKeyError extends SlaError {
  override name = 'CodecKeyError';
  constructor(message: string) {
    super('misconfigured', message);
  }
}

/** Parses `id:<base64 of 32 bytes>,id:<base64>…`; `source` names where the text came from in errors ('' when the caller does). */
export function parseCodecKeys(text: string, source = KEYS_VARIABLE): CodecKey[] {
  const at = (message: string) => new CodecKeyError(source ? `${source}: ${message}` : message);
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw at(`expected id:<base64 key>[,id:<base64 key>…]`);
  const keys: CodecKey[] = [];
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    if (!KEY_ID.test(id)) {
      throw at(`entry ${i + 1} must be id:<base64 key> with an id of letters, digits, ".", "_" or "-"`);
    }
    const b64 = entry.slice(colon + 1);
    const key = Buffer.from(b64, 'base64');
    // Buffer.from ignores bad characters: re-encoding tells a mistyped key from a real one.
    if (key.length !== KEY_BYTES || key.toString('base64').replace(/=+$/, '') !== b64.replace(/=+$/, '')) {
      throw at(`key "${id}" must be ${KEY_BYTES} bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
    }
    if (keys.some((k) => k.id === id)) throw at(`key id "${id}" appears twice`);
    keys.push({ id, key });
  });
  return keys;
}

/** A new key entry for a key file or SLA_CODEC_KEYS: `local-<date>:<random base64>`. */
export function newKeyEntry(now = new Date()): string {
  return `local-${now.toISOString().slice(0, 10).replaceAll('-', '')}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * Reads a key file, refusing one that others could read (like ssh does with private keys): a
 * world-readable key would make the encryption decorative.
 */
export function readKeyFile(file: string): CodecKey[] {
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new CodecKeyError(
      `${file}: permissions ${mode.toString(8)} are too open for a key file (chmod 600 ${file})`,
    );
  }
  return parseCodecKeys(readFileSync(file, 'utf8'), file);
}

/** Creates the key file with mode 0600 if it is not there yet (never overwrites one). */
export function ensureKeyFile(file: string): void {
  if (existsSync(file)) return;
  try {
    writeFileSync(file, `${newKeyEntry()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Two processes starting at once: the other one wrote it first, which is just as good.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}
