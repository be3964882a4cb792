/**
 * The query services of `schemas/proto/ecommerce/queries.proto`, loaded once at run time
 * with `@grpc/proto-loader` (no generated code to keep in step). Options make messages
 * read as the views of `contracts/views.ts`: camelCase fields, int64 as numbers (cents and
 * epoch milliseconds stay far below 2^53), enums as their names, defaults filled in, and
 * no synthetic oneof property for proto3 `optional` fields (such a field is present or absent).
 *
 * @example
 * ```ts
 * const { OrderQueries } = queryServices();
 * server.addService(OrderQueries.service, handlers);
 * const client = new OrderQueries('127.0.0.1:50051', grpc.credentials.createInsecure());
 * ```
 */

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';

export const QUERIES_PROTO = fileURLToPath(new URL('../../schemas/proto/ecommerce/queries.proto', import.meta.url));

/** Metadata key of a call one instance forwards to the key's owner; the owner never forwards it again. */
export const FORWARDED_HEADER = 'x-kst-forwarded';

export interface QueryServices {
  readonly OrderQueries: grpc.ServiceClientConstructor;
  readonly StockQueries: grpc.ServiceClientConstructor;
  readonly CustomerQueries: grpc.ServiceClientConstructor;
  readonly CartQueries: grpc.ServiceClientConstructor;
  readonly StoreQueries: grpc.ServiceClientConstructor;
  readonly SalesQueries: grpc.ServiceClientConstructor;
}

let loaded: QueryServices | undefined;

export function queryServices(): QueryServices {
  if (loaded !== undefined) return loaded;
  const definition = protoLoader.loadSync(QUERIES_PROTO, { keepCase: false, longs: Number, enums: String, defaults: true, oneofs: false });
  const root = grpc.loadPackageDefinition(definition) as unknown as { kstreams: { ecommerce: { v1: Record<string, grpc.ServiceClientConstructor> } } };
  const pkg = root.kstreams.ecommerce.v1;
  const service = (name: string): grpc.ServiceClientConstructor => {
    const found = pkg[name];
    if (found === undefined) throw new Error(`${QUERIES_PROTO} has no service ${name}`);
    return found;
  };
  loaded = Object.freeze({
    OrderQueries: service('OrderQueries'),
    StockQueries: service('StockQueries'),
    CustomerQueries: service('CustomerQueries'),
    CartQueries: service('CartQueries'),
    StoreQueries: service('StoreQueries'),
    SalesQueries: service('SalesQueries'),
  });
  return loaded;
}

/** Messages as proto-loader gives and takes them (see the options above). */
export interface OrderItemMessage {
  productId: string;
  quantity: number;
  /** proto3 `optional`: absent until inventory reserved the item (at its catalog price). */
  unitPriceCents?: number;
}

export interface OrderTransitionMessage {
  status: string;
  atMs: number;
  reason: string;
}

export interface OrderMessage {
  orderId: string;
  customerId: string;
  status: string;
  items: OrderItemMessage[];
  totalCents: number;
  createdAtMs: number;
  updatedAtMs: number;
  reason: string;
  history: OrderTransitionMessage[];
}

export interface OrderEventMessage {
  index: number;
  transition: OrderTransitionMessage;
  order: OrderMessage;
  final: boolean;
}

export interface ProductMessage {
  productId: string;
  name: string;
  priceCents: number;
  available: number;
  reserved: number;
  sold: number;
  updatedAtMs: number;
  description?: string | null;
  category?: string | null;
}

export interface CustomerMessage {
  customerId: string;
  name: string;
  email: string;
  balanceCents: number;
  depositedCents: number;
  updatedAtMs: number;
}

export interface CartItemMessage {
  productId: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  lineTotalCents: number;
}

export interface CartRejectionMessage {
  commandId: string;
  type: string;
  reason: string;
  atMs: number;
}

export interface CartMessage {
  cartId: string;
  customerId: string;
  status: string;
  items: CartItemMessage[];
  itemCount: number;
  totalCents: number;
  createdAtMs: number;
  updatedAtMs: number;
  /** '' when the cart has made no order. */
  orderId: string;
  /** Unset (null from proto-loader) when no command was refused. */
  lastRejection?: CartRejectionMessage | null;
}

export interface WatchOrderRequestMessage {
  orderId: string;
  fromIndex: number;
  awaitCreationMs: number;
}

export interface StoreEntryMessage {
  keyJson: string;
  valueJson: string;
}

export interface StoreRangeRequestMessage {
  store: string;
  fromJson: string;
  toJson: string;
  limit: number;
}

export interface SalesRequestMessage {
  fromMs: number;
  toMs: number;
  groupBy: string;
  top: number;
}

export interface SalesEntryMessage {
  key: string;
  name: string;
  category: string;
  units: number;
  revenueCents: number;
}

export interface SalesWindowMessage {
  startMs: number;
  endMs: number;
  units: number;
  revenueCents: number;
  keys: number;
  entries: SalesEntryMessage[];
}

export interface SalesReportMessage {
  windows: SalesWindowMessage[];
}
