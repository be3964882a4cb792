/**
 * Events, as the `.avsc` files in `schemas/ecommerce/` define them: one flat record per
 * topic whose `type` says which optional fields matter (see `commands.ts` for why flat).
 * Every event carries a deterministic `eventId` built from what it is about (for example
 * `<orderId>:PAID`), so a consumer can tell a replayed event from a new one.
 *
 * Amounts are integer cents, times epoch milliseconds.
 *
 * How the saga uses them (see docs/ARCHITECTURE.md, "The e-commerce saga"):
 * - the order service writes one `OrderEvent` per transition; the other services react to
 *   them (inventory reserves on `OrderCreated`, commits on `OrderPaid`, releases on any
 *   failure; payment charges on `OrderReserved`, refunds on a later failure; shipping
 *   ships on `OrderPaid`; notification tells the customer of each);
 * - a paid order is cancelled only once shipping confirms: the order writes
 *   `OrderCancelRequested` (no transition), shipping answers `ShipmentCancelled` while the
 *   parcel has not left, and only then does the order move to CANCELLED (refund, stock
 *   back); a parcel already dispatched makes the order SHIPPED and refuses the cancel;
 * - inventory answers per item, payment per order, shipping per shipment, all keyed by
 *   orderId so the order service reads them beside its orders.
 */

import type { OrderItem } from './commands.ts';
import type { OrderStatus } from './views.ts';

export type OrderEventType =
  | 'OrderCreated'
  | 'OrderReserved'
  | 'OrderPaid'
  | 'OrderShipped'
  | 'OrderCompleted'
  | 'OrderRejected'
  | 'OrderPaymentFailed'
  | 'OrderCancelled'
  | 'OrderExpired'
  /** A command that changed nothing (unknown order, cancel after shipping); not a transition. */
  | 'OrderCommandRejected'
  /** A paid order's cancel, waiting for shipping to stop the parcel; not a transition. */
  | 'OrderCancelRequested';

/** On `orders.events`, keyed by orderId. */
export interface OrderEvent {
  readonly type: OrderEventType;
  /** `<orderId>:<status>` for transitions, `<orderId>:rejected:<commandId>` otherwise. */
  readonly eventId: string;
  readonly orderId: string;
  readonly customerId: string;
  /** The status the order is in after the event. */
  readonly status: OrderStatus;
  /** The status before a transition; absent for `OrderCreated` and rejected commands. */
  readonly fromStatus?: OrderStatus;
  /** The order's items; each priced (catalog unit price) once inventory reserved it. */
  readonly items: readonly OrderItem[];
  /** The reserved total: 0 until every item is reserved (`OrderReserved` and after). */
  readonly totalCents: number;
  readonly atMs: number;
  readonly reason?: string;
  /** The command that caused the event, when one did. */
  readonly commandId?: string;
}

/** True for events that move the order to a status (one notification each); false for refusals and requests. */
export function isOrderTransition(event: Pick<OrderEvent, 'type'>): boolean {
  return event.type !== 'OrderCommandRejected' && event.type !== 'OrderCancelRequested';
}

/** The order event of each transition into a status. */
export const OrderEventTypeOf: { readonly [S in OrderStatus]: OrderEventType } = {
  PENDING: 'OrderCreated',
  RESERVED: 'OrderReserved',
  PAID: 'OrderPaid',
  SHIPPED: 'OrderShipped',
  COMPLETED: 'OrderCompleted',
  REJECTED: 'OrderRejected',
  PAYMENT_FAILED: 'OrderPaymentFailed',
  CANCELLED: 'OrderCancelled',
  EXPIRED: 'OrderExpired',
};

export type InventoryEventType =
  | 'ItemReserved'
  | 'ItemRejected'
  | 'ItemReleased'
  | 'ItemCommitted'
  | 'ProductUpdated'
  | 'ProductRejected';

/**
 * On `inventory.events`. Item events (`Item*`) are keyed by orderId and carry `orderId`;
 * product events (`Product*`) are keyed by productId and carry the product's figures
 * (`ProductUpdated`) or why an `UpsertProduct` was refused (`ProductRejected`).
 */
export interface InventoryEvent {
  readonly type: InventoryEventType;
  readonly eventId: string;
  readonly productId: string;
  readonly orderId?: string;
  /** Units the item event is about; 0 for product events. */
  readonly quantity: number;
  readonly atMs: number;
  readonly reason?: string;
  readonly commandId?: string;
  /**
   * `ItemReserved`: the product's catalog unit price the stock was reserved at, which the
   * order charges. Absent on events written before inventory answered prices.
   */
  readonly unitPriceCents?: number;
  readonly name?: string;
  readonly priceCents?: number;
  readonly available?: number;
  readonly reserved?: number;
  readonly sold?: number;
  /** `ProductUpdated`: the catalog text and category, absent on products that have none. */
  readonly description?: string;
  readonly category?: string;
}

export type PaymentEventType = 'PaymentCaptured' | 'PaymentDeclined' | 'PaymentRefunded';

/**
 * On `payments.events`, keyed by orderId. Authorisation (fraud check, balance check) and
 * capture are one step: `PaymentCaptured` means the balance was debited.
 */
export interface PaymentEvent {
  readonly type: PaymentEventType;
  /** `<orderId>:captured`, `<orderId>:declined`, `<orderId>:refunded`. */
  readonly eventId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly amountCents: number;
  readonly atMs: number;
  /** Why a payment was declined: `insufficient balance`, `unknown customer`, `fraud: …`. */
  readonly reason?: string;
  /** The fraud score the decision used, 0 (clean) to 1. */
  readonly fraudScore?: number;
}

export type ShipmentEventType = 'ShipmentCreated' | 'ShipmentDispatched' | 'ShipmentDelivered' | 'ShipmentCancelled';

/** On `shipments.events`, keyed by orderId (one shipment per order). */
export interface ShipmentEvent {
  readonly type: ShipmentEventType;
  readonly eventId: string;
  readonly shipmentId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly atMs: number;
}

export type CustomerEventType = 'CustomerCreated' | 'Deposited' | 'CustomerCommandRejected';

/** On `customers.events`, keyed by customerId. */
export interface CustomerEvent {
  readonly type: CustomerEventType;
  readonly eventId: string;
  readonly customerId: string;
  readonly commandId: string;
  /**
   * 1, 2, 3… per customer for the events that change it (created, deposits), so whoever
   * applies them can drop a replay by comparing with the last one applied; 0 for
   * `CustomerCommandRejected`, which changes nothing.
   */
  readonly sequence: number;
  readonly atMs: number;
  readonly name?: string;
  readonly email?: string;
  readonly amountCents?: number;
  readonly reason?: string;
}
