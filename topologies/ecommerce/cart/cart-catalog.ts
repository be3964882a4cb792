/**
 * The cart service's copy of the catalog: each product's name and price, from the
 * inventory service's `ProductUpdated` events (keyed by productId on `inventory.events`),
 * written to `carts.catalog` (compacted, keyed by productId) and read back as a
 * GlobalKTable, `cart-catalog`. A global table because cart commands are keyed by cartId:
 * any cart task must find any product, and the catalog is small. The copy goes through a
 * topic of its own rather than a GlobalKTable over `inventory.events` itself, because a
 * global table takes every record of its topic as a row, and that topic also carries the
 * saga's item events (keyed by orderId) and `ProductRejected` (keyed by productId).
 *
 * @example
 * ```ts
 * catalogEntryOf({ type: 'ProductUpdated', productId: 'p-1', name: 'Tea', priceCents: 450, ... }); // { productId: 'p-1', name: 'Tea', priceCents: 450, updatedAtMs }
 * ```
 */

import type { InventoryEvent } from '../contracts/events.ts';

/** The global store of the catalog (productId → CatalogEntry). */
export const CATALOG_STORE = 'cart-catalog';

export interface CatalogEntry {
  readonly productId: string;
  readonly name: string;
  readonly priceCents: number;
  readonly updatedAtMs: number;
}

/** The catalog row an inventory event gives, or undefined for every event but a priced `ProductUpdated`. */
export function catalogEntryOf(event: InventoryEvent): CatalogEntry | undefined {
  if (event.type !== 'ProductUpdated' || event.priceCents === undefined) return undefined;
  return { productId: event.productId, name: event.name ?? event.productId, priceCents: event.priceCents, updatedAtMs: event.atMs };
}
