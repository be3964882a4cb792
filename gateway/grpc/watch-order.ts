/**
 * `WatchOrder`: each transition of an order exactly once, in order, until it reaches a
 * final status. The engine has no store-change subscription for queries, so the owner
 * polls its local copy and sends the history entries past the last index it sent; an
 * index is the position in `OrderView.history`, which only grows, so "past the last
 * index" is exactly-once even when the order changes several times between two polls.
 *
 * The watch survives rebalances: when the local copy goes away (UNAVAILABLE) or the owner
 * changes, this instance finds the owner again and resumes there with `from_index` = the
 * next index, for up to `unavailablePatienceMs` without progress. A forwarded watch never
 * re-routes itself; it ends with UNAVAILABLE and lets the instance that forwarded it move on.
 *
 * A customer watches only its own orders: the owner checks the order it reads against the
 * caller (PERMISSION_DENIED, final); a forwarded leg carries the caller's token, so the
 * peer checks the same.
 *
 * @example
 * ```ts
 * WatchOrder(call) { void watchOrder(call, routing, method, { pollMs: 100, unavailablePatienceMs: 30_000 }, principal); }
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { Stores } from '../../topologies/ecommerce/contracts/stores.ts';
import { FinalOrderStatuses, type OrderView } from '../../topologies/ecommerce/contracts/views.ts';
import { orderMessage, transitionMessage } from './messages.ts';
import type { Method } from './peer-clients.ts';
import type { Principal } from '../auth/jwt.ts';
import { requireCustomerKey } from './call-auth.ts';
import type { OrderEventMessage, WatchOrderRequestMessage } from './proto.ts';
import { forwardedMetadata, isForwarded, type QueryRouting } from './query-routing.ts';
import { statusError, toServiceError, type StatusError } from './status.ts';

export interface WatchOptions {
  /** How often the owner reads its copy of a watched order. */
  readonly pollMs: number;
  /** How long a watch keeps trying to find the order's owner again before ending with UNAVAILABLE. */
  readonly unavailablePatienceMs: number;
}

type WatchCall = grpc.ServerWritableStream<WatchOrderRequestMessage, OrderEventMessage>;

/** What one leg (local polling or a forwarded stream) ended with. */
type Leg = { readonly done: true } | { readonly done: false; readonly error: StatusError };

export async function watchOrder(call: WatchCall, routing: QueryRouting, method: Method, options: WatchOptions, principal: Principal): Promise<void> {
  const { orderId } = call.request;
  const creationDeadline = Date.now() + call.request.awaitCreationMs;
  const abort = new AbortController();
  call.on('cancelled', () => abort.abort());
  let next = call.request.fromIndex;
  let lastProgress = Date.now();
  const send = (event: OrderEventMessage): void => {
    if (event.index !== next) return; // already sent, or a gap (never expected): keep the order strict
    call.write(event);
    next = event.index + 1;
    lastProgress = Date.now();
  };
  const forwarded = isForwarded(call.metadata);

  while (!abort.signal.aborted) {
    let leg: Leg;
    try {
      const route = routing.route(Stores.orders, orderId, call.metadata);
      leg = route.local
        ? await pollLocal(routing, principal, orderId, () => next, send, creationDeadline, options.pollMs, abort.signal)
        : await followRemote(routing, route.endpoint, method, call, () => next, send, creationDeadline, abort.signal);
    } catch (error) {
      leg = { done: false, error: toServiceError(error) };
    }
    if (leg.done) {
      call.end();
      return;
    }
    const retriable = leg.error.code === grpc.status.UNAVAILABLE;
    if (!retriable || forwarded || Date.now() - lastProgress > options.unavailablePatienceMs) {
      if (!abort.signal.aborted) call.emit('error', leg.error);
      return;
    }
    await sleep(options.pollMs, undefined, { signal: abort.signal }).catch(() => undefined);
  }
}

function events(view: OrderView, from: number): OrderEventMessage[] {
  const order = orderMessage(view);
  return view.history.slice(from).map((transition, offset) => ({
    index: from + offset,
    transition: transitionMessage(transition),
    order,
    final: FinalOrderStatuses.has(transition.status),
  }));
}

async function pollLocal(routing: QueryRouting, principal: Principal, orderId: string, next: () => number, send: (e: OrderEventMessage) => void, creationDeadline: number, pollMs: number, signal: AbortSignal): Promise<Leg> {
  while (!signal.aborted) {
    const view = await routing.readLocal<OrderView>(Stores.orders, orderId);
    if (view === undefined) {
      if (Date.now() >= creationDeadline) return { done: false, error: statusError(grpc.status.NOT_FOUND, `no order ${orderId}`) };
    } else {
      requireCustomerKey(principal, view.customerId, `order ${orderId}`);
      for (const event of events(view, next())) {
        send(event);
        if (event.final) return { done: true };
      }
    }
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
  }
  return { done: true };
}

function followRemote(routing: QueryRouting, endpoint: string, method: Method, call: WatchCall, next: () => number, send: (e: OrderEventMessage) => void, creationDeadline: number, signal: AbortSignal): Promise<Leg> {
  const request = { orderId: call.request.orderId, fromIndex: next(), awaitCreationMs: Math.max(0, creationDeadline - Date.now()) };
  const stream = routing.peers.serverStream<object, OrderEventMessage>(endpoint, method, request, forwardedMetadata(call.metadata));
  const onAbort = (): void => stream.cancel();
  signal.addEventListener('abort', onAbort, { once: true });
  return new Promise<Leg>((resolve) => {
    let final = false;
    stream.on('data', (event: OrderEventMessage) => {
      send(event);
      if (event.final) final = true;
    });
    stream.on('error', (error: grpc.ServiceError) => {
      signal.removeEventListener('abort', onAbort);
      const code = error.code === grpc.status.DEADLINE_EXCEEDED || error.code === grpc.status.CANCELLED ? grpc.status.UNAVAILABLE : error.code;
      resolve(final ? { done: true } : { done: false, error: statusError(code, `${endpoint}: ${error.details}`) });
    });
    stream.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      // A peer stream that ends without a final status was cut short (the peer is closing).
      resolve(final || signal.aborted ? { done: true } : { done: false, error: statusError(grpc.status.UNAVAILABLE, `${endpoint} ended the watch early`) });
    });
  });
}
