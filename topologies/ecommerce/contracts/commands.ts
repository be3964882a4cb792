/**
 * Commands, as the `.avsc` files in `schemas/ecommerce/` define them. Each topic's value is
 * one flat Avro record whose `type` says which optional fields matter, because `avsc`
 * cannot tell several record branches of an unwrapped union apart; the TypeScript side is
 * a discriminated union, and `toAvroRecord`/`fromAvroRecord` translate absent ↔ null.
 *
 * Amounts are integer cents, times epoch milliseconds.
 */

export interface OrderItem {
  readonly productId: string;
  /** At least 1. */
  readonly quantity: number;
  /**
   * In a `CreateOrder`: the unit price the customer saw, optional. The catalog owns prices:
   * when given and not the product's `priceCents` at reservation, the order is REJECTED
   * (`PRICE_CHANGED`); when absent, the catalog price is charged. In order views and
   * events: the catalog unit price inventory reserved the item at, absent until then.
   */
  readonly unitPriceCents?: number;
}

/**
 * Sum of quantity × unit price, or undefined when an item has no price (inventory has not
 * reserved it yet) or the sum is not a safe integer.
 *
 * @example
 * ```ts
 * pricedTotal([{ productId: 'p', quantity: 2, unitPriceCents: 450 }]); // 900
 * pricedTotal([{ productId: 'p', quantity: 2 }]);                      // undefined
 * ```
 */
export function pricedTotal(items: readonly OrderItem[]): number | undefined {
  let total = 0;
  for (const item of items) {
    if (item.unitPriceCents === undefined) return undefined;
    total += item.quantity * item.unitPriceCents;
  }
  return Number.isSafeInteger(total) ? total : undefined;
}

interface CommandBase {
  /** Unique per request; a retried request (same Idempotency-Key) keeps it. */
  readonly commandId: string;
  readonly issuedAtMs: number;
}

export interface CreateOrder extends CommandBase {
  readonly type: 'CreateOrder';
  readonly orderId: string;
  readonly customerId: string;
  readonly items: readonly OrderItem[];
  /** How long each saga step may take before the order expires; absent for the default. */
  readonly deadlineMs?: number;
}

export interface CancelOrder extends CommandBase {
  readonly type: 'CancelOrder';
  readonly orderId: string;
  readonly customerId: string;
  readonly items?: readonly OrderItem[];
  readonly reason?: string;
}

export type OrderCommand = CreateOrder | CancelOrder;

/** Creates the product on first use; otherwise renames/reprices (when set) and restocks. */
export interface UpsertProduct extends CommandBase {
  readonly type: 'UpsertProduct';
  readonly productId: string;
  readonly name?: string;
  readonly priceCents?: number;
  /** Units added to the available stock, 0 or more. */
  readonly restockQuantity: number;
  /** Catalog text searched with the name; absent keeps the current one. */
  readonly description?: string;
  /** Catalog category (a search facet); absent keeps the current one. */
  readonly category?: string;
}

export type InventoryCommand = UpsertProduct;

export interface CreateCustomer extends CommandBase {
  readonly type: 'CreateCustomer';
  readonly customerId: string;
  readonly name: string;
  readonly email: string;
}

export interface Deposit extends CommandBase {
  readonly type: 'Deposit';
  readonly customerId: string;
  /** Positive. */
  readonly amountCents: number;
}

export type CustomerCommand = CreateCustomer | Deposit;
