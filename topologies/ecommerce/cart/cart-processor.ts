/**
 * The cart processor: applies each cart command (joined with the catalog row of an added
 * product) to its cart in `carts` (see `cart-rules.ts`), forwards the `CreateOrder` of a
 * checkout, and expires carts. Expiry is a wall-clock punctuator over `cart-expiry`, an
 * index of open carts by the time they expire (`timeKey(updatedAtMs + expiryMs, cartId)`):
 * every `expiryCheckIntervalMs` it marks the carts due EXPIRED and empties them. Wall-clock
 * time because inactivity is about the customer's time, not about records arriving.
 *
 * Stores: `carts` (cartId → CartState), `cart-expiry` (time key → cartId), and reads the
 * global `cart-catalog` to price a checkout.
 *
 * @example
 * ```ts
 * stream.process(cartProcessor({ expiryMs: 1_800_000, expiryCheckIntervalMs: 1_000 }), Named.as('cart'), ...CART_STORES);
 * ```
 */

import { PunctuationType, type ProcessorContext, type ProcessorSupplier } from '../../../processors/api/processor.ts';
import { withKey, withValue, type StreamRecord } from '../../../processors/api/record.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import type { TimestampedKeyValueStore } from '../../../state/api/timestamped.ts';
import type { CartCommand } from '../contracts/carts.ts';
import type { OrderCommand } from '../contracts/commands.ts';
import { Stores } from '../contracts/stores.ts';
import { idOfTimeKey, rangeOf, timeKey } from '../shared/service-options.ts';
import { CATALOG_STORE, type CatalogEntry } from './cart-catalog.ts';
import { applyCartCommand, type CartState } from './cart-rules.ts';

export const EXPIRY_STORE = 'cart-expiry';
/** The stores the processor writes; the catalog is global and needs no connecting. */
export const CART_STORES = [Stores.carts, EXPIRY_STORE] as const;

/** A cart command and, for an add, the catalog row of its product (null when unknown). */
export interface PricedCommand {
  readonly command: CartCommand;
  readonly product: CatalogEntry | null;
}

export interface CartSettings {
  /** A cart without a command for this long expires. */
  readonly expiryMs: number;
  /** How often the punctuator looks for expired carts. */
  readonly expiryCheckIntervalMs: number;
}

class CartProcessor {
  readonly #settings: CartSettings;
  #context!: ProcessorContext<string, OrderCommand>;
  #carts!: KeyValueStore<string, CartState>;
  #expiry!: KeyValueStore<string, string>;
  #catalog!: TimestampedKeyValueStore<string, CatalogEntry>;

  constructor(settings: CartSettings) {
    this.#settings = settings;
  }

  init(context: ProcessorContext<string, OrderCommand>): void {
    this.#context = context;
    this.#carts = context.getStateStore(Stores.carts);
    this.#expiry = context.getStateStore(EXPIRY_STORE);
    this.#catalog = context.getStateStore(CATALOG_STORE);
    context.schedule(this.#settings.expiryCheckIntervalMs, PunctuationType.WALL_CLOCK_TIME, (nowMs) => this.#expire(nowMs));
  }

  async process(record: StreamRecord<string, PricedCommand>): Promise<void> {
    const { command, product } = record.value;
    const current = await this.#carts.get(command.cartId);
    const catalog = new Map<string, CatalogEntry>();
    if (command.type === 'CheckoutCart' && current !== undefined) {
      for (const item of current.items) {
        const entry = (await this.#catalog.get(item.productId))?.value;
        if (entry !== undefined) catalog.set(item.productId, entry);
      }
    }
    const outcome = applyCartCommand(current, command, product, catalog, this.#context.currentSystemTimeMs());
    if (outcome.kind === 'ignored') return;
    await this.#save(current, outcome.cart);
    if (outcome.kind === 'applied' && outcome.order !== undefined) {
      await this.#context.forward(withValue(withKey(record, outcome.order.orderId), outcome.order as OrderCommand));
    }
  }

  async #expire(nowMs: number): Promise<void> {
    for (const { key } of await rangeOf(this.#expiry, timeKey(0, ''), timeKey(nowMs, '\uffff'))) {
      await this.#expiry.delete(key);
      const cart = await this.#carts.get(idOfTimeKey(key));
      // A stale index entry (the cart moved on since) is only dropped.
      if (cart === undefined || this.#expiryKey(cart) !== key) continue;
      this.#carts.put(cart.cartId, { ...cart, status: 'EXPIRED', items: [], itemCount: 0, totalCents: 0, updatedAtMs: nowMs });
    }
  }

  /** The cart's place in the expiry index: open carts only. */
  #expiryKey(cart: CartState): string | undefined {
    return cart.status === 'OPEN' ? timeKey(cart.updatedAtMs + this.#settings.expiryMs, cart.cartId) : undefined;
  }

  async #save(before: CartState | undefined, cart: CartState): Promise<void> {
    this.#carts.put(cart.cartId, cart);
    const old = before === undefined ? undefined : this.#expiryKey(before);
    const next = this.#expiryKey(cart);
    if (old !== undefined && old !== next) await this.#expiry.delete(old);
    if (next !== undefined) this.#expiry.put(next, cart.cartId);
  }
}

export function cartProcessor(settings: CartSettings): ProcessorSupplier<string, PricedCommand, string, OrderCommand> {
  return () => new CartProcessor(settings);
}
