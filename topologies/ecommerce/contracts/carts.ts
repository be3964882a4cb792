/**
 * The cart service's commands (on `carts.commands`, keyed by cartId, as
 * `schemas/ecommerce/cart-command.avsc` defines them: one flat record, see `commands.ts`)
 * and its view (the `carts` store). A cart belongs to the customer who first adds to it:
 * every command names the customer of the caller's token, never one from a request body,
 * and the service ignores commands of anyone else. Prices are the catalog's: an item is
 * priced when added (a join with the catalog), and again at checkout.
 *
 * @example
 * ```ts
 * const add: AddCartItem = { type: 'AddCartItem', commandId: 'c1', issuedAtMs: 0, cartId: 'cart-1', customerId: 'kim', productId: 'p-1', quantity: 2 };
 * cartOrderId('cart-1', 'c9'); // the same order id on every redelivery of checkout c9
 * ```
 */

import { createHash } from 'node:crypto';

interface CartCommandBase {
  /** Unique per request; a retried request (same Idempotency-Key) keeps it. */
  readonly commandId: string;
  readonly issuedAtMs: number;
  readonly cartId: string;
  /** The caller: the token's subject (an admin acting names the cart's owner). */
  readonly customerId: string;
}

/** Adds `quantity` units of the product to its line (a new line on first add). */
export interface AddCartItem extends CartCommandBase {
  readonly type: 'AddCartItem';
  readonly productId: string;
  readonly quantity: number;
}

/** Removes the product's line. */
export interface RemoveCartItem extends CartCommandBase {
  readonly type: 'RemoveCartItem';
  readonly productId: string;
}

/** Turns the cart into a `CreateOrder` whose id is `cartOrderId(cartId, commandId)`. */
export interface CheckoutCart extends CartCommandBase {
  readonly type: 'CheckoutCart';
}

export type CartCommand = AddCartItem | RemoveCartItem | CheckoutCart;

/** What a cart may hold; an add past them is rejected (the cart's `lastRejection`). */
export const CART_LIMITS = Object.freeze({ maxLines: 50, maxQuantityPerLine: 100 });

/** OPEN takes adds; CHECKED_OUT became an order; EXPIRED saw no command for `cart.expiry.ms`. An add to either of the last two opens a fresh cart. */
export type CartStatus = 'OPEN' | 'CHECKED_OUT' | 'EXPIRED';

export interface CartItem {
  readonly productId: string;
  /** The catalog's name when the item was priced. */
  readonly name: string;
  readonly quantity: number;
  /** The catalog's unit price when the item was last priced (added, checked out). */
  readonly unitPriceCents: number;
  readonly lineTotalCents: number;
}

export interface CartRejection {
  readonly commandId: string;
  readonly type: CartCommand['type'];
  readonly reason: string;
  readonly atMs: number;
}

export interface CartView {
  readonly cartId: string;
  readonly customerId: string;
  readonly status: CartStatus;
  readonly items: readonly CartItem[];
  /** Units over all lines. */
  readonly itemCount: number;
  /** Sum of the lines' totals. */
  readonly totalCents: number;
  readonly createdAtMs: number;
  /** The last command applied (or rejected): expiry counts from it. */
  readonly updatedAtMs: number;
  /** The order a checkout created (CHECKED_OUT). */
  readonly orderId?: string;
  /** Why the last refused command was refused (unknown product, limits, empty cart). */
  readonly lastRejection?: CartRejection;
}

/**
 * The id of the order a checkout creates: derived from the cart and the checkout's
 * command id, so the gateway can answer it before the service runs, and a redelivered
 * checkout makes the same order (which the order service then refuses as a duplicate).
 */
export function cartOrderId(cartId: string, checkoutCommandId: string): string {
  const hex = createHash('sha256').update(`cart\u0000${cartId}\u0000${checkoutCommandId}`).digest('hex');
  return `ord-${hex.slice(0, 32)}`;
}
