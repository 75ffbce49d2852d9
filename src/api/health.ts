/**
 * GET /health: 200 when Temporal answers, 503 when it does not (a load balancer takes it out).
 * Anyone gets the status alone; a caller with a role token also gets the policy version, the
 * Temporal address and why it is unreachable, which tell an outsider what to aim at.
 *
 * Each answer needs a probe of the Temporal frontend (getSystemInfo). Anonymous callers are not
 * rate limited (a load balancer has no token), so they share one probe: its result is kept for
 * PROBE_TTL_MS, and callers arriving while a probe is under way wait for that one. However many
 * anonymous calls arrive, the frontend sees at most one probe a second from them. A role token's
 * call probes afresh, so an operator's details are never older than the call (and refresh what
 * the anonymous callers see).
 */
import type { ServerResponse } from 'node:http';
import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { LoadedPolicy } from '../policy/load';
import { sendJson } from './http';

/** Bounded: a health check that hangs tells a load balancer nothing. */
const HEALTH_TIMEOUT_MS = 2000;
/** How long an anonymous caller may be answered from the last probe. */
export const PROBE_TTL_MS = 1000;

/** A probe's result: undefined when Temporal answered, else why not. */
type Reachability = string | undefined;

export class HealthCheck {
  private last: { error: Reachability; at: number } | undefined;
  private inFlight: Promise<Reachability> | undefined;

  constructor(
    private readonly client: Client,
    private readonly config: Config,
    private readonly policy: LoadedPolicy,
  ) {}

  async answer(res: ServerResponse, detailed: boolean): Promise<void> {
    const error = detailed ? await this.probe() : await this.shared();
    const status = error === undefined ? 'ok' : 'unavailable';
    const temporal = { address: this.config.temporalAddress, namespace: this.config.namespace };
    const details = {
      policyVersion: this.policy.version,
      temporal: { ...temporal, reachable: error === undefined, ...(error === undefined ? {} : { error }) },
    };
    sendJson(res, error === undefined ? 200 : 503, detailed ? { status, ...details } : { status });
  }

  /** The last result while fresh, else the probe under way, else a new one. */
  private shared(): Promise<Reachability> {
    if (this.last && Date.now() - this.last.at < PROBE_TTL_MS) return Promise.resolve(this.last.error);
    this.inFlight ??= this.probe().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  private async probe(): Promise<Reachability> {
    let error: Reachability;
    try {
      await this.client.connection.withDeadline(Date.now() + HEALTH_TIMEOUT_MS, () =>
        this.client.workflowService.getSystemInfo({}),
      );
    } catch (err) {
      error = (err as Error).message;
    }
    this.last = { error, at: Date.now() };
    return error;
  }
}
