/**
 * The demo's order phase: places the planned orders at their planned times (the
 * configured rate), and meanwhile follows every placed order with GET /orders/:id until
 * it reaches a final status, cancelling the orders planned to be cancelled once they show.
 * Polling rather than one event stream per order keeps the connections few and the
 * gateway's load proportional to `poll.interval.ms`; the latency is taken from the order's
 * own final transition time, so it does not depend on the polling interval (the gateway,
 * the services and the demo share the host's clock in the platform's set-ups).
 *
 * @example
 * ```ts
 * const results = await runOrders(client, workload.orders, progress, { concurrency: 16, pollIntervalMs: 500, settleTimeoutMs: 180_000 });
 * ```
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { isKstError } from '../../common/errors.ts';
import { FinalOrderStatuses, type OrderStatus, type OrderView } from '../../topologies/ecommerce/contracts/views.ts';
import { customer, type DemoGatewayClient } from './gateway-client.ts';
import type { OrderResult } from './outcome.ts';
import type { ProgressReporter } from './progress.ts';
import { forEachLimited } from './setup-phase.ts';
import type { PlannedOrder } from './workload.ts';

export interface OrderPhaseOptions {
  readonly concurrency: number;
  readonly pollIntervalMs: number;
  /** After the last POST. */
  readonly settleTimeoutMs: number;
  readonly signal?: AbortSignal;
  /** Called for problems worth a line (a POST that failed for good). */
  readonly warn?: (line: string) => void;
}

interface Tracked {
  readonly plan: PlannedOrder;
  postedAtMs: number;
  orderId?: string;
  failed?: string;
  firstSeenAtMs?: number;
  cancelSent: boolean;
  nextPollAtMs: number;
  final?: { status: OrderStatus; reason?: string; latencyMs: number };
}

/** The final transition of a view in a final status, with the time it happened. */
function finalOf(view: OrderView): { status: OrderStatus; reason?: string; atMs: number } | undefined {
  if (!FinalOrderStatuses.has(view.status)) return undefined;
  const last = view.history.at(-1);
  const reason = view.reason ?? last?.reason;
  return { status: view.status, ...(reason === undefined ? {} : { reason }), atMs: last?.atMs ?? view.updatedAtMs };
}

export async function runOrders(client: DemoGatewayClient, orders: readonly PlannedOrder[], progress: ProgressReporter, options: OrderPhaseOptions): Promise<OrderResult[]> {
  const tracked: Tracked[] = orders.map((plan) => ({ plan, postedAtMs: 0, cancelSent: false, nextPollAtMs: Number.POSITIVE_INFINITY }));
  const aborted = (): boolean => options.signal?.aborted === true;
  let placed = 0;
  let placing = true;
  const counts = (): { final: number; failed: number } => ({ final: tracked.filter((t) => t.final !== undefined).length, failed: tracked.filter((t) => t.failed !== undefined).length });
  const detail = (): string => {
    const { final, failed } = counts();
    return `${final} final${failed > 0 ? ` · ${failed} not placed` : ''}${client.retries > 0 ? ` · ${client.retries} retried` : ''}`;
  };

  // A platform without the order service's query servers answers every GET with 503: say so once instead of waiting in silence.
  let unavailable: string | undefined;
  let seenAny = false;
  let warnedUnavailable = false;
  const warnIfNothingShows = (): void => {
    if (seenAny || warnedUnavailable || unavailable === undefined || Date.now() - startedAt < 20_000) return;
    warnedUnavailable = true;
    options.warn?.(`no order has shown through GET /orders/:id after 20 s; the gateway answers 503: ${unavailable}. Are the order service's query servers running and named in GATEWAY_ORDER_QUERY_ENDPOINTS?`);
  };

  const place = async (order: Tracked): Promise<void> => {
    const as = customer(order.plan.customerId);
    order.postedAtMs = Date.now();
    try {
      const answer = await client.send('POST', '/orders', { as, body: { items: order.plan.items }, idempotencyKey: order.plan.idempotencyKey, accept: [202] });
      order.orderId = String(answer.body['orderId']);
      order.nextPollAtMs = Date.now() + options.pollIntervalMs;
    } catch (error) {
      if (!isKstError(error, 'KST_DEMO_REQUEST_FAILED')) throw error;
      order.failed = error.message;
      options.warn?.(`order ${order.plan.index} not placed: ${error.message}`);
    }
    placed += 1;
  };

  const poll = async (order: Tracked): Promise<void> => {
    const id = order.orderId as string;
    const as = customer(order.plan.customerId);
    const answer = await client.send('GET', `/orders/${encodeURIComponent(id)}`, { as, accept: [200, 404, 503], retryUnavailable: false });
    const now = Date.now();
    order.nextPollAtMs = now + options.pollIntervalMs;
    if (answer.status === 503) unavailable = String(answer.body['message'] ?? 'service unavailable');
    if (answer.status !== 200) return;
    seenAny = true;
    order.firstSeenAtMs ??= now;
    const final = finalOf(answer.body as unknown as OrderView);
    if (final !== undefined) {
      order.final = { status: final.status, ...(final.reason === undefined ? {} : { reason: final.reason }), latencyMs: Math.max(0, final.atMs - order.postedAtMs) };
      return;
    }
    if (order.plan.cancelAfterMs !== undefined && !order.cancelSent && now >= order.firstSeenAtMs + order.plan.cancelAfterMs) {
      order.cancelSent = true;
      // 409/404 are possible answers to a cancel racing the order's end; the final status tells the outcome.
      await client.send('POST', `/orders/${encodeURIComponent(id)}/cancel`, { as, body: { reason: 'changed my mind (demo)' }, idempotencyKey: `${order.plan.idempotencyKey}-cancel`, accept: [202, 404, 409] });
    }
  };

  // The follower: polls every placed, unsettled order whose turn has come.
  const follow = async (deadlineOf: () => number): Promise<void> => {
    while (!aborted()) {
      const open = tracked.filter((t) => t.orderId !== undefined && t.final === undefined);
      if (!placing && open.length === 0) return;
      if (!placing && Date.now() > deadlineOf()) return;
      const due = open.filter((t) => t.nextPollAtMs <= Date.now());
      await forEachLimited(due, options.concurrency, poll);
      warnIfNothingShows();
      const { final, failed } = counts();
      if (placing) progress.update({ phase: 'placing orders', done: placed, total: orders.length, detail: detail() });
      else progress.update({ phase: 'settling', done: final + failed, total: orders.length, detail: detail() });
      const nextDue = Math.min(...open.map((t) => t.nextPollAtMs), Date.now() + options.pollIntervalMs);
      await sleep(Math.max(20, Math.min(nextDue - Date.now(), 200)));
    }
  };

  let settleDeadline = Number.POSITIVE_INFINITY;
  const startedAt = Date.now();
  const following = follow(() => settleDeadline);
  const inFlight = new Set<Promise<void>>();
  for (const order of tracked) {
    if (aborted()) break;
    const wait = startedAt + order.plan.atOffsetMs - Date.now();
    if (wait > 0) await sleep(wait);
    // Never more POSTs in flight than connections: a slow gateway lowers the rate rather than queueing without bound.
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    const sending = place(order).finally(() => inFlight.delete(sending));
    inFlight.add(sending);
  }
  await Promise.all(inFlight);
  progress.finish({ phase: 'placing orders', done: placed, total: orders.length, detail: `${detail()} · ${((placed / Math.max(1, Date.now() - startedAt)) * 1000).toFixed(1)} orders/s` });
  placing = false;
  settleDeadline = Date.now() + options.settleTimeoutMs;
  await following;
  const { final, failed } = counts();
  progress.finish({ phase: 'settling', done: final + failed, total: orders.length, detail: detail() });

  return tracked.map((t): OrderResult => {
    const base = { kind: t.plan.kind, expected: t.plan.expected };
    if (t.final !== undefined) return { ...base, status: t.final.status, ...(t.final.reason === undefined ? {} : { reason: t.final.reason }), latencyMs: t.final.latencyMs };
    if (t.failed !== undefined) return { ...base, status: 'NOT_PLACED', reason: t.failed };
    return { ...base, status: 'UNSETTLED' };
  });
}
