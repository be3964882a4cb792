/**
 * The inventory service. Order events (keyed by orderId) become one request per product
 * of the order — reserve on `OrderCreated`, commit on `OrderPaid`, release on any failure
 * or cancellation — re-keyed by productId, which puts them through a repartition topic
 * into the task that owns the product. There they meet `inventory.commands` (restocks,
 * keyed by productId) in the inventory processor.
 *
 * All-or-nothing per order is the order saga's part: it waits for every item's answer and
 * rejects the order on the first refusal; the rejection comes back here as a release of
 * whatever was reserved. Requests of one order for one product stay in order (same source
 * partition, same repartition partition), so a release never overtakes its reservation.
 *
 * Stores: `products` (productId → ProductView), internal `reservations` and `product-commands`.
 *
 * @example
 * ```ts
 * const topology = buildInventoryTopology({ topics: prefixedTopics(''), serdes });
 * ```
 */

import { Consumed, Named, Produced, Repartitioned, StreamsBuilder, keyValue, type KStream, type Topology } from '../../../processors/dsl/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { OrderItem } from '../contracts/commands.ts';
import type { OrderEvent, OrderEventType } from '../contracts/events.ts';
import { Stores } from '../contracts/stores.ts';
import type { ProductView } from '../contracts/views.ts';
import { jsonStore, type ServiceOptions } from '../shared/service-options.ts';
import { INVENTORY_STORES, PRODUCT_COMMAND_STORE, RESERVATION_STORE, inventoryProcessor, type InventoryInput, type ItemRequest } from './inventory-processor.ts';

const ACTIONS: Partial<Record<OrderEventType, ItemRequest['action']>> = {
  OrderCreated: 'reserve',
  OrderPaid: 'commit',
  OrderRejected: 'release',
  OrderPaymentFailed: 'release',
  OrderCancelled: 'release',
  OrderExpired: 'release',
};

/** One request per distinct product, quantities of repeated lines added up. */
export function itemRequests(event: OrderEvent): ItemRequest[] {
  const action = ACTIONS[event.type];
  // An order refused at creation reserved nothing (and its items may not even be valid).
  if (action === undefined || (event.type === 'OrderRejected' && event.fromStatus === undefined)) return [];
  const quantities = new Map<string, number>();
  for (const item of event.items as readonly OrderItem[]) quantities.set(item.productId, (quantities.get(item.productId) ?? 0) + item.quantity);
  return [...quantities].map(([productId, quantity]) => ({ action, orderId: event.orderId, productId, quantity }));
}

export function buildInventoryTopology(options: ServiceOptions): Topology {
  const { topics, serdes } = options;
  const kind = options.storeKind ?? 'persistent';
  const key = serdes.key;
  const builder = new StreamsBuilder();
  builder.addStateStore(jsonStore<ProductView>(Stores.products, kind));
  builder.addStateStore(jsonStore<unknown>(RESERVATION_STORE, kind));
  builder.addStateStore(jsonStore<string[]>(PRODUCT_COMMAND_STORE, kind));

  const requests: KStream<string, InventoryInput> = builder
    .stream(topics.orderEvents, Consumed.with(key, serdes.orderEvent))
    .flatMap((_orderId, event) => itemRequests(event).map((request) => keyValue(request.productId, request)), Named.as('inventory-item-requests'))
    .repartition(Repartitioned.with(Serdes.String(), Serdes.JSON<ItemRequest>()).withName('inventory-requests'))
    .mapValues((request): InventoryInput => ({ kind: 'item', request }), Named.as('inventory-items-in'));
  const commands: KStream<string, InventoryInput> = builder
    .stream(topics.inventoryCommands, Consumed.with(key, serdes.inventoryCommand))
    .mapValues((command): InventoryInput => ({ kind: 'command', command }), Named.as('inventory-commands-in'));

  commands
    .merge(requests, Named.as('inventory-merge'))
    .process(inventoryProcessor(), Named.as('inventory'), ...INVENTORY_STORES)
    .to(topics.inventoryEvents, Produced.with(key, serdes.inventoryEvent));
  return builder.build();
}
