/**
 * What the services keep in their queryable stores, and so what the gRPC query services
 * and the gateway answer with. Store names and keys are in `stores.ts`.
 */

import type { OrderItem } from './commands.ts';

export type OrderStatus =
  | 'PENDING'
  | 'RESERVED'
  | 'PAID'
  | 'SHIPPED'
  | 'COMPLETED'
  | 'REJECTED'
  | 'PAYMENT_FAILED'
  | 'CANCELLED'
  | 'EXPIRED';

/** States an order never leaves. */
export const FinalOrderStatuses: ReadonlySet<OrderStatus> = new Set(['COMPLETED', 'REJECTED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED']);

export interface OrderTransition {
  readonly status: OrderStatus;
  readonly atMs: number;
  /** Why the order moved there, for failures and cancellations. */
  readonly reason?: string;
}

export interface OrderView {
  readonly orderId: string;
  readonly customerId: string;
  readonly status: OrderStatus;
  /** Each item's `unitPriceCents` is the catalog price inventory reserved it at; absent until then. */
  readonly items: readonly OrderItem[];
  /** Sum of quantity × reserved unit price: 0 until every item is reserved (RESERVED and after). */
  readonly totalCents: number;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  readonly reason?: string;
  /** Every transition in order, the first being PENDING. */
  readonly history: readonly OrderTransition[];
}

export interface ProductView {
  readonly productId: string;
  readonly name: string;
  readonly priceCents: number;
  /** Units that can be reserved; never negative. */
  readonly available: number;
  /** Units held for orders in flight. */
  readonly reserved: number;
  /** Units of completed (paid) orders. */
  readonly sold: number;
  readonly updatedAtMs: number;
  /** Catalog text, searched with the name (the products search read model); absent when never set. */
  readonly description?: string;
  /** Catalog category, a search facet; absent when never set. */
  readonly category?: string;
}

export interface CustomerView {
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
  /** What the customer can spend: deposits − captured + refunded − held. */
  readonly balanceCents: number;
  readonly depositedCents: number;
  readonly updatedAtMs: number;
}

export interface Notification {
  readonly notificationId: string;
  readonly customerId: string;
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly message: string;
  readonly atMs: number;
}
