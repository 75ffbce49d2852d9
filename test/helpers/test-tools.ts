/**
 * The tools nobody here wrote that test the engine (docs/api-testing.md): Schemathesis and
 * openapi-spec-validator, Prometheus Alertmanager and amtool, Prometheus and promtool, at the paths
 * scripts/provision-test-tools.sh recorded in the cache's test-tools.env.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from '../../src/temporal-servers';

export type TestTool =
  'SCHEMATHESIS' | 'OPENAPI_SPEC_VALIDATOR' | 'ALERTMANAGER' | 'AMTOOL' | 'PROMETHEUS' | 'PROMTOOL';

export function testTool(name: TestTool): string {
  const file = join(cacheDir(), 'test-tools.env');
  const line = existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith(`${name}=`))
    : undefined;
  const path = line?.slice(name.length + 1);
  if (!path || !existsSync(path))
    throw new Error(`${name} is not provisioned: run scripts/provision-test-tools.sh`);
  return path;
}
