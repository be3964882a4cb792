/**
 * The platform benchmark's HTTP load generator, on undici (already a dependency): a pool
 * of keep-alive connections to one origin, and two ways to drive it.
 *
 * - `closedLoop`: `connections` workers, each sending its next request as soon as the
 *   previous one answered, for a fixed time: the most the server gives at that
 *   concurrency (requests/s), with the latency each request saw.
 * - `openLoop`: requests started on a fixed schedule (`rate` per second) whatever the
 *   answers, so a slow server builds a queue and the latency shows it (no coordinated
 *   omission); at most `connections` are in flight on the wire, the rest wait in undici.
 *
 * @example
 * ```ts
 * const result = await closedLoop({ origin, connections: 32, durationMs: 20_000, route: 'GET /products/:id', request: (i) => ({ method: 'GET', path: `/products/p-${i % 100}`, headers }) });
 * result.perSecond; result.p99Ms;
 * ```
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { percentile } from '../../scripts/demo/outcome.ts';

export interface BenchRequest {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

export interface LoadResult {
  readonly route: string;
  readonly connections: number;
  readonly requests: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Responses per status code, and `error` for requests that failed on the wire. */
  readonly statuses: Readonly<Record<string, number>>;
}

export interface Sent {
  readonly index: number;
  /** `Date.now()` when the request was started. */
  readonly startedAtMs: number;
  readonly status: number | 'error';
  readonly body: string;
  readonly latencyMs: number;
}

export function summarise(route: string, connections: number, sent: readonly Sent[], seconds: number): LoadResult {
  const statuses: Record<string, number> = {};
  for (const s of sent) statuses[String(s.status)] = (statuses[String(s.status)] ?? 0) + 1;
  const latencies = sent.map((s) => s.latencyMs);
  const round = (ms: number): number => Math.round(ms * 100) / 100;
  return {
    route,
    connections,
    requests: sent.length,
    seconds: round(seconds),
    perSecond: Math.round(sent.length / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(latencies.length === 0 ? Number.NaN : Math.max(...latencies)),
    statuses,
  };
}

async function sendOne(pool: Pool, index: number, request: BenchRequest): Promise<Sent> {
  const startedAtMs = Date.now();
  const start = performance.now();
  try {
    const response = await pool.request({ method: request.method, path: request.path, headers: request.headers, body: request.body ?? null });
    const body = await response.body.text();
    return { index, startedAtMs, status: response.statusCode, body, latencyMs: performance.now() - start };
  } catch {
    return { index, startedAtMs, status: 'error', body: '', latencyMs: performance.now() - start };
  }
}

export interface ClosedLoopOptions {
  readonly origin: string;
  readonly route: string;
  readonly connections: number;
  readonly durationMs: number;
  readonly request: (index: number) => BenchRequest;
  /** Unmeasured requests first (JIT, connection set-up, caches). Default 3 000 ms. */
  readonly warmupMs?: number;
}

export async function closedLoop(options: ClosedLoopOptions): Promise<LoadResult> {
  const pool = new Pool(options.origin, { connections: options.connections, pipelining: 1 });
  let next = 0;
  const run = async (untilMs: number, sink: Sent[] | null): Promise<void> => {
    await Promise.all(Array.from({ length: options.connections }, async () => {
      while (performance.now() < untilMs) {
        const index = next++;
        const sent = await sendOne(pool, index, options.request(index));
        sink?.push(sent);
      }
    }));
  };
  try {
    await run(performance.now() + (options.warmupMs ?? 3_000), null);
    const sent: Sent[] = [];
    const start = performance.now();
    await run(start + options.durationMs, sent);
    return summarise(options.route, options.connections, sent, (performance.now() - start) / 1000);
  } finally {
    await pool.close();
  }
}

export interface OpenLoopOptions {
  readonly origin: string;
  readonly connections: number;
  /** Requests started per second. */
  readonly rate: number;
  readonly durationMs: number;
  readonly request: (index: number) => BenchRequest;
  /** Each answer as it comes (the saga benchmark learns the order id here). */
  readonly onAnswer?: (sent: Sent) => void;
}

/** Starts `rate × duration` requests on schedule; resolves when all answered. */
export async function openLoop(options: OpenLoopOptions): Promise<{ sent: Sent[]; seconds: number; lateStarts: number }> {
  const pool = new Pool(options.origin, { connections: options.connections, pipelining: 1 });
  const total = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
  const sent: Sent[] = [];
  const pending: Promise<void>[] = [];
  let lateStarts = 0;
  const start = performance.now();
  try {
    for (let index = 0; index < total; index++) {
      const due = start + (index * 1000) / options.rate;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      // The generator itself fell behind (the machine is busy): say so rather than hide it.
      else if (wait < -50) lateStarts += 1;
      pending.push(sendOne(pool, index, options.request(index)).then((s) => {
        sent.push(s);
        options.onAnswer?.(s);
      }));
    }
    await Promise.all(pending);
    return { sent, seconds: (performance.now() - start) / 1000, lateStarts };
  } finally {
    await pool.close();
  }
}
