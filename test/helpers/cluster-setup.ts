/**
 * The cluster tier's global set-up: ONE Temporal cluster on PostgreSQL (src/cluster.ts) for the
 * whole tier, in a temporary directory, durability off (its data dies with the run). Each test
 * file gets its own namespace on it (test/helpers/temporal.ts), so the files run side by side as
 * they do on their own dev servers. Its address reaches the files through vitest's provide.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startCluster } from '../../src/cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    clusterAddress: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'sla-cluster-'));
  // As root, PostgreSQL runs as its own user, which must traverse (not list) this directory.
  chmodSync(dir, 0o711);
  const started = Date.now();
  let stopping = false;
  const cluster = await startCluster({
    dataDir: join(dir, 'cluster'),
    durable: false,
    // Each file's namespace is used the moment it is registered.
    searchAttributesUncached: true,
    // The server's warnings come and go (members joining at start), and while it stops its
    // services lose each other; its errors while the tests run are worth seeing.
    log: (line) => {
      if (!stopping && (line.includes('"level":"error"') || line.includes('"level":"fatal"')))
        process.stderr.write(`[temporal] ${line}\n`);
    },
  });
  process.stdout.write(`[cluster] Temporal cluster on ${cluster.address} in ${Date.now() - started} ms\n`);
  project.provide('clusterAddress', cluster.address);
  return async () => {
    stopping = true;
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
