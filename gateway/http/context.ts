/**
 * What every route gets: the command sink, the query reader, the idempotency cache, the
 * metrics and the settings the routes read. Built once in `server.ts`; routes are plain
 * functions of it, so a test can hand them fakes.
 *
 * `acceptWrite` is the one shape of every write: ids derived from the Idempotency-Key,
 * the command produced at most once per key (the cache), 202 with the id and a Location.
 *
 * @example
 * ```ts
 * return acceptWrite(context, request, reply, (ids) => ({ ... }));
 * ```
 */

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CommandSink } from '../commands/command-publisher.ts';
import type { OpsSource } from '../ops/ops-collector.ts';
import type { QueryClient } from '../queries/query-client.ts';
import { callerKey, principalOf } from './access.ts';
import type { IdempotencyCache } from './idempotency-cache.ts';
import type { GatewayMetrics } from './metrics.ts';
import { requestIds, type RequestIds } from './request-ids.ts';

/** The reads the routes make; `QueryClient` is the real one. */
export type QueryReader = Pick<QueryClient, 'getOrder' | 'listCustomerOrders' | 'getProduct' | 'getCustomer' | 'getCart' | 'watchOrder'>;

/** A write's answer, kept for replays. */
export interface Accepted {
  readonly location: string;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface GatewayContext {
  readonly commands: CommandSink;
  readonly queries: QueryReader;
  readonly idempotency: IdempotencyCache<Accepted>;
  readonly metrics: GatewayMetrics;
  readonly sseHeartbeatMs: number;
  readonly sseAwaitCreationMs: number;
  readonly now: () => number;
  /** What the ops page shows (`GET /ops/snapshot`); without it that answers 503. */
  readonly ops?: OpsSource;
}

/** JSON with sorted keys, so the same body always fingerprints the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * Runs `produce` once per (caller, Idempotency-Key) and answers 202 with its result; a
 * replay answers the same, with `Idempotent-Replayed: true`.
 */
export async function acceptWrite(context: GatewayContext, request: FastifyRequest, reply: FastifyReply, produce: (ids: RequestIds) => Promise<Accepted>): Promise<FastifyReply> {
  const principal = principalOf(request);
  const caller = callerKey(principal);
  const key = request.headers['idempotency-key'];
  const idempotencyKey = typeof key === 'string' ? key : undefined;
  const ids = requestIds(caller, idempotencyKey);
  let accepted: Accepted;
  if (idempotencyKey === undefined) {
    accepted = await produce(ids);
  } else {
    const fingerprint = `${request.method} ${request.routeOptions.url ?? ''} ${canonical(request.params)} ${canonical(request.body ?? null)}`;
    const outcome = await context.idempotency.run(caller, idempotencyKey, fingerprint, () => produce(ids));
    accepted = outcome.value;
    if (outcome.replayed) {
      context.metrics.replays.inc();
      reply.header('idempotent-replayed', 'true');
    }
  }
  return reply.code(202).header('location', accepted.location).send(accepted.body);
}
