/**
 * Service credits (C2 as read by I10): the tier from the policy's thresholds by exact rational
 * comparison, and the money in integer minor units, all in bigint so that no floating-point
 * value ever decides a boundary or a cent.
 */
import type { Policy } from '../policy/schema';
import type { Ratio } from './uptime';

export type CreditTier = Policy['uptime']['creditTiers'][number];

export interface Credit {
  /** The tier that applied, or null when uptime is not below any threshold. */
  tier: CreditTier | null;
  creditPercent: number;
  monthlyFeeMinor: number;
  creditMinor: number;
}

/** "99.95" → 9995/100, exactly. Accepts the policy's DecimalPercent shape (digits, optional fraction). */
export function parseDecimal(text: string): Ratio {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new RangeError(`expected a decimal number, got ${JSON.stringify(text)}`);
  const fraction = match[2] ?? '';
  return { numerator: BigInt(match[1]! + fraction), denominator: 10n ** BigInt(fraction.length) };
}

/** Whether 100 × uptime < threshold (a percentage), exactly: cross-multiplied, denominators > 0. */
export function percentBelow(uptime: Ratio, threshold: Ratio): boolean {
  return 100n * uptime.numerator * threshold.denominator < threshold.numerator * uptime.denominator;
}

function compare(a: Ratio, b: Ratio): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * I10: uptime strictly below a threshold earns that tier, and of the thresholds it is below, the
 * lowest wins (98 % is below 99.95, 99.9 and 99: the 99 tier). Exactly at a threshold earns
 * nothing from it. Two tiers with the same threshold: the first listed wins.
 */
export function creditTier(uptime: Ratio, tiers: readonly CreditTier[]): CreditTier | null {
  if (uptime.denominator <= 0n || uptime.numerator < 0n) {
    throw new RangeError('uptime: expected a non-negative ratio with a positive denominator');
  }
  let best: { tier: CreditTier; below: Ratio } | null = null;
  for (const tier of tiers) {
    const below = parseDecimal(tier.below);
    if (!percentBelow(uptime, below)) continue;
    if (!best || compare(below, best.below) < 0) best = { tier, below };
  }
  return best?.tier ?? null;
}

function checkFee(feeMinor: number, field = 'annualFeeMinor'): bigint {
  if (!Number.isSafeInteger(feeMinor) || feeMinor < 0) {
    throw new RangeError(`${field}: expected a non-negative safe integer, got ${feeMinor}`);
  }
  return BigInt(feeMinor);
}

/** numerator / denominator rounded half-up, for non-negative numerator and positive denominator. */
function roundHalfUp(numerator: bigint, denominator: bigint): number {
  return Number((2n * numerator + denominator) / (2n * denominator));
}

/** The part of a month a contract covers (I15): T and the month's length, in milliseconds. */
export interface FeeShare {
  coveredMs: number;
  monthMs: number;
}

/**
 * I10, I15: the annual fee / 12, times coveredMs / monthMs when the contract covers only part of
 * the month, rounded half-up to the minor unit once (in bigint: annual × covered stays exact).
 */
export function monthlyFeeMinor(annualFeeMinor: number, share?: FeeShare): number {
  const annual = checkFee(annualFeeMinor);
  if (!share) return roundHalfUp(annual, 12n);
  const { coveredMs, monthMs } = share;
  if (!Number.isSafeInteger(monthMs) || monthMs <= 0) {
    throw new RangeError(`monthMs: expected a positive safe integer, got ${monthMs}`);
  }
  if (!Number.isSafeInteger(coveredMs) || coveredMs < 0 || coveredMs > monthMs) {
    throw new RangeError(`coveredMs: expected a safe integer from 0 to monthMs, got ${coveredMs}`);
  }
  return roundHalfUp(annual * BigInt(coveredMs), 12n * BigInt(monthMs));
}

/**
 * I10: creditPercent × the monthly fee the entry states, / 100, rounded half-up: every entry's
 * credit can be recomputed from its own fields (a credit of round(tier × annual / 12) could
 * differ from it by a cent).
 */
export function creditMinor(creditPercent: number, monthlyFeeMinor: number): number {
  if (!Number.isInteger(creditPercent) || creditPercent < 0 || creditPercent > 100) {
    throw new RangeError(`creditPercent: expected an integer from 0 to 100, got ${creditPercent}`);
  }
  return roundHalfUp(BigInt(creditPercent) * checkFee(monthlyFeeMinor, 'monthlyFeeMinor'), 100n);
}

/** The month's credit for one customer: tier, monthly fee (prorated by `share`, I15), and the credit. */
export function computeCredit(
  uptime: Ratio,
  annualFeeMinor: number,
  tiers: readonly CreditTier[],
  share?: FeeShare,
): Credit {
  const tier = creditTier(uptime, tiers);
  const creditPercent = tier?.creditPercent ?? 0;
  const monthly = monthlyFeeMinor(annualFeeMinor, share);
  return { tier, creditPercent, monthlyFeeMinor: monthly, creditMinor: creditMinor(creditPercent, monthly) };
}

/**
 * Minor units in the currency's own precision, exactly (no floating point): "250.00 CAD",
 * "1500 JPY". The credit notices and the audit's month timeline write plain digits; tables and
 * the report page for people (`grouped`) group thousands: "1,000.00 EUR".
 */
export function formatMinor(minor: number, currency: string, { grouped = false } = {}): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits!;
  } catch {
    // An ISO code this Node does not know: two decimals, the common case.
  }
  const abs = String(Math.abs(minor)).padStart(digits + 1, '0');
  const digitsBefore = abs.slice(0, abs.length - digits);
  const whole = grouped ? digitsBefore.replace(/\B(?=(\d{3})+$)/g, ',') : digitsBefore;
  return `${minor < 0 ? '-' : ''}${whole}${digits ? `.${abs.slice(abs.length - digits)}` : ''} ${currency}`;
}
