/**
 * The cart service. Two parts:
 * - the catalog copy: `ProductUpdated` on `inventory.events` → `carts.catalog` (keyed by
 *   productId), read back as the GlobalKTable `cart-catalog` (see `cart-catalog.ts`);
 * - the carts: `carts.commands` (keyed by cartId); adds are left-joined with the catalog
 *   on their productId (a global table: no co-partitioning with carts needed), the other
 *   commands pass as they are; the cart processor applies them to `carts` and writes each
 *   checkout's `CreateOrder` to `orders.commands` (keyed by the new orderId), where the
 *   order service prices it from the catalog itself.
 *
 * Stores: `carts` (cartId → CartState, queryable), `cart-expiry` (internal), `cart-catalog`
 * (global: productId → CatalogEntry).
 *
 * @example
 * ```ts
 * const topology = buildCartTopology({ topics: prefixedTopics(''), serdes, expiryMs: 1_800_000, expiryCheckIntervalMs: 1_000 });
 * ```
 */

import { Consumed, Materialized, Named, Produced, StreamsBuilder, type Topology } from '../../../processors/dsl/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { CartCommand } from '../contracts/carts.ts';
import { Stores } from '../contracts/stores.ts';
import { jsonStore, type ServiceOptions } from '../shared/service-options.ts';
import { CATALOG_STORE, catalogEntryOf, type CatalogEntry } from './cart-catalog.ts';
import { cartProcessor, EXPIRY_STORE, type CartSettings, type PricedCommand } from './cart-processor.ts';
import type { CartState } from './cart-rules.ts';

export interface CartTopologyOptions extends ServiceOptions, CartSettings {}

const isAdd = (_cartId: string, command: CartCommand): boolean => command.type === 'AddCartItem';

export function buildCartTopology(options: CartTopologyOptions): Topology {
  const { topics, serdes } = options;
  const kind = options.storeKind ?? 'persistent';
  const builder = new StreamsBuilder();
  builder.addStateStore(jsonStore<CartState>(Stores.carts, kind));
  builder.addStateStore(jsonStore<string>(EXPIRY_STORE, kind));

  builder
    .stream(topics.inventoryEvents, Consumed.with(serdes.key, serdes.inventoryEvent).withName('cart-inventory-events'))
    .flatMapValues((event) => {
      const entry = catalogEntryOf(event);
      return entry === undefined ? [] : [entry];
    }, Named.as('cart-catalog-entries'))
    .to(topics.cartCatalog, Produced.with(Serdes.String(), Serdes.JSON<CatalogEntry>()).withName('cart-catalog-out'));
  const catalog = builder.globalTable(topics.cartCatalog, Consumed.with(Serdes.String(), Serdes.JSON<CatalogEntry>()).withName('cart-catalog-table'), Materialized.as(CATALOG_STORE));

  const commands = builder.stream(topics.cartCommands, Consumed.with(serdes.key, serdes.cartCommand).withName('cart-commands'));
  const adds = commands
    .filter(isAdd, Named.as('cart-adds'))
    .leftJoin(catalog, (_cartId, command) => (command.type === 'AddCartItem' ? command.productId : null), (command, product): PricedCommand => ({ command, product }), Named.as('cart-priced-adds'));
  const others = commands
    .filterNot(isAdd, Named.as('cart-other-commands'))
    .mapValues((command): PricedCommand => ({ command, product: null }), Named.as('cart-unpriced'));
  adds
    .merge(others, Named.as('cart-merge'))
    .process(cartProcessor(options), Named.as('cart'), Stores.carts, EXPIRY_STORE)
    .to(topics.orderCommands, Produced.with(serdes.key, serdes.orderCommand).withName('cart-orders-out'));
  return builder.build();
}
