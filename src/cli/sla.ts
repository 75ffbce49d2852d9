/**
 * How a command reaches the engine: through the one client, `SlaClient` (src/client.ts), built from the
 * environment (and the global --address/--namespace flags, applied in main.ts), loaded only when a
 * command needs it so that the others start fast. Typed errors reach main.ts, which turns them
 * into exit codes: 2 invalid, 3 not found, 4 unavailable, 1 conflict.
 */
import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../errors';
import type { SlaClient } from '../client';
import { UsageError } from './io';

export async function withSla<T>(use: (sla: SlaClient) => Promise<T>): Promise<T> {
  const { SlaClient } = await import('../client');
  const sla = SlaClient.fromEnv();
  try {
    return await use(sla);
  } finally {
    await sla.close();
  }
}

/** A message's request id: the one given (a script retrying safely), else a fresh one. */
export const requestIdOf = (given: string | undefined) => given ?? `cli-${randomUUID()}`;

/**
 * Runs fn; an invalid input comes back with the schema's field names turned into the command's
 * flags (`requester.email` → `--requester-email`, `openedAt` → `--opened-at`), so the user sees
 * what to change.
 */
export async function inFlags<T>(flags: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    throw new UsageError(
      err.issues
        .map((i) => {
          const field = /^[A-Za-z]+/.exec(i.path)?.[0];
          // Flags are the fields in kebab case unless the map says otherwise.
          const flag =
            flags[i.path] ??
            (field && (flags[field] ?? field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)));
          // `<ticket-id>` names a positional argument, anything else a flag.
          const name = flag ? (flag.startsWith('<') ? flag : `--${flag}`) : i.path;
          // A workflow's refusal arrives as "responderId: …" already: the field once, as its flag.
          const message = i.message.startsWith(`${i.path}: `)
            ? i.message.slice(i.path.length + 2)
            : i.message;
          return `${name}: ${message}`;
        })
        .join('\n'),
    );
  }
}
