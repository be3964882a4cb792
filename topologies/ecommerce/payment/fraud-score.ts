/**
 * The CPU-heavy part of the fraud check: a score from 0 (clean) to 1 for one order.
 * The hashing stands in for a real model's cost (it is what makes a worker pool pay
 * off); the verdict itself is deterministic so the saga's outcomes are predictable: an
 * order at or above `maxAmountCents` scores 1, anything else at most 0.6, and an order is
 * refused at `FRAUD_THRESHOLD`. The velocity rule lives in the payment processor, which
 * has the per-customer state.
 *
 * @example
 * ```ts
 * fraudScore({ orderId: 'o1', customerId: 'c1', amountCents: 500 }, { iterations: 1_000, maxAmountCents: 100_000 }); // ≈ 0.0..0.1
 * ```
 */

import { createHash } from 'node:crypto';

export interface FraudInput {
  readonly orderId: string;
  readonly customerId: string;
  readonly amountCents: number;
}

export interface FraudScoreSettings {
  /** Rounds of SHA-256: the cost of one score. */
  readonly iterations: number;
  /** Orders of this amount or more score 1. */
  readonly maxAmountCents: number;
}

/** Scores at or above this are refused. */
export const FRAUD_THRESHOLD = 0.9;

export function fraudScore(input: FraudInput, settings: FraudScoreSettings): number {
  let digest = createHash('sha256').update(`${input.customerId}|${input.orderId}|${input.amountCents}`).digest();
  for (let round = 1; round < settings.iterations; round++) digest = createHash('sha256').update(digest).digest();
  if (input.amountCents >= settings.maxAmountCents) return 1;
  const noise = (digest[0] ?? 0) / 255;
  return Math.round(((input.amountCents / settings.maxAmountCents) * 0.5 + noise * 0.1) * 1000) / 1000;
}
