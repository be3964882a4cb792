/**
 * The shipping service's processor, keyed by orderId: a paid order gets a shipment
 * (`ShipmentCreated`), which a simulated courier dispatches and then delivers after the
 * configured delays. The courier is a wall-clock punctuator over `shipment-schedule`, an
 * index whose keys sort by due time. A paid order's cancel request (`OrderCancelRequested`)
 * cancels the shipment while it has not left (`ShipmentCancelled`, on which the order
 * cancels and refunds); once dispatched it changes nothing, and the `ShipmentDispatched`
 * already sent tells the order to refuse the cancel.
 *
 * @example
 * ```ts
 * paid.process(shippingProcessor({ dispatchDelayMs: 2_000, deliveryDelayMs: 3_000, courierIntervalMs: 500 }), Named.as('shipping'), ...SHIPPING_STORES);
 * ```
 */

import { PunctuationType, type ProcessorContext, type ProcessorSupplier } from '../../../processors/api/processor.ts';
import { streamRecord, type Headers, type StreamRecord } from '../../../processors/api/record.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import type { OrderEvent, ShipmentEvent, ShipmentEventType } from '../contracts/events.ts';
import { idOfTimeKey, rangeOf, timeKey } from '../shared/service-options.ts';
import { traceContextOf, traceHeaders, type TraceContext } from '../shared/trace-context.ts';

export const SHIPMENT_STORE = 'shipments';
export const SCHEDULE_STORE = 'shipment-schedule';
export const SHIPPING_STORES = [SHIPMENT_STORE, SCHEDULE_STORE] as const;

export interface Shipment {
  readonly shipmentId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly status: 'CREATED' | 'DISPATCHED' | 'DELIVERED' | 'CANCELLED';
  /** When the courier acts next; absent once delivered or cancelled. */
  readonly dueAtMs?: number;
  readonly updatedAtMs: number;
  /**
   * The trace context (W3C `traceparent`, `tracestate`) of the record that created the
   * shipment, so that what the courier sends later continues the order's trace.
   */
  readonly trace?: TraceContext;
}

export interface CourierSettings {
  readonly dispatchDelayMs: number;
  readonly deliveryDelayMs: number;
  /** How often the courier looks for due shipments (wall clock). */
  readonly courierIntervalMs: number;
}

const EVENT_OF: Record<Shipment['status'], ShipmentEventType> = {
  CREATED: 'ShipmentCreated',
  DISPATCHED: 'ShipmentDispatched',
  DELIVERED: 'ShipmentDelivered',
  CANCELLED: 'ShipmentCancelled',
};

class ShippingProcessor {
  readonly #settings: CourierSettings;
  #context!: ProcessorContext<string, ShipmentEvent>;
  #shipments!: KeyValueStore<string, Shipment>;
  #schedule!: KeyValueStore<string, string>;

  constructor(settings: CourierSettings) {
    this.#settings = settings;
  }

  init(context: ProcessorContext<string, ShipmentEvent>): void {
    this.#context = context;
    this.#shipments = context.getStateStore(SHIPMENT_STORE);
    this.#schedule = context.getStateStore(SCHEDULE_STORE);
    context.schedule(this.#settings.courierIntervalMs, PunctuationType.WALL_CLOCK_TIME, (nowMs) => this.#courier(nowMs));
  }

  async process(record: StreamRecord<string, OrderEvent>): Promise<void> {
    const order = record.value;
    const nowMs = this.#context.currentSystemTimeMs();
    const current = await this.#shipments.get(order.orderId);
    if (order.type === 'OrderPaid' && current === undefined) {
      const trace = traceContextOf(record.headers);
      await this.#save(undefined, {
        shipmentId: `shp-${order.orderId}`, orderId: order.orderId, customerId: order.customerId, status: 'CREATED', dueAtMs: nowMs + this.#settings.dispatchDelayMs, updatedAtMs: nowMs,
        ...(trace === undefined ? {} : { trace }),
      }, record.headers);
    } else if (order.type === 'OrderCancelRequested' && current?.status === 'CREATED') {
      const { dueAtMs: _due, ...rest } = current;
      await this.#save(current, { ...rest, status: 'CANCELLED', updatedAtMs: nowMs }, record.headers);
    }
  }

  async #courier(nowMs: number): Promise<void> {
    for (const { key } of await rangeOf(this.#schedule, timeKey(0, ''), timeKey(nowMs, '\uffff'))) {
      await this.#schedule.delete(key);
      const shipment = await this.#shipments.get(idOfTimeKey(key));
      if (shipment?.dueAtMs === undefined || timeKey(shipment.dueAtMs, shipment.orderId) !== key) continue;
      const { dueAtMs: _due, ...rest } = shipment;
      // The courier continues the trace of the record that created the shipment.
      const headers = traceHeaders(shipment.trace);
      if (shipment.status === 'CREATED') await this.#save(shipment, { ...rest, status: 'DISPATCHED', dueAtMs: nowMs + this.#settings.deliveryDelayMs, updatedAtMs: nowMs }, headers);
      else if (shipment.status === 'DISPATCHED') await this.#save(shipment, { ...rest, status: 'DELIVERED', updatedAtMs: nowMs }, headers);
    }
  }

  async #save(before: Shipment | undefined, shipment: Shipment, headers: Headers): Promise<void> {
    this.#shipments.put(shipment.orderId, shipment);
    if (before?.dueAtMs !== undefined) await this.#schedule.delete(timeKey(before.dueAtMs, before.orderId));
    if (shipment.dueAtMs !== undefined) this.#schedule.put(timeKey(shipment.dueAtMs, shipment.orderId), shipment.orderId);
    const type = EVENT_OF[shipment.status];
    const event: ShipmentEvent = { type, eventId: `${shipment.shipmentId}:${shipment.status}`, shipmentId: shipment.shipmentId, orderId: shipment.orderId, customerId: shipment.customerId, atMs: shipment.updatedAtMs };
    await this.#context.forward(streamRecord(shipment.orderId, event, shipment.updatedAtMs, headers));
  }
}

export function shippingProcessor(settings: CourierSettings): ProcessorSupplier<string, OrderEvent, string, ShipmentEvent> {
  return () => new ShippingProcessor(settings);
}
