/**
 * `OrderQueries` of `queries.proto` over the order service's stores: `orders`
 * (orderId → OrderView) and `customer-orders` (customerId → orderIds). A customer's list is
 * read where the customer's key lives, then each order where its own key lives (orders and
 * customers are partitioned by different keys, so they are usually on different instances).
 *
 * A customer reads only its own orders and list (PERMISSION_DENIED otherwise); watches are
 * capped per caller and in total (RESOURCE_EXHAUSTED).
 *
 * @example
 * ```ts
 * server.addService(queryServices().OrderQueries.service, orderQueries({ routing, authenticate, watch, watchSlots }));
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import { Stores } from '../../../topologies/ecommerce/contracts/stores.ts';
import type { OrderView } from '../../../topologies/ecommerce/contracts/views.ts';
import type { StreamSlots } from '../../limits/stream-slots.ts';
import { callerOf, requireCustomerKey, type CallAuthenticator } from '../call-auth.ts';
import { orderMessage } from '../messages.ts';
import { queryServices, type OrderEventMessage, type OrderMessage, type WatchOrderRequestMessage } from '../proto.ts';
import { answer, forwardedMetadata, type QueryRouting } from '../query-routing.ts';
import { statusError, toServiceError } from '../status.ts';
import { watchOrder, type WatchOptions } from '../watch-order.ts';

export interface OrderQueriesOptions {
  readonly routing: QueryRouting;
  readonly authenticate: CallAuthenticator;
  readonly watch: WatchOptions;
  /** Caps on open watches. */
  readonly watchSlots: StreamSlots;
}

export function requireId(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw statusError(grpc.status.INVALID_ARGUMENT, `${field} is required`);
  return value;
}

export function orderQueries(options: OrderQueriesOptions): grpc.UntypedServiceImplementation {
  const { routing, authenticate } = options;
  const methods = queryServices().OrderQueries.service;
  const getOrder = methods['GetOrder'] as grpc.MethodDefinition<object, object>;

  /** One order, from wherever it lives; undefined when no instance holds it. */
  const fetchOrder = async (orderId: string, metadata: grpc.Metadata): Promise<OrderMessage | undefined> => {
    const route = routing.route(Stores.orders, orderId, new grpc.Metadata());
    if (route.local) {
      const view = await routing.readLocal<OrderView>(Stores.orders, orderId);
      return view === undefined ? undefined : orderMessage(view);
    }
    try {
      return await routing.peers.unary<object, OrderMessage>(route.endpoint, getOrder, { orderId }, forwardedMetadata(metadata));
    } catch (error) {
      if ((error as { code?: number }).code === grpc.status.NOT_FOUND) return undefined;
      throw error;
    }
  };

  return {
    GetOrder(call: grpc.ServerUnaryCall<{ orderId: string }, OrderMessage>, callback: grpc.sendUnaryData<OrderMessage>) {
      answer(callback, async () => {
        const principal = await authenticate(call.metadata);
        const orderId = requireId(call.request.orderId, 'order_id');
        const order = await routing.unary(call, getOrder, Stores.orders, orderId, async () => {
          const view = await routing.readLocal<OrderView>(Stores.orders, orderId);
          if (view === undefined) throw statusError(grpc.status.NOT_FOUND, `no order ${orderId}`);
          return orderMessage(view);
        });
        // Checked on the answer, wherever it came from (the owner checked it too).
        requireCustomerKey(principal, order.customerId, `order ${orderId}`);
        return order;
      });
    },

    ListCustomerOrders(call: grpc.ServerUnaryCall<{ customerId: string }, { orders: OrderMessage[] }>, callback: grpc.sendUnaryData<{ orders: OrderMessage[] }>) {
      answer(callback, async () => {
        const principal = await authenticate(call.metadata);
        const customerId = requireId(call.request.customerId, 'customer_id');
        requireCustomerKey(principal, customerId, `the orders of customer ${customerId}`);
        return routing.unary(call, methods['ListCustomerOrders'] as grpc.MethodDefinition<object, object>, Stores.customerOrders, customerId, async () => {
          const ids = (await routing.readLocal<readonly string[]>(Stores.customerOrders, customerId)) ?? [];
          const orders = await Promise.all(ids.map((id) => fetchOrder(id, call.metadata)));
          return { orders: orders.filter((o): o is OrderMessage => o !== undefined).sort((a, b) => a.createdAtMs - b.createdAtMs) };
        });
      });
    },

    WatchOrder(call: grpc.ServerWritableStream<WatchOrderRequestMessage, OrderEventMessage>) {
      void (async () => {
        let release: () => void;
        let principal;
        try {
          principal = await authenticate(call.metadata);
          requireId(call.request.orderId, 'order_id');
          release = options.watchSlots.acquire(callerOf(principal));
        } catch (error) {
          call.emit('error', toServiceError(error));
          return;
        }
        try {
          await watchOrder(call, routing, methods['WatchOrder'] as grpc.MethodDefinition<object, object>, options.watch, principal);
        } finally {
          release();
        }
      })();
    },
  };
}
