/**
 * The payload codec of the worker and of replay: AES-256-GCM like every client's (./aes-gcm.ts),
 * but a payload it cannot vouch for is marked instead of failing the decode.
 *
 * Anyone who reaches the Temporal frontend can send a workflow an update, a signal or a start
 * without the codec, in plaintext or under a made-up key. The SDK decodes a workflow activation
 * in the worker's main thread before the workflow sees it (WorkflowCodecRunner.decodeActivation);
 * a decode that throws fails the whole workflow task, which Temporal retries for as long as the
 * event stays in history — for a signal, forever: one message would wedge the workflow. So this
 * codec never throws on an inbound payload: a plaintext one passes with REFUSAL_METADATA added
 * (histories written before encryption was switched on must still replay), one that fails
 * authentication becomes an unreadable REFUSED_ENCODING payload with the reason. The workflow
 * interceptors then refuse marked updates, signals and starts (src/workflows/interceptors.ts).
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import { AesGcmCodec, PayloadDecryptionError } from './aes-gcm';
import type { CodecKey } from './keys';
import { ascii, REFUSAL_METADATA, REFUSED_ENCODING } from './refusal';

export const NOT_ENCRYPTED = 'a payload the engine did not encrypt';

export class WorkerCodec implements PayloadCodec {
  private readonly aes: AesGcmCodec;

  constructor(keys: CodecKey[]) {
    this.aes = new AesGcmCodec(keys);
  }

  encode(payloads: Payload[]): Promise<Payload[]> {
    return this.aes.encode(payloads);
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.open(p));
  }

  private open(payload: Payload): Payload {
    try {
      const opened = this.aes.decrypt(payload);
      // decrypt() hands back a payload that was not encrypted as it is.
      if (opened !== payload) return opened;
      return { ...payload, metadata: { ...payload.metadata, [REFUSAL_METADATA]: ascii(NOT_ENCRYPTED) } };
    } catch (err) {
      if (!(err instanceof PayloadDecryptionError)) throw err;
      return {
        metadata: { encoding: ascii(REFUSED_ENCODING), [REFUSAL_METADATA]: ascii(err.message) },
        data: new Uint8Array(),
      };
    }
  }
}
