/**
 * The codec server (C12: Temporal's remote codec protocol), so that the Temporal Web UI and
 * `temporal … --codec-endpoint http://<api>/codec --codec-auth "Bearer <token>"` show decrypted
 * payloads to authorised users: POST /codec/decode and /codec/encode with
 * `{ "payloads": [{ "metadata": { "<key>": "<base64>" }, "data": "<base64>" }] }`.
 * Rows of the route table called by the codec source (../sources.ts): bearer tokens from
 * SLA_CODEC_TOKEN (unset: the routes are off, 503), browsers only from the origins in
 * SLA_CODEC_CORS_ORIGINS (the dispatcher answers the preflight), bodies up to 4 MiB. The
 * X-Namespace header the UI sends is allowed and not needed: one key ring serves every namespace.
 * Payload contents are never logged.
 */
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';
import { SlaError } from '../../errors';
import { route, type Route } from './route';

/** The Web UI decodes a whole history's payloads in one request. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

const Base64 = z.base64('expected base64');
const WirePayload = z.object({
  metadata: z.record(z.string(), Base64).default({}),
  data: Base64.default(''),
});
type WirePayload = z.infer<typeof WirePayload>;
const Payloads = z.object({ payloads: z.array(WirePayload).max(10_000) });

const toPayload = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data, 'base64'),
});
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/** Encoding runs the chain in order, decoding in reverse, as Temporal's data converter does. */
async function apply(action: 'encode' | 'decode', codecs: PayloadCodec[], payloads: Payload[]) {
  let out = payloads;
  for (const codec of action === 'encode' ? codecs : [...codecs].reverse()) out = await codec[action](out);
  return out;
}

const codecRoute = (action: 'encode' | 'decode', summary: string): Route =>
  route({
    id: `codec${action[0]!.toUpperCase()}${action.slice(1)}`,
    method: 'POST',
    path: `/codec/${action}`,
    summary,
    tag: 'codec',
    roles: [],
    source: 'codec',
    body: Payloads,
    bodyLimit: MAX_BODY_BYTES,
    errors: ['undecodable'],
    success: { 200: `the payloads, ${action}d` },
    returns: Payloads,
    handler: async ({ body }, { payloadCodecs }) => {
      let out: Payload[];
      try {
        out = await apply(action, payloadCodecs, body.payloads.map(toPayload));
      } catch (err) {
        // An unknown key id or a corrupt payload: the request's, whatever the codec threw.
        throw new SlaError('undecodable', err instanceof Error ? err.message : String(err));
      }
      return { status: 200, body: { payloads: out.map(toWire) } };
    },
  });

export const codecRoutes: Route[] = [
  codecRoute('decode', "Temporal's remote codec: decrypts payloads for the Web UI and CLI"),
  codecRoute('encode', "Temporal's remote codec: encrypts payloads as the engine's clients do"),
];
