/**
 * The data converter every Temporal client, worker and replay of the engine uses: the AES-256-GCM
 * payload codec with the configured key ring, and a failure converter that encodes failure
 * messages so that the codec covers them too.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { DataConverter } from '@temporalio/common';
import type { Config } from '../config';
import { PRIVATE_DIR } from '../private-files';
import { AesGcmCodec } from './aes-gcm';
import { CodecKeyError, ensureKeyFile, KEYS_VARIABLE, readKeyFile, type CodecKey } from './keys';
import { WorkerCodec } from './worker-codec';

export { AesGcmCodec } from './aes-gcm';
export { parseCodecKeys, type CodecKey } from './keys';

/** For the SDK, which require()s it in the worker and bundles it into the workflow sandbox. */
export const FAILURE_CONVERTER_PATH = join(__dirname, 'failure-converter.js');

/**
 * The key ring: SLA_CODEC_KEYS when set (production), else the key file (default
 * `$SLA_DATA_DIR/codec-keys`). `create` (only `sla up` with its own dev server) writes a new
 * key file with mode 0600 when there is none; any other process without a key stops with a
 * message naming the variable, rather than writing history nobody else can read.
 */
export function codecKeys(config: Config, options: { create?: boolean } = {}): CodecKey[] {
  if (config.codecKeys) return config.codecKeys;
  const file = config.codecKeyFile;
  if (!existsSync(file)) {
    if (!options.create) {
      throw new CodecKeyError(
        `no payload encryption key: set ${KEYS_VARIABLE} (e.g. "k1:$(openssl rand -base64 32)") or run \`sla up\` once to create ${file}`,
      );
    }
    mkdirSync(dirname(file), { recursive: true, mode: PRIVATE_DIR });
    ensureKeyFile(file);
  }
  return readKeyFile(file);
}

/** The clients': a payload that does not decrypt is an error naming the key id. */
export function codecDataConverter(keys: CodecKey[]): DataConverter {
  return { payloadCodecs: [new AesGcmCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * The worker's and replay's: a payload the engine did not encrypt is marked for the workflow
 * interceptors to refuse, never a failed workflow task (./worker-codec.ts says why).
 */
export function workerDataConverter(keys: CodecKey[]): DataConverter {
  return { payloadCodecs: [new WorkerCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}
