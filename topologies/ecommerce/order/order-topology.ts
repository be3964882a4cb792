/**
 * The order service: commands from `orders.commands` and the saga's answers from
 * `inventory.events` (item events), `payments.events` and `shipments.events` — all keyed
 * by orderId, so co-partitioned — merged into one stream that the order saga processor
 * applies in arrival order per order. Its transitions go to `orders.events`; the orders it
 * creates are also re-keyed by customer (a repartition topic) into the `customer-orders`
 * index, which must be partitioned by customerId to be queryable by it.
 *
 * Stores: `orders` (orderId → OrderView), `customer-orders` (customerId → orderIds),
 * internal `order-sagas` and `order-deadlines`.
 *
 * @example
 * ```ts
 * const topology = buildOrderTopology({ topics: prefixedTopics(''), serdes, defaultDeadlineMs: 30_000, deadlineCheckIntervalMs: 1_000 });
 * ```
 */

import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Consumed, Grouped, Materialized, Named, Produced, StreamsBuilder, type KStream, type Topology } from '../../../processors/dsl/index.ts';
import { Stores } from '../contracts/stores.ts';
import type { OrderEvent } from '../contracts/events.ts';
import type { OrderView } from '../contracts/views.ts';
import { jsonStore, type ServiceOptions } from '../shared/service-options.ts';
import type { OrderInput, SagaState } from './order-rules.ts';
import { DEADLINE_STORE, ORDER_SAGA_STORES, SAGA_STORE, orderSagaProcessor, type OrderSagaSettings } from './order-saga-processor.ts';

export interface OrderTopologyOptions extends ServiceOptions {
  /** How long each saga step may take when the order does not say; 30 s by default. */
  readonly defaultDeadlineMs?: number;
  /** How often due deadlines are looked for (wall clock); 1 s by default. */
  readonly deadlineCheckIntervalMs?: number;
  /** Told of every status change of an order (see observability/saga-metrics.ts). */
  readonly onTransition?: OrderSagaSettings['onTransition'];
}

export function buildOrderTopology(options: OrderTopologyOptions): Topology {
  const { topics, serdes } = options;
  const kind = options.storeKind ?? 'persistent';
  const key = serdes.key;
  const builder = new StreamsBuilder();
  builder.addStateStore(jsonStore<OrderView>(Stores.orders, kind));
  builder.addStateStore(jsonStore<SagaState>(SAGA_STORE, kind));
  builder.addStateStore(jsonStore<string>(DEADLINE_STORE, kind));

  const commands: KStream<string, OrderInput> = builder
    .stream(topics.orderCommands, Consumed.with(key, serdes.orderCommand))
    .mapValues((command): OrderInput => ({ kind: 'command', command }), Named.as('order-commands-in'));
  const items: KStream<string, OrderInput> = builder
    .stream(topics.inventoryEvents, Consumed.with(key, serdes.inventoryEvent))
    // Product events share the topic but are keyed by productId; only item answers concern orders.
    .filter((_orderId, event) => event.type === 'ItemReserved' || event.type === 'ItemRejected', Named.as('order-item-answers'))
    .mapValues((event): OrderInput => ({ kind: 'inventory', event }), Named.as('order-items-in'));
  const payments: KStream<string, OrderInput> = builder
    .stream(topics.paymentEvents, Consumed.with(key, serdes.paymentEvent))
    .mapValues((event): OrderInput => ({ kind: 'payment', event }), Named.as('order-payments-in'));
  const shipments: KStream<string, OrderInput> = builder
    .stream(topics.shipmentEvents, Consumed.with(key, serdes.shipmentEvent))
    .mapValues((event): OrderInput => ({ kind: 'shipment', event }), Named.as('order-shipments-in'));

  const events: KStream<string, OrderEvent> = commands
    .merge(items, Named.as('order-merge-items'))
    .merge(payments, Named.as('order-merge-payments'))
    .merge(shipments, Named.as('order-merge-shipments'))
    .process(
      orderSagaProcessor({
        defaultDeadlineMs: options.defaultDeadlineMs ?? 30_000,
        checkIntervalMs: options.deadlineCheckIntervalMs ?? 1_000,
        ...(options.onTransition === undefined ? {} : { onTransition: options.onTransition }),
      }),
      Named.as('order-saga'),
      ...ORDER_SAGA_STORES,
    );
  events.to(topics.orderEvents, Produced.with(key, serdes.orderEvent));

  events
    .filter((_orderId, event) => event.type === 'OrderCreated' || (event.type === 'OrderRejected' && event.fromStatus === undefined), Named.as('order-created'))
    .selectKey((_orderId, event) => event.customerId, Named.as('order-by-customer'))
    .groupByKey(Grouped.with(key, serdes.orderEvent).withName('customer-orders'))
    .aggregate<string[]>(
      () => [],
      (_customerId, event, orderIds) => (orderIds.includes(event.orderId) ? orderIds : [...orderIds, event.orderId]),
      Materialized.as<string, string[]>(Stores.customerOrders)
        .withKeySerde(Serdes.String())
        .withValueSerde(Serdes.JSON<string[]>())
        .withStoreType(kind === 'persistent' ? 'rocksdb' : 'in_memory'),
    );
  return builder.build();
}
