/**
 * No request stops the API process. Every request is handled inside a context that knows how to
 * answer it; a fault of ours anywhere in its handling (a synchronous throw, a rejected promise,
 * a throw in a stream callback it set up) becomes a 500 in the API's error shape carrying a
 * correlation id, and the error itself (name, message, stack) goes to the process log under that
 * id — never to the caller, whose input it may quote. Requests whose bytes are not HTTP get a 400
 * from `clientError` and a closed socket.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { PayloadDecryptionError } from '../codec/aes-gcm';
import { ERROR_CODES, SlaError } from '../errors';
import { errorBody, sendError } from './http';

/** One fault of ours: what the log keeps of it. */
export interface Fault {
  correlationId: string;
  name: string;
  message: string;
  stack?: string;
}

export type FaultLog = (fault: Fault) => void;

/** The default: one JSON line on stderr, beside the access log's lines on stdout. */
export const logFault: FaultLog = (fault) => console.error(JSON.stringify({ apiFault: fault }));

/** Logs the error under a new correlation id and returns the 500 that names only that id. */
export function internalError(err: unknown, log: FaultLog): SlaError {
  const correlationId = randomUUID();
  const e = err instanceof Error ? err : new Error(String(err));
  log({ correlationId, name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) });
  return new SlaError('internal', `internal error (correlation id ${correlationId})`);
}

/**
 * What the API answers for an error met while handling a request: the engine's errors as they
 * are, except those whose status is 500 (a fault of ours, or a setting of the operator's), which
 * become a correlated 500 like anything else.
 */
export function answerFor(err: unknown, log: FaultLog): SlaError {
  // A stored payload the keys do not open is the operator's key ring at fault, not the caller:
  // only the codec endpoint answers `undecodable`, for the payloads its caller sent.
  const ours =
    !(err instanceof SlaError) ||
    ERROR_CODES[err.code].status === 500 ||
    err instanceof PayloadDecryptionError;
  return ours ? internalError(err, log) : err;
}

/** Answers the request with the fault if nothing was sent yet; else cuts the half-sent answer. */
function answerFault(req: IncomingMessage, res: ServerResponse, err: unknown, log: FaultLog): void {
  const answer = internalError(err, log);
  if (res.headersSent) return void res.destroy();
  req.resume();
  sendError(res, { error: answer });
}

interface InFlight {
  fail(err: unknown): void;
}
const inFlight = new AsyncLocalStorage<InFlight>();

export type Listener = (req: IncomingMessage, res: ServerResponse) => unknown;

/**
 * The request listener run in the request's context: a synchronous throw or a rejection of what
 * it returns is answered here; anything thrown later from callbacks it set up reaches the
 * process handlers of guardProcess, which find the request through the same context.
 */
export function guardRequests(listener: Listener, log: FaultLog): Listener {
  return (req, res) => {
    let failed = false;
    const fail = (err: unknown) => {
      // One answer per request: a second fault of the same request is only logged.
      if (failed) return void internalError(err, log);
      failed = true;
      answerFault(req, res, err, log);
    };
    inFlight.run({ fail }, () => {
      try {
        const result = listener(req, res);
        if (result instanceof Promise) result.catch(fail);
      } catch (err) {
        fail(err);
      }
    });
  };
}

/**
 * Bytes that are not an HTTP request (bad framing, NUL in a header, an over-long header): a 400
 * (431 for headers over the limit) and the socket closed. Node's default answers too, but says
 * nothing in the API's error shape; a socket already reset is simply dropped.
 */
export function guardFraming(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const overflow = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify(
      errorBody(new SlaError('invalid', overflow ? 'request headers too large' : 'malformed HTTP request')),
    );
    socket.end(
      `HTTP/1.1 ${overflow ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
}

/**
 * For the API process (not for tests that share their process with the runner): an uncaught
 * exception or unhandled rejection inside a request answers that request and the process serves
 * on; one outside any request is logged and ends the process with 1, as Node would, for its
 * supervisor (`sla up`, the container runtime) to restart.
 */
export function guardProcess(log: FaultLog): void {
  const onFault = (err: unknown) => {
    const request = inFlight.getStore();
    if (request) return request.fail(err);
    internalError(err, log);
    process.exit(1);
  };
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
}
