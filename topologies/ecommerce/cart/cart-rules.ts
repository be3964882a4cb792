/**
 * What a cart command does to a cart, as a pure function: the cart processor reads the
 * cart and the catalog, calls `applyCartCommand`, and writes what it returns. Commands of
 * a customer other than the cart's owner change nothing and are not recorded (the owner's
 * view does not show strangers' attempts); a refused command of the owner is kept as the
 * cart's `lastRejection`, which `GET /carts/:id` shows. A command id seen before (a
 * retried request, a redelivery) is dropped, so a checkout creates its order once.
 *
 * @example
 * ```ts
 * const outcome = applyCartCommand(undefined, add, { productId: 'p-1', name: 'Tea', priceCents: 450 }, new Map(), 1_000);
 * outcome.kind;       // 'applied'
 * outcome.cart.items; // [{ productId: 'p-1', name: 'Tea', quantity: 2, unitPriceCents: 450, lineTotalCents: 900 }]
 * ```
 */

import type { CreateOrder } from '../contracts/commands.ts';
import { CART_LIMITS, cartOrderId, type CartCommand, type CartItem, type CartView } from '../contracts/carts.ts';
import { keepLast } from '../shared/service-options.ts';
import type { CatalogEntry } from './cart-catalog.ts';

/** The stored cart: its view and the command ids it has seen. */
export interface CartState extends CartView {
  readonly commandIds: readonly string[];
}

export type CartOutcome =
  | { readonly kind: 'ignored' }
  | { readonly kind: 'applied'; readonly cart: CartState; readonly order?: CreateOrder }
  | { readonly kind: 'rejected'; readonly cart: CartState };

const REMEMBERED_COMMANDS = 100;

/** The view of a stored cart (what queries answer): without the command ids. */
export function cartViewOf(state: CartState): CartView {
  const { commandIds: _ids, ...view } = state;
  return view;
}

function totals(items: readonly CartItem[]): { itemCount: number; totalCents: number } {
  return { itemCount: items.reduce((n, item) => n + item.quantity, 0), totalCents: items.reduce((n, item) => n + item.lineTotalCents, 0) };
}

function priced(productId: string, quantity: number, entry: CatalogEntry): CartItem {
  return { productId, name: entry.name, quantity, unitPriceCents: entry.priceCents, lineTotalCents: quantity * entry.priceCents };
}

function isCount(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max;
}

/** A new, empty, open cart of the command's customer. */
function freshCart(command: CartCommand, nowMs: number): CartState {
  return { cartId: command.cartId, customerId: command.customerId, status: 'OPEN', items: [], itemCount: 0, totalCents: 0, createdAtMs: nowMs, updatedAtMs: nowMs, commandIds: [] };
}

/** Why the command cannot be applied, or undefined. */
function problemOf(cart: CartState, command: CartCommand, product: CatalogEntry | null): string | undefined {
  if (command.type === 'AddCartItem') {
    if (typeof command.productId !== 'string' || command.productId === '') return 'productId is empty';
    if (product === null) return `unknown product ${command.productId}`;
    const line = cart.status === 'OPEN' ? cart.items.find((item) => item.productId === command.productId) : undefined;
    if (!isCount(command.quantity, 1, CART_LIMITS.maxQuantityPerLine)) return `quantity must be a whole number from 1 to ${CART_LIMITS.maxQuantityPerLine}`;
    if ((line?.quantity ?? 0) + command.quantity > CART_LIMITS.maxQuantityPerLine) return `a line holds at most ${CART_LIMITS.maxQuantityPerLine} units of a product; ${command.productId} has ${line?.quantity ?? 0}`;
    if (line === undefined && cart.status === 'OPEN' && cart.items.length >= CART_LIMITS.maxLines) return `a cart holds at most ${CART_LIMITS.maxLines} products`;
    return undefined;
  }
  if (cart.status !== 'OPEN') return `the cart is ${cart.status}`;
  if (command.type === 'RemoveCartItem') return cart.items.some((item) => item.productId === command.productId) ? undefined : `the cart has no ${command.productId}`;
  return cart.items.length === 0 ? 'the cart is empty' : undefined;
}

/**
 * Applies one command. `product` is the catalog row of an added product (null when the
 * catalog has none); `catalog` the rows of the cart's products, for the checkout's prices
 * (an item the catalog no longer has keeps the price it was added at).
 */
export function applyCartCommand(current: CartState | undefined, command: CartCommand, product: CatalogEntry | null, catalog: ReadonlyMap<string, CatalogEntry>, nowMs: number): CartOutcome {
  if (current !== undefined && current.customerId !== command.customerId) return { kind: 'ignored' };
  if (current?.commandIds.includes(command.commandId) === true) return { kind: 'ignored' };
  const before = current ?? freshCart(command, nowMs);
  const commandIds = keepLast(before.commandIds, command.commandId, REMEMBERED_COMMANDS);
  const problem = problemOf(before, command, product);
  if (problem !== undefined) {
    return { kind: 'rejected', cart: { ...before, updatedAtMs: nowMs, commandIds, lastRejection: { commandId: command.commandId, type: command.type, reason: problem, atMs: nowMs } } };
  }
  // An applied command clears an earlier refusal: the view shows the cart's latest story.
  const { lastRejection: _rejection, ...cart } = before;
  if (command.type === 'AddCartItem') {
    // An add to a cart that became an order, or expired, starts the cart over.
    const { orderId: _order, ...open } = cart.status === 'OPEN' ? cart : freshCart(command, nowMs);
    const entry = product as CatalogEntry;
    const line = open.items.find((item) => item.productId === command.productId);
    const items = line === undefined
      ? [...open.items, priced(command.productId, command.quantity, entry)]
      : open.items.map((item) => (item === line ? priced(item.productId, item.quantity + command.quantity, entry) : item));
    return { kind: 'applied', cart: { ...open, status: 'OPEN', items, ...totals(items), updatedAtMs: nowMs, commandIds } };
  }
  if (command.type === 'RemoveCartItem') {
    const items = cart.items.filter((item) => item.productId !== command.productId);
    return { kind: 'applied', cart: { ...cart, items, ...totals(items), updatedAtMs: nowMs, commandIds } };
  }
  const items = cart.items.map((item) => {
    const entry = catalog.get(item.productId);
    return entry === undefined ? item : priced(item.productId, item.quantity, entry);
  });
  const orderId = cartOrderId(cart.cartId, command.commandId);
  const order: CreateOrder = {
    type: 'CreateOrder',
    commandId: `${command.commandId}:order`,
    issuedAtMs: nowMs,
    orderId,
    customerId: cart.customerId,
    // The prices the customer is shown: the order charges the catalog's, and refuses the order if they moved since (PRICE_CHANGED).
    items: items.map((item) => ({ productId: item.productId, quantity: item.quantity, unitPriceCents: item.unitPriceCents })),
  };
  return { kind: 'applied', cart: { ...cart, status: 'CHECKED_OUT', items, ...totals(items), orderId, updatedAtMs: nowMs, commandIds }, order };
}
