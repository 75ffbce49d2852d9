/**
 * The cluster tier's set-up in each test process: the tier's cluster address, where
 * startDevServer (test/helpers/temporal.ts) and the processes a test starts look for it.
 */
import { inject } from 'vitest';

process.env.SLA_TEST_CLUSTER_ADDRESS = inject('clusterAddress');
