/**
 * Checks of a `CreateOrder` beyond what its Avro schema already guarantees (types and
 * presence): the values must make sense. A refused order becomes REJECTED with the reason,
 * which the customer sees; a command whose bytes do not decode never gets here (it is
 * dead-lettered by the deserialization handler). A unit price is optional: it is only what
 * the customer saw, compared with the catalog's at reservation (see `order-rules.ts`).
 *
 * @example
 * ```ts
 * validateCreateOrder({ ...command, items: [] }); // 'an order needs at least one item'
 * ```
 */

import type { CreateOrder } from '../contracts/commands.ts';

/**
 * Bounds that keep one order from occupying a task (or the stock) unreasonably. A quoted
 * unit price may be as high as any catalog price the gateway accepts: a quote is compared,
 * never charged.
 */
export const ORDER_LIMITS = Object.freeze({ maxItems: 100, maxQuantity: 10_000, maxUnitPriceCents: 1_000_000_000_000 });

function isCount(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

/** The reason the order cannot be accepted, or undefined when it can. */
export function validateCreateOrder(command: CreateOrder): string | undefined {
  if (typeof command.orderId !== 'string' || command.orderId.trim() === '') return 'orderId is empty';
  if (typeof command.customerId !== 'string' || command.customerId.trim() === '') return 'customerId is empty';
  if (!Array.isArray(command.items) || command.items.length === 0) return 'an order needs at least one item';
  if (command.items.length > ORDER_LIMITS.maxItems) return `an order has at most ${ORDER_LIMITS.maxItems} items`;
  for (const [index, item] of command.items.entries()) {
    if (typeof item.productId !== 'string' || item.productId.trim() === '') return `item ${index}: productId is empty`;
    if (!isCount(item.quantity, 1, ORDER_LIMITS.maxQuantity)) return `item ${index}: quantity must be a whole number from 1 to ${ORDER_LIMITS.maxQuantity}`;
    if (item.unitPriceCents !== undefined && !isCount(item.unitPriceCents, 0, ORDER_LIMITS.maxUnitPriceCents)) return `item ${index}: unitPriceCents must be a whole number from 0 to ${ORDER_LIMITS.maxUnitPriceCents}`;
  }
  if (command.deadlineMs !== undefined && !isCount(command.deadlineMs, 1, 86_400_000)) return 'deadlineMs must be a whole number of milliseconds from 1 to 86400000';
  return undefined;
}
