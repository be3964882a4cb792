/**
 * Translation between the views the services keep (`contracts/views.ts`) and the query
 * messages of `queries.proto`. Protobuf has no absent string, so an absent `reason` travels
 * as '' and comes back as absent; an item's unit price is a proto3 `optional` (absent until
 * inventory priced the item); everything else maps field for field.
 *
 * @example
 * ```ts
 * callback(null, orderMessage(view));             // server side
 * const view = orderView(await client.getOrder()); // gateway side
 * ```
 */

import type { CartCommand, CartStatus, CartView } from '../../topologies/ecommerce/contracts/carts.ts';
import type { OrderItem } from '../../topologies/ecommerce/contracts/commands.ts';
import type { CustomerView, OrderStatus, OrderTransition, OrderView, ProductView } from '../../topologies/ecommerce/contracts/views.ts';
import type { CartMessage, CustomerMessage, OrderItemMessage, OrderMessage, OrderTransitionMessage, ProductMessage } from './proto.ts';

const itemMessage = (item: OrderItem): OrderItemMessage => ({
  productId: item.productId, quantity: item.quantity, ...(item.unitPriceCents === undefined ? {} : { unitPriceCents: item.unitPriceCents }),
});

const itemView = (item: OrderItemMessage): OrderItem => ({
  productId: item.productId, quantity: item.quantity, ...(item.unitPriceCents === undefined || item.unitPriceCents === null ? {} : { unitPriceCents: item.unitPriceCents }),
});

export function transitionMessage(transition: OrderTransition): OrderTransitionMessage {
  return { status: transition.status, atMs: transition.atMs, reason: transition.reason ?? '' };
}

export function orderMessage(view: OrderView): OrderMessage {
  return {
    orderId: view.orderId,
    customerId: view.customerId,
    status: view.status,
    items: view.items.map(itemMessage),
    totalCents: view.totalCents,
    createdAtMs: view.createdAtMs,
    updatedAtMs: view.updatedAtMs,
    reason: view.reason ?? '',
    history: (view.history ?? []).map(transitionMessage),
  };
}

export function transitionView(message: OrderTransitionMessage): OrderTransition {
  return { status: message.status as OrderStatus, atMs: message.atMs, ...(message.reason === '' ? {} : { reason: message.reason }) };
}

export function orderView(message: OrderMessage): OrderView {
  return {
    orderId: message.orderId,
    customerId: message.customerId,
    status: message.status as OrderStatus,
    items: message.items.map(itemView),
    totalCents: message.totalCents,
    createdAtMs: message.createdAtMs,
    updatedAtMs: message.updatedAtMs,
    ...(message.reason === '' ? {} : { reason: message.reason }),
    history: message.history.map(transitionView),
  };
}

export function productMessage(view: ProductView): ProductMessage {
  return { ...view };
}

export function productView(message: ProductMessage): ProductView {
  const { productId, name, priceCents, available, reserved, sold, updatedAtMs, description, category } = message;
  return {
    productId, name, priceCents, available, reserved, sold, updatedAtMs,
    ...(description === undefined || description === null ? {} : { description }),
    ...(category === undefined || category === null ? {} : { category }),
  };
}

export function customerMessage(view: CustomerView): CustomerMessage {
  return { ...view };
}

export function customerView(message: CustomerMessage): CustomerView {
  const { customerId, name, email, balanceCents, depositedCents, updatedAtMs } = message;
  return { customerId, name, email, balanceCents, depositedCents, updatedAtMs };
}

export function cartMessage(view: CartView): CartMessage {
  const { orderId, lastRejection, ...rest } = view;
  return { ...rest, items: view.items.map((item) => ({ ...item })), orderId: orderId ?? '', ...(lastRejection === undefined ? {} : { lastRejection: { ...lastRejection } }) };
}

export function cartView(message: CartMessage): CartView {
  const { cartId, customerId, itemCount, totalCents, createdAtMs, updatedAtMs, orderId, lastRejection } = message;
  return {
    cartId,
    customerId,
    status: message.status as CartStatus,
    items: message.items.map(({ productId, name, quantity, unitPriceCents, lineTotalCents }) => ({ productId, name, quantity, unitPriceCents, lineTotalCents })),
    itemCount,
    totalCents,
    createdAtMs,
    updatedAtMs,
    ...(orderId === '' ? {} : { orderId }),
    ...(lastRejection === undefined || lastRejection === null ? {} : { lastRejection: { commandId: lastRejection.commandId, type: lastRejection.type as CartCommand['type'], reason: lastRejection.reason, atMs: lastRejection.atMs } }),
  };
}
