/**
 * Loading the policy: the built-in default (the contract as we read it), or a JSON file named by
 * SLA_POLICY_FILE, plus holiday overrides (corrections and company closures, I4) from a JSON file
 * named by SLA_HOLIDAY_OVERRIDES_FILE. A bad file fails here, naming the path of every bad field,
 * before anything is started.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { issuesOf, SlaError, type Issue } from '../errors';
import defaultPolicyJson from './default-policy.json';
import { HolidayOverride, Policy } from './schema';

export interface LoadedPolicy {
  policy: Policy;
  /** A content hash of the effective policy, recorded with every decision that used it. */
  version: string;
  /** Where it came from, for people reading logs and reports. */
  source: string;
}

export class PolicyError extends SlaError {
  override name = 'PolicyError';
  constructor(
    readonly source: string,
    issues: Issue[],
  ) {
    super(
      'misconfigured',
      `invalid policy (${source}):\n${issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
      issues,
    );
  }
}

/** Validates a policy object; the single place a policy becomes trusted. */
export function parsePolicy(input: unknown, source: string): LoadedPolicy {
  const parsed = Policy.safeParse(input);
  if (!parsed.success) throw new PolicyError(source, issuesOf(parsed.error));
  return { policy: parsed.data, version: policyVersion(parsed.data), source };
}

export function policyVersion(policy: Policy): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex').slice(0, 16);
}

/** JSON with sorted keys, so that the version does not depend on key order in the file. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** What the ledger stores of a policy the engine uses (I15): its version and canonical JSON. */
export function policyRecord(loaded: LoadedPolicy): { version: string; policy: unknown } {
  return { version: loaded.version, policy: JSON.parse(canonicalJson(loaded.policy)) as unknown };
}

/**
 * A policy version read back from the ledger (I15), trusted as a loaded file is: validated again,
 * and refused unless its content still hashes to the version it is stored under.
 */
export function policyFromRecord(record: { version: string; policy: unknown }): LoadedPolicy {
  const source = `ledger policy ${record.version}`;
  const loaded = parsePolicy(record.policy, source);
  if (loaded.version !== record.version)
    throw new PolicyError(source, [
      { path: '(version)', message: `the stored content hashes to ${loaded.version}, not ${record.version}` },
    ]);
  return loaded;
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PolicyError(file, [
      { path: '(file)', message: `cannot read ${what}: ${(err as Error).message}` },
    ]);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new PolicyError(file, [
      { path: '(file)', message: `${what} is not valid JSON: ${(err as Error).message}` },
    ]);
  }
}

const OverridesFile = z.array(HolidayOverride);

export interface PolicyFiles {
  policyFile?: string | undefined;
  overridesFile?: string | undefined;
}

/** Loads the effective policy; the overrides file's entries come after the policy's own overrides. */
export function loadPolicy(files: PolicyFiles = fromEnv()): LoadedPolicy {
  const base: unknown = files.policyFile ? readJson(files.policyFile, 'the policy file') : defaultPolicyJson;
  const source = files.policyFile ?? 'built-in default policy';
  if (!files.overridesFile) return parsePolicy(base, source);

  const overrides = OverridesFile.safeParse(readJson(files.overridesFile, 'the holiday overrides file'));
  if (!overrides.success) throw new PolicyError(files.overridesFile, issuesOf(overrides.error));
  const loaded = parsePolicy(base, source);
  const policy: Policy = {
    ...loaded.policy,
    holidays: {
      ...loaded.policy.holidays,
      overrides: [...loaded.policy.holidays.overrides, ...overrides.data],
    },
  };
  return { policy, version: policyVersion(policy), source: `${source} + ${files.overridesFile}` };
}

function fromEnv(): PolicyFiles {
  return {
    policyFile: process.env.SLA_POLICY_FILE || undefined,
    overridesFile: process.env.SLA_HOLIDAY_OVERRIDES_FILE || undefined,
  };
}
