// TLS / mTLS to the Temporal frontend from the environment: which variables turn it
// on, and a missing file or half an mTLS pair stopping the process with the variable's name.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { readTls } from '../../src/connection';
import { configError } from '../helpers/config';

const dir = mkdtempSync(join(tmpdir(), 'sla-tls-'));
const pem = (name: string, label: string) => {
  const path = join(dir, name);
  writeFileSync(path, `-----BEGIN ${label}-----\nMIIB\n-----END ${label}-----\n`);
  return path;
};
const ca = pem('ca.pem', 'CERTIFICATE');
const cert = pem('client.pem', 'CERTIFICATE');
const key = pem('client.key', 'PRIVATE KEY');

describe('TEMPORAL_TLS_* settings', () => {
  it('no TLS variable: plaintext, as the embedded dev server speaks', () => {
    expect(loadConfig({}).temporalTls).toBeUndefined();
    expect(loadConfig({ TEMPORAL_TLS: 'false' }).temporalTls).toBeUndefined();
  });

  it("TEMPORAL_TLS=true alone: TLS with the system's roots", () => {
    expect(readTls(loadConfig({ TEMPORAL_TLS: 'true' }).temporalTls)).toEqual({});
  });

  it('a CA, a client pair and a server name make mTLS, read from the files', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CA: ca,
      TEMPORAL_TLS_CERT: cert,
      TEMPORAL_TLS_KEY: key,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal.internal',
    });
    const tls = readTls(config.temporalTls)!;
    expect(tls.serverNameOverride).toBe('frontend.temporal.internal');
    expect(tls.serverRootCACertificate?.toString()).toContain('BEGIN CERTIFICATE');
    expect(tls.clientCertPair?.crt.toString()).toContain('BEGIN CERTIFICATE');
    expect(tls.clientCertPair?.key.toString()).toContain('BEGIN PRIVATE KEY');
  });

  it('a CA alone turns TLS on, checking the server against it', () => {
    const tls = readTls(loadConfig({ TEMPORAL_TLS_CA: ca }).temporalTls)!;
    expect(tls.serverRootCACertificate?.toString()).toBe(readFileSync(ca, 'utf8'));
    expect(tls.clientCertPair).toBeUndefined();
  });

  it('half an mTLS pair names the missing variable', () => {
    expect(configError(() => loadConfig({ TEMPORAL_TLS_CERT: cert }))).toMatch(
      /TEMPORAL_TLS_KEY: required with TEMPORAL_TLS_CERT/,
    );
    expect(configError(() => loadConfig({ TEMPORAL_TLS_KEY: key }))).toMatch(
      /TEMPORAL_TLS_CERT: required with TEMPORAL_TLS_KEY/,
    );
  });

  it('a file that is not there names its variable and path', () => {
    for (const variable of ['TEMPORAL_TLS_CA', 'TEMPORAL_TLS_CERT', 'TEMPORAL_TLS_KEY'] as const) {
      const env = { TEMPORAL_TLS_CA: ca, TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: key };
      env[variable] = join(dir, 'missing.pem');
      const message = configError(() => readTls(loadConfig(env).temporalTls));
      expect(message).toContain(`${variable}: cannot read ${join(dir, 'missing.pem')}: no such file`);
    }
  });

  it('TEMPORAL_TLS=false with TLS files is a contradiction, and a bad flag value is named', () => {
    expect(configError(() => loadConfig({ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: ca }))).toMatch(
      /TEMPORAL_TLS: false, but TLS files/,
    );
    expect(configError(() => loadConfig({ TEMPORAL_TLS: 'yes' }))).toMatch(
      /TEMPORAL_TLS: expected true or false/,
    );
  });
});
