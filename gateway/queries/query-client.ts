/**
 * The gateway's client of the services' gRPC query servers. Any instance answers any key,
 * so a call goes to the next endpoint of the service's list (round robin); an UNAVAILABLE
 * answer (rebalance, restoring, instance down) is retried on the following endpoint after
 * a pause that doubles from `backoffMs` up to 2 s, at most `retries` times. Final failures
 * come out as coded errors: `KST_QUERY_NOT_FOUND`, `KST_QUERY_INVALID`,
 * `KST_QUERY_UNAVAILABLE` (retriable) and `KST_QUERY_FAILED`.
 *
 * @example
 * ```ts
 * const queries = new QueryClient({ endpoints: { order: ['127.0.0.1:50051'], inventory: [...], customer: [...] }, deadlineMs: 3000, retries: 6, backoffMs: 100 });
 * const order = await queries.getOrder('o-17');
 * await queries.watchOrder('o-17', { fromIndex: 0, awaitCreationMs: 10_000, signal, onEvent: (e) => send(e) });
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';
import { KstError } from '../../common/errors.ts';
import type { CartView } from '../../topologies/ecommerce/contracts/carts.ts';
import type { CustomerView, OrderTransition, OrderView, ProductView } from '../../topologies/ecommerce/contracts/views.ts';
import { cartView, customerView, orderView, productView, transitionView } from '../grpc/messages.ts';
import { PeerClients, type Method } from '../grpc/peer-clients.ts';
import { queryServices, type CartMessage, type CustomerMessage, type OrderEventMessage, type OrderMessage, type ProductMessage, type SalesReportMessage, type SalesRequestMessage, type SalesWindowMessage } from '../grpc/proto.ts';
import { isRetriableStatus } from '../grpc/status.ts';

export type QueryService = 'order' | 'inventory' | 'customer' | 'analytics' | 'cart';

export interface QueryClientOptions {
  /** Query servers per service; analytics' are optional (without them sales queries answer KST_QUERY_UNAVAILABLE). */
  readonly endpoints: Readonly<Record<Exclude<QueryService, 'analytics'>, readonly string[]>> & { readonly analytics?: readonly string[] };
  /** Sent as `authorization: Bearer <token>` when set: a fixed token, or a function giving the current one (short-lived service tokens). */
  readonly token?: string | (() => Promise<string>);
  readonly deadlineMs: number;
  readonly retries: number;
  readonly backoffMs: number;
}

/** One transition of a watched order, with the order as it stood after it. */
export interface OrderEvent {
  readonly index: number;
  readonly transition: OrderTransition;
  readonly order: OrderView;
  readonly final: boolean;
}

/** A sales query: windows starting in [fromMs, toMs], by product or category, `top` entries each. */
export type SalesQuery = SalesRequestMessage & { readonly groupBy: 'product' | 'category' };

export interface WatchParameters {
  readonly fromIndex: number;
  readonly awaitCreationMs: number;
  readonly signal: AbortSignal;
  readonly onEvent: (event: OrderEvent) => void;
}

const method = (service: keyof ReturnType<typeof queryServices>, name: string): Method => queryServices()[service].service[name] as Method;

function toKstError(error: { code: grpc.status; details: string }, what: string): KstError {
  const details = { grpcStatus: grpc.status[error.code] };
  switch (error.code) {
    case grpc.status.NOT_FOUND: return new KstError('KST_QUERY_NOT_FOUND', `${what}: ${error.details}`, details);
    case grpc.status.INVALID_ARGUMENT: return new KstError('KST_QUERY_INVALID', `${what}: ${error.details}`, details);
    case grpc.status.UNAVAILABLE:
    case grpc.status.DEADLINE_EXCEEDED: return new KstError('KST_QUERY_UNAVAILABLE', `${what}: ${error.details}`, details);
    default: return new KstError('KST_QUERY_FAILED', `${what}: ${grpc.status[error.code]} ${error.details}`, details);
  }
}

export class QueryClient {
  readonly #options: QueryClientOptions;
  readonly #peers: PeerClients;
  readonly #next: Record<QueryService, number> = { order: 0, inventory: 0, customer: 0, analytics: 0, cart: 0 };

  constructor(options: QueryClientOptions) {
    for (const [service, list] of Object.entries(options.endpoints)) if (list.length === 0) throw new KstError('KST_CONFIG_INVALID', `no query endpoints for the ${service} service`, { key: `${service}.query.endpoints` });
    this.#options = options;
    this.#peers = new PeerClients({ deadlineMs: options.deadlineMs });
  }

  async getOrder(orderId: string): Promise<OrderView> {
    return orderView(await this.#call<OrderMessage>('order', method('OrderQueries', 'GetOrder'), { orderId }, `order ${orderId}`));
  }

  async listCustomerOrders(customerId: string): Promise<OrderView[]> {
    const list = await this.#call<{ orders: OrderMessage[] }>('order', method('OrderQueries', 'ListCustomerOrders'), { customerId }, `orders of customer ${customerId}`);
    return list.orders.map(orderView);
  }

  async getProduct(productId: string): Promise<ProductView> {
    return productView(await this.#call<ProductMessage>('inventory', method('StockQueries', 'GetProduct'), { productId }, `product ${productId}`));
  }

  async getCustomer(customerId: string): Promise<CustomerView> {
    return customerView(await this.#call<CustomerMessage>('customer', method('CustomerQueries', 'GetCustomer'), { customerId }, `customer ${customerId}`));
  }

  /** Sales windows of the analytics service whose start lies in [fromMs, toMs], each with its top entries. */
  async getSales(query: SalesQuery): Promise<SalesWindowMessage[]> {
    const report = await this.#call<SalesReportMessage>('analytics', method('SalesQueries', 'GetSales'), query, `sales by ${query.groupBy}`);
    return report.windows;
  }

  async getCart(cartId: string): Promise<CartView> {
    return cartView(await this.#call<CartMessage>('cart', method('CartQueries', 'GetCart'), { cartId }, `cart ${cartId}`));
  }

  /**
   * Streams the order's transitions from `fromIndex` until a final one (resolves) or the
   * signal aborts (resolves). A broken stream is reopened on the next endpoint from the
   * next index, so `onEvent` sees each transition once, in order.
   */
  async watchOrder(orderId: string, parameters: WatchParameters): Promise<void> {
    const watch = method('OrderQueries', 'WatchOrder');
    let next = parameters.fromIndex;
    let creationDeadline = Date.now() + parameters.awaitCreationMs;
    for (let failures = 0; !parameters.signal.aborted;) {
      const endpoint = this.#endpoint('order');
      const metadata = await this.#metadata();
      const request = { orderId, fromIndex: next, awaitCreationMs: Math.max(0, creationDeadline - Date.now()) };
      const outcome = await new Promise<'final' | { code: grpc.status; details: string }>((resolve) => {
        const stream = this.#peers.serverStream<object, OrderEventMessage>(endpoint, watch, request, metadata);
        const onAbort = (): void => stream.cancel();
        parameters.signal.addEventListener('abort', onAbort, { once: true });
        let final = false;
        stream.on('data', (message: OrderEventMessage) => {
          if (message.index !== next) return;
          next = message.index + 1;
          failures = 0;
          final ||= message.final;
          parameters.onEvent({ index: message.index, transition: transitionView(message.transition), order: orderView(message.order), final: message.final });
        });
        const done = (result: 'final' | { code: grpc.status; details: string }): void => {
          parameters.signal.removeEventListener('abort', onAbort);
          resolve(result);
        };
        stream.on('error', (error: grpc.ServiceError) => done(final || parameters.signal.aborted ? 'final' : { code: error.code, details: error.details }));
        stream.on('end', () => done(final || parameters.signal.aborted ? 'final' : { code: grpc.status.UNAVAILABLE, details: `${endpoint} ended the watch early` }));
      });
      if (outcome === 'final') return;
      if (next > parameters.fromIndex) creationDeadline = 0; // it exists: a later NOT_FOUND is real
      if (!isRetriableStatus(outcome.code) || failures >= this.#options.retries) throw toKstError(outcome, `watching order ${orderId}`);
      await sleep(this.#backoff(failures++), undefined, { signal: parameters.signal }).catch(() => undefined);
    }
  }

  close(): void {
    this.#peers.close();
  }

  async #call<Res extends object>(service: QueryService, target: Method, request: object, what: string): Promise<Res> {
    for (let attempt = 0; ; attempt++) {
      const endpoint = this.#endpoint(service);
      try {
        return await this.#peers.unary<object, Res>(endpoint, target, request, await this.#metadata());
      } catch (error) {
        const status = error as { code: grpc.status; details: string };
        if (!isRetriableStatus(status.code) || attempt >= this.#options.retries) throw toKstError(status, what);
        await sleep(this.#backoff(attempt));
      }
    }
  }

  #endpoint(service: QueryService): string {
    const list = this.#options.endpoints[service];
    if (list === undefined || list.length === 0) throw new KstError('KST_QUERY_UNAVAILABLE', `no query endpoints for the ${service} service`, { service });
    const index = this.#next[service]++ % list.length;
    return list[index] as string;
  }

  #backoff(attempt: number): number {
    return Math.min(2_000, this.#options.backoffMs * 2 ** attempt);
  }

  async #metadata(): Promise<grpc.Metadata> {
    const metadata = new grpc.Metadata();
    const option = this.#options.token;
    const token = typeof option === 'function' ? await option() : option;
    if (token !== undefined && token !== '') metadata.set('authorization', `Bearer ${token}`);
    return metadata;
  }
}
