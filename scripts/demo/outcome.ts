/**
 * How the orders ended, as the demo prints it: a count per final status (with the reasons
 * the failures gave), how many ended as planned per kind, and percentiles of the time from
 * `POST /orders` to the final status. Pure functions over what the run recorded, so the
 * arithmetic is unit-tested apart from any server.
 *
 * @example
 * ```ts
 * percentile([5, 1, 3, 2, 4], 50); // 3
 * formatOutcome(summariseOutcome(results)); // "COMPLETED  212 ..." lines
 * ```
 */

import type { OrderStatus } from '../../topologies/ecommerce/contracts/views.ts';
import { ORDER_KINDS, type OrderKind } from './workload.ts';

/**
 * The nearest-rank percentile (the smallest value with at least p % of the values at or
 * below it): always one of the samples, so p99 of 300 latencies is an observed latency.
 * NaN for no samples.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.max(0, rank - 1)] as number;
}

/** What the run knows of one order at the end. */
export interface OrderResult {
  readonly kind: OrderKind;
  readonly expected: OrderStatus;
  /** The final status, or `UNSETTLED` if it did not reach one in time, `NOT_PLACED` if the POST failed. */
  readonly status: OrderStatus | 'UNSETTLED' | 'NOT_PLACED';
  readonly reason?: string;
  /** From the POST to the final transition, ms; absent unless settled. */
  readonly latencyMs?: number;
}

export interface Outcome {
  readonly total: number;
  readonly byStatus: ReadonlyArray<{ status: string; count: number; reasons: ReadonlyArray<{ reason: string; count: number }> }>;
  readonly byKind: ReadonlyArray<{ kind: OrderKind; count: number; asPlanned: number; expected: OrderStatus }>;
  readonly latency: { readonly count: number; readonly p50: number; readonly p99: number; readonly max: number };
}

const tally = (keys: readonly string[]): Array<{ key: string; count: number }> => {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
};

/** Reasons such as `item p-3: only 0 available` vary by id; their text before the first digit groups them. */
export function reasonGroup(reason: string): string {
  const cut = reason.replace(/[\s:]*[A-Za-z0-9-]*\d.*$/, '').trim();
  return cut === '' ? reason : cut;
}

export function summariseOutcome(results: readonly OrderResult[]): Outcome {
  const byStatus = tally(results.map((r) => r.status)).map(({ key, count }) => ({
    status: key,
    count,
    reasons: tally(results.filter((r) => r.status === key && r.reason !== undefined).map((r) => reasonGroup(r.reason as string))).map(({ key: reason, count: n }) => ({ reason, count: n })),
  }));
  const byKind = ORDER_KINDS.map((kind) => {
    const ofKind = results.filter((r) => r.kind === kind);
    return { kind, count: ofKind.length, asPlanned: ofKind.filter((r) => r.status === r.expected).length, expected: ofKind[0]?.expected ?? 'COMPLETED' as OrderStatus };
  }).filter((row) => row.count > 0);
  const latencies = results.flatMap((r) => (r.latencyMs === undefined ? [] : [r.latencyMs]));
  return {
    total: results.length,
    byStatus,
    byKind,
    latency: { count: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies.length === 0 ? Number.NaN : Math.max(...latencies) },
  };
}

const ms = (value: number): string => (Number.isNaN(value) ? '–' : value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`);

/** The summary as printed lines. */
export function formatOutcome(outcome: Outcome): string[] {
  const lines = [`How the ${outcome.total} orders ended:`];
  for (const row of outcome.byStatus) {
    const reasons = row.reasons.length === 0 ? '' : `  (${row.reasons.slice(0, 4).map((r) => `${r.reason}: ${r.count}`).join('; ')})`;
    lines.push(`  ${row.status.padEnd(15)}${String(row.count).padStart(6)}${reasons}`);
  }
  lines.push('By planned kind (ended as planned / placed):');
  for (const row of outcome.byKind) lines.push(`  ${row.kind.padEnd(16)}${`${row.asPlanned}/${row.count}`.padStart(9)}  expected ${row.expected}`);
  lines.push(`Time from POST /orders to the final status (${outcome.latency.count} settled): p50 ${ms(outcome.latency.p50)}, p99 ${ms(outcome.latency.p99)}, max ${ms(outcome.latency.max)}`);
  return lines;
}
