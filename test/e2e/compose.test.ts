// docker-compose.yml cannot run here (no Docker engine); `docker compose config` validates it and
// prints the resolved model, which is checked for the production shape.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HISTORY_SHARDS, dynamicConfigFile } from '../../src/cluster';
import { dockerCompose } from '../../src/temporal-servers';

const root = join(__dirname, '..', '..');
const [command, ...prefix] = dockerCompose();

function composeConfig(env: NodeJS.ProcessEnv) {
  const { POSTGRES_PASSWORD: _password, SLA_CODEC_KEYS: _keys, ...base } = process.env;
  return spawnSync(
    command!,
    [...prefix, '-f', join(root, 'docker-compose.yml'), 'config', '--format', 'json'],
    {
      cwd: root,
      env: { ...base, ...env },
      encoding: 'utf8',
    },
  );
}

interface ComposeModel {
  services: Record<
    string,
    {
      image?: string;
      build?: { context: string };
      command?: string[];
      environment?: Record<string, string>;
      depends_on?: Record<string, { condition: string }>;
      ports?: { host_ip?: string; published: string; target: number }[];
      volumes?: { source: string; target: string; read_only?: boolean }[];
      deploy?: { replicas?: number };
    }
  >;
}

describe('docker-compose.yml', () => {
  it('is valid and has the production shape: Temporal on PostgreSQL, Web UI, worker and API from this repo', () => {
    const result = composeConfig({
      POSTGRES_PASSWORD: 'from-the-environment',
      SLA_CODEC_KEYS: 'k1:from-env',
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const { services } = JSON.parse(result.stdout) as ComposeModel;
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'ledger-setup',
      'postgresql',
      'temporal',
      'temporal-setup',
      'temporal-ui',
      'worker',
    ]);
    expect(services.temporal!.environment).toMatchObject({
      DB: 'postgres12',
      POSTGRES_SEEDS: 'postgresql',
      POSTGRES_PWD: 'from-the-environment',
    });
    expect(services.temporal!.depends_on).toEqual({
      postgresql: expect.objectContaining({ condition: 'service_healthy' }),
    });
    expect(services['temporal-ui']!.environment).toMatchObject({ TEMPORAL_ADDRESS: 'temporal:7233' });
    expect(services.worker!.build!.context).toBe(root);
    expect(services.worker!.command).toEqual(['worker']);
    expect(services.api!.command).toEqual(['api']);
    for (const engine of [services.worker!, services.api!]) {
      expect(engine.environment).toMatchObject({
        TEMPORAL_ADDRESS: 'temporal:7233',
        SLA_TASK_QUEUE: 'sla-engine',
        DATABASE_URL: 'postgres://temporal:from-the-environment@postgresql:5432/sla',
        SLA_CODEC_KEYS: 'k1:from-env',
      });
    }
    // The ledger's database exists before the worker starts (the API starts after the worker).
    expect(services.worker!.depends_on).toMatchObject({
      'ledger-setup': { condition: 'service_completed_successfully' },
    });
    expect(services['ledger-setup']!.depends_on).toEqual({
      postgresql: expect.objectContaining({ condition: 'service_healthy' }),
    });
    expect(services['ledger-setup']!.environment).toMatchObject({
      PGHOST: 'postgresql',
      PGPASSWORD: 'from-the-environment',
    });
    expect(services['temporal-ui']!.environment).toMatchObject({
      TEMPORAL_CODEC_ENDPOINT: 'http://localhost:8080/codec',
    });
    expect(services.api!.ports).toEqual([expect.objectContaining({ published: '8080', target: 8080 })]);
  });

  it("has `sla up --cluster`'s settings: its history shards, its dynamic config, several workers", () => {
    const result = composeConfig({
      POSTGRES_PASSWORD: 'from-the-environment',
      SLA_CODEC_KEYS: 'k1:from-env',
    });
    expect(result.status).toBe(0);
    const { services } = JSON.parse(result.stdout) as ComposeModel;
    expect(services.temporal!.environment).toMatchObject({
      NUM_HISTORY_SHARDS: String(DEFAULT_HISTORY_SHARDS),
      DYNAMIC_CONFIG_FILE_PATH: 'config/dynamicconfig/sla-engine.json',
    });
    const mounted = services.temporal!.volumes!.find((v) => v.target.endsWith('sla-engine.json'));
    expect(mounted).toMatchObject({
      source: join(root, 'deploy', 'temporal-dynamic-config.json'),
      read_only: true,
    });
    // The file the cluster of `sla up --cluster` is given (src/cluster.ts), checked in for compose.
    expect(JSON.parse(readFileSync(mounted!.source, 'utf8'))).toEqual(dynamicConfigFile());
    expect(services.worker!.deploy!.replicas).toBe(3);
  });

  it('is closed by default: the Temporal frontend and the Web UI on loopback only, the UI read-only', () => {
    const result = composeConfig({
      POSTGRES_PASSWORD: 'from-the-environment',
      SLA_CODEC_KEYS: 'k1:from-env',
    });
    expect(result.status).toBe(0);
    const { services } = JSON.parse(result.stdout) as ComposeModel;
    // Whoever reaches the frontend can update, signal or terminate any workflow: this host only.
    expect(services.temporal!.ports).toEqual([
      expect.objectContaining({ host_ip: '127.0.0.1', published: '7233', target: 7233 }),
    ]);
    expect(services['temporal-ui']!.ports).toEqual([
      expect.objectContaining({ host_ip: '127.0.0.1', published: '8233', target: 8080 }),
    ]);
    // temporalio/ui reads disableWriteActions from this variable (server/config/docker.yaml).
    expect(services['temporal-ui']!.environment).toMatchObject({ TEMPORAL_DISABLE_WRITE_ACTIONS: 'true' });
    // Nothing else of Temporal's or PostgreSQL's is published: only the API (behind its tokens).
    const published = Object.entries(services).filter(([, s]) => s.ports?.length);
    expect(published.map(([name]) => name).sort()).toEqual(['api', 'temporal', 'temporal-ui']);
  });

  it('refuses to resolve without the database password from the environment', () => {
    const result = composeConfig({ SLA_CODEC_KEYS: 'k1:from-env' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('POSTGRES_PASSWORD');
  });

  it('refuses to resolve without the payload encryption keys from the environment', () => {
    const result = composeConfig({ POSTGRES_PASSWORD: 'from-the-environment' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('SLA_CODEC_KEYS');
  });
});
