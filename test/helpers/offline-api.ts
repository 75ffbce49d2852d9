/**
 * The API on port 0 with Temporal unreachable (a lazy connection to a port nobody listens on) and
 * the ledger given: for what the API answers before any workflow is involved (/health, faults,
 * hostile bytes). Its faults are captured rather than printed.
 */
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { Fault } from '../../src/api/guard';
import { createApiServer } from '../../src/api/server';
import { API_ROLES, loadConfig } from '../../src/config';
import type { Ledger } from '../../src/ledger';
import { loadPolicy } from '../../src/policy';
import { ROLE_TOKENS } from './api';
import { TEST_CODEC_KEYS } from './codec';
import { noLedger } from './ledger';
import { freePort } from './ports';

export interface OfflineApi {
  base: string;
  port: number;
  temporalAddress: string;
  /** The API's Temporal client (its connection never succeeds). */
  client: Client;
  faults: Fault[];
  close(): Promise<void>;
}

export async function startOfflineApi(ledger: Ledger = noLedger()): Promise<OfflineApi> {
  const temporalAddress = `127.0.0.1:${await freePort()}`;
  const config = loadConfig({
    TEMPORAL_ADDRESS: temporalAddress,
    SLA_CODEC_KEYS: TEST_CODEC_KEYS,
    SLA_API_TOKENS: API_ROLES.map((r) => `${r}:${ROLE_TOKENS[r]}`).join(','),
  });
  const connection = Connection.lazy({ address: config.temporalAddress, connectTimeout: '1s' });
  const faults: Fault[] = [];
  const client = new Client({ connection });
  const server = createApiServer({
    config,
    policy: loadPolicy({}),
    client,
    ledger,
    faultLog: (fault) => faults.push(fault),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    temporalAddress,
    client,
    faults,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
