/**
 * Process settings, all from environment variables (documented in the README's Configuration
 * table), validated at start so that a bad value stops the process with the variable's name.
 * The embedded defaults run everything on this machine; pointing TEMPORAL_ADDRESS at a cluster
 * makes the same processes production ones.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

const Port = z.coerce.number().int().min(1).max(65535);

const Env = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  SLA_TASK_QUEUE: z.string().min(1).default('sla-engine'),
  SLA_DATA_DIR: z.string().min(1).default('data'),
  TEMPORAL_PORT: Port.default(7233),
  TEMPORAL_UI_PORT: Port.default(8233),
  SLA_API_HOST: z.string().min(1).default('127.0.0.1'),
  SLA_API_PORT: Port.default(8080),
});

export interface Config {
  /** host:port of the Temporal frontend. */
  temporalAddress: string;
  /** True when no TEMPORAL_ADDRESS was given and `sla up` runs its own dev server. */
  embeddedTemporal: boolean;
  namespace: string;
  taskQueue: string;
  dataDir: string;
  temporalPort: number;
  temporalUiPort: number;
  apiHost: string;
  apiPort: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const blankless = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = Env.safeParse(blankless);
  if (!parsed.success) {
    throw new ConfigError(
      `invalid settings:\n${parsed.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`,
    );
  }
  const e = parsed.data;
  return {
    temporalAddress: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
    embeddedTemporal: e.TEMPORAL_ADDRESS === undefined,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.SLA_TASK_QUEUE,
    dataDir: resolve(e.SLA_DATA_DIR),
    temporalPort: e.TEMPORAL_PORT,
    temporalUiPort: e.TEMPORAL_UI_PORT,
    apiHost: e.SLA_API_HOST,
    apiPort: e.SLA_API_PORT,
  };
}
