/**
 * The shipping service: paid and cancelled orders from `orders.events` (keyed by orderId)
 * into the shipping processor; shipment events to `shipments.events`, keyed by orderId.
 *
 * Stores: internal `shipments` and `shipment-schedule`.
 *
 * @example
 * ```ts
 * const topology = buildShippingTopology({ topics: prefixedTopics(''), serdes, dispatchDelayMs: 2_000, deliveryDelayMs: 3_000 });
 * ```
 */

import { Consumed, Named, Produced, StreamsBuilder, type Topology } from '../../../processors/dsl/index.ts';
import { jsonStore, type ServiceOptions } from '../shared/service-options.ts';
import { SCHEDULE_STORE, SHIPMENT_STORE, SHIPPING_STORES, shippingProcessor, type Shipment } from './shipping-processor.ts';

export interface ShippingTopologyOptions extends ServiceOptions {
  /** From payment to dispatch; 2 s by default. */
  readonly dispatchDelayMs?: number;
  /** From dispatch to delivery; 3 s by default. */
  readonly deliveryDelayMs?: number;
  /** How often the courier runs; 500 ms by default. */
  readonly courierIntervalMs?: number;
}

export function buildShippingTopology(options: ShippingTopologyOptions): Topology {
  const { topics, serdes } = options;
  const kind = options.storeKind ?? 'persistent';
  const builder = new StreamsBuilder();
  builder.addStateStore(jsonStore<Shipment>(SHIPMENT_STORE, kind));
  builder.addStateStore(jsonStore<string>(SCHEDULE_STORE, kind));
  builder
    .stream(topics.orderEvents, Consumed.with(serdes.key, serdes.orderEvent))
    .filter((_orderId, event) => event.type === 'OrderPaid' || event.type === 'OrderCancelRequested', Named.as('shipping-order-events'))
    .process(
      shippingProcessor({ dispatchDelayMs: options.dispatchDelayMs ?? 2_000, deliveryDelayMs: options.deliveryDelayMs ?? 3_000, courierIntervalMs: options.courierIntervalMs ?? 500 }),
      Named.as('shipping'),
      ...SHIPPING_STORES,
    )
    .to(topics.shipmentEvents, Produced.with(serdes.key, serdes.shipmentEvent));
  return builder.build();
}
