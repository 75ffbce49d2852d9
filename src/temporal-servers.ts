/**
 * Where the real Temporal servers live on this machine. scripts/provision-servers.sh builds them
 * from the package registries into a cache outside the repo and records their paths in
 * servers.env there; TEMPORAL_CLI_PATH and TEMPORAL_TEST_SERVER_PATH override it. When neither
 * knows a path, the SDK's own download is used (an online laptop without Go or Maven).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.SLA_CACHE_DIR || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sla-engine');
}

function provisioned(env: NodeJS.ProcessEnv, name = 'servers.env'): Record<string, string> {
  const file = join(cacheDir(env), name);
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string])
      .filter(([k, v]) => k && v),
  );
}

function executable(path: string | undefined): EphemeralServerExecutable {
  if (path) {
    if (!existsSync(path))
      throw new Error(`Temporal server executable not found: ${path} (run scripts/provision-servers.sh)`);
    return { type: 'existing-path', path };
  }
  return { type: 'cached-download' };
}

/** The Temporal CLI, whose `server start-dev` is the embedded dev server. */
export function devServerExecutable(env: NodeJS.ProcessEnv = process.env): EphemeralServerExecutable {
  return executable(env.TEMPORAL_CLI_PATH || provisioned(env).TEMPORAL_CLI_PATH);
}

/** The Java time-skipping test server, wrapped as `<exe> <port>`. */
export function testServerExecutable(env: NodeJS.ProcessEnv = process.env): EphemeralServerExecutable {
  return executable(env.TEMPORAL_TEST_SERVER_PATH || provisioned(env).TEMPORAL_TEST_SERVER_PATH);
}

/** A `docker compose` command line: the Docker CLI plugin, else the provisioned standalone build. */
export function dockerCompose(env: NodeJS.ProcessEnv = process.env): string[] {
  const path = env.DOCKER_COMPOSE_PATH || provisioned(env).DOCKER_COMPOSE_PATH;
  return path ? [path] : ['docker', 'compose'];
}

/** The Temporal server, its SQL tool and their PostgreSQL schema: scripts/provision-cluster.sh. */
export interface ClusterExecutables {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12 of the server's module: temporal/ and visibility/, each with versioned/. */
  schemaDir: string;
}

export function clusterExecutables(env: NodeJS.ProcessEnv = process.env): ClusterExecutables {
  const file = provisioned(env, 'cluster.env');
  const pick = (name: string) => {
    const path = env[name] || file[name];
    if (!path || !existsSync(path))
      throw new Error(
        `${name}: ${path ? `not found: ${path}` : 'not set'} (run scripts/provision-cluster.sh)`,
      );
    return path;
  };
  return {
    server: pick('TEMPORAL_SERVER_PATH'),
    sqlTool: pick('TEMPORAL_SQL_TOOL_PATH'),
    schemaDir: pick('TEMPORAL_SCHEMA_DIR'),
  };
}

/**
 * Dynamic config of every Temporal server the engine starts (`sla up`'s dev server or cluster, the
 * tests, the benchmark; docker-compose.yml's dynamicconfig file), so that what is measured is what runs. Keys are the server's (go.temporal.io/server
 * common/dynamicconfig); the values were chosen by `npm run bench tickets` (docs/benchmarks.md).
 */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, boolean | number | string>> = {
  // Off by default on the server: with it, an activity a workflow task schedules comes back to
  // that worker in the task's completion instead of through a task-queue poll, so a breach's
  // page leaves one server round trip sooner.
  'system.enableActivityEagerExecution': true,
};

/** `temporal server start-dev` arguments for DEV_SERVER_DYNAMIC_CONFIG. */
export function devServerArgs(): string[] {
  return Object.entries(DEV_SERVER_DYNAMIC_CONFIG).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}
