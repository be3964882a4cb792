/**
 * A small in-memory bus for TopologyTestDriver tests of the e-commerce services: one
 * driver per service, and the platform topics between them. What a driver writes to a
 * platform topic is logged and piped, as bytes (the Avro wire format), into every driver
 * that reads the topic, until nothing moves. A service can be paused (its inputs are held
 * back) to play a step that does not answer.
 */

import { MockSchemaRegistry } from '../../../../schemas/registry/mock-registry.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import type { Serde } from '../../../../schemas/serdes/serde.ts';
import { TopologyTestDriver } from '../../../../processors/testing/index.ts';
import type { KeyValueStore } from '../../../../state/api/key-value-store.ts';
import type { Topology } from '../../../../processors/dsl/index.ts';
import type { OrderItem } from '../../../../topologies/ecommerce/contracts/commands.ts';
import { ApplicationIds, Stores, type ServiceName } from '../../../../topologies/ecommerce/contracts/stores.ts';
import { prefixedTopics, type TopicNames } from '../../../../topologies/ecommerce/contracts/topics.ts';
import type { CustomerView, OrderView, ProductView } from '../../../../topologies/ecommerce/contracts/views.ts';
import { buildAnalyticsTopology } from '../../../../topologies/ecommerce/analytics/analytics-topology.ts';
import { buildCartTopology } from '../../../../topologies/ecommerce/cart/cart-topology.ts';
import { buildCustomerTopology } from '../../../../topologies/ecommerce/customer/customer-topology.ts';
import { buildInventoryTopology } from '../../../../topologies/ecommerce/inventory/inventory-topology.ts';
import { buildNotificationTopology } from '../../../../topologies/ecommerce/notification/notification-topology.ts';
import { buildOrderTopology } from '../../../../topologies/ecommerce/order/order-topology.ts';
import { inlineFraudScorer, type FraudScorer } from '../../../../topologies/ecommerce/payment/fraud-scorer.ts';
import { buildPaymentTopology } from '../../../../topologies/ecommerce/payment/payment-topology.ts';
import { createEcommerceSerdes, type EcommerceSerdes } from '../../../../topologies/ecommerce/serdes.ts';
import { buildShippingTopology } from '../../../../topologies/ecommerce/shipping/shipping-topology.ts';

const B = Serdes.Bytes();

export interface LoggedRecord {
  readonly topic: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly timestamp: number;
}

export interface BusOptions {
  readonly deadlineMs?: number;
  readonly velocityMaxOrders?: number;
  readonly maxAmountCents?: number;
  readonly scorer?: FraudScorer;
  readonly cartExpiryMs?: number;
}

/** Each service's topology as the tests build it: in-memory stores, short courier delays. */
export function serviceTopologies(serdes: EcommerceSerdes, topics: TopicNames, options: BusOptions = {}): Record<ServiceName, Topology> {
  const common = { topics, serdes, storeKind: 'in_memory' as const };
  return {
    order: buildOrderTopology({ ...common, defaultDeadlineMs: options.deadlineMs ?? 10_000, deadlineCheckIntervalMs: 1_000 }),
    inventory: buildInventoryTopology(common),
    payment: buildPaymentTopology({ ...common, scorer: options.scorer ?? inlineFraudScorer({ iterations: 10, maxAmountCents: options.maxAmountCents ?? 1_000_000 }), velocityMaxOrders: options.velocityMaxOrders ?? 5 }),
    shipping: buildShippingTopology({ ...common, dispatchDelayMs: 2_000, deliveryDelayMs: 3_000, courierIntervalMs: 500 }),
    notification: buildNotificationTopology(common),
    customer: buildCustomerTopology(common),
    // A minute's windows with 10 s of grace: tests move the clock by seconds.
    analytics: buildAnalyticsTopology({ ...common, windows: { sizeMs: 60_000, graceMs: 10_000, retentionMs: 3_600_000 } }),
    cart: buildCartTopology({ ...common, expiryMs: options.cartExpiryMs ?? 60_000, expiryCheckIntervalMs: 1_000 }),
  };
}

/** The services of the order saga, which the bus connects (the cart service only feeds it orders; analytics is tested on its own driver). */
export type SagaService = Exclude<ServiceName, 'cart' | 'analytics'>;

export class SagaBus {
  readonly topics: TopicNames = prefixedTopics('');
  readonly serdes: EcommerceSerdes;
  readonly drivers: Record<SagaService, TopologyTestDriver>;
  readonly log: LoggedRecord[] = [];
  readonly paused = new Set<SagaService>();
  readonly #held: { service: SagaService; record: LoggedRecord }[] = [];
  #commands = 0;

  private constructor(serdes: EcommerceSerdes, options: BusOptions) {
    this.serdes = serdes;
    const topologies = serviceTopologies(serdes, this.topics, options);
    const driver = (name: SagaService) => new TopologyTestDriver(topologies[name], { applicationId: ApplicationIds[name], initialWallClockTimeMs: 0 });
    this.drivers = { order: driver('order'), inventory: driver('inventory'), payment: driver('payment'), shipping: driver('shipping'), notification: driver('notification'), customer: driver('customer') };
  }

  static async create(options: BusOptions = {}): Promise<SagaBus> {
    return new SagaBus(await createEcommerceSerdes(new MockSchemaRegistry(), prefixedTopics('')), options);
  }

  /** Serializes and publishes one record, then pumps until quiet. */
  async send<T>(topic: string, key: string, value: T, serde: Serde<T>): Promise<void> {
    await this.#publish({ topic, key: Buffer.from(key), value: serde.serialize(topic, value), timestamp: this.now });
    await this.pump();
  }

  get now(): number {
    return this.drivers.order.wallClockTimeMs;
  }

  async createCustomer(customerId: string, depositCents: number): Promise<void> {
    await this.send(this.topics.customerCommands, customerId, { type: 'CreateCustomer', commandId: this.#id(), customerId, issuedAtMs: this.now, name: customerId, email: `${customerId}@example.com` }, this.serdes.customerCommand);
    if (depositCents > 0) await this.send(this.topics.customerCommands, customerId, { type: 'Deposit', commandId: this.#id(), customerId, issuedAtMs: this.now, amountCents: depositCents }, this.serdes.customerCommand);
  }

  async upsertProduct(productId: string, restockQuantity: number, priceCents = 100): Promise<void> {
    await this.send(this.topics.inventoryCommands, productId, { type: 'UpsertProduct', commandId: this.#id(), productId, issuedAtMs: this.now, name: productId, priceCents, restockQuantity }, this.serdes.inventoryCommand);
  }

  async createOrder(orderId: string, customerId: string, items: readonly OrderItem[], deadlineMs?: number): Promise<void> {
    await this.send(this.topics.orderCommands, orderId, { type: 'CreateOrder', commandId: `create-${orderId}`, orderId, customerId, issuedAtMs: this.now, items, ...(deadlineMs === undefined ? {} : { deadlineMs }) }, this.serdes.orderCommand);
  }

  async cancelOrder(orderId: string, customerId: string): Promise<void> {
    await this.send(this.topics.orderCommands, orderId, { type: 'CancelOrder', commandId: `cancel-${orderId}`, orderId, customerId, issuedAtMs: this.now }, this.serdes.orderCommand);
  }

  /** Moves every driver's wall clock (firing punctuators), then pumps. */
  async advance(ms: number): Promise<void> {
    for (const driver of Object.values(this.drivers)) await driver.advanceWallClockTime(ms);
    await this.pump();
  }

  /** Lets a paused service read what it missed. */
  async resume(service: SagaService): Promise<void> {
    this.paused.delete(service);
    const mine = this.#held.filter((held) => held.service === service);
    this.#held.splice(0, this.#held.length, ...this.#held.filter((held) => held.service !== service));
    for (const held of mine) await this.#pipe(service, held.record);
    await this.pump();
  }

  /** Moves what the drivers wrote to platform topics until nothing moves. */
  async pump(): Promise<void> {
    for (let moved = true; moved;) {
      moved = false;
      for (const driver of Object.values(this.drivers)) {
        for (const topic of Object.values(this.topics)) {
          for (const record of driver.createOutputTopic(topic, B, B).readRecordsToList()) {
            moved = true;
            await this.#publish({ topic, key: record.key, value: record.value, timestamp: record.timestamp });
          }
        }
      }
    }
  }

  /** Pipes the whole log again, in order, into every service (a replay). */
  async replayAll(): Promise<void> {
    const records = [...this.log];
    for (const record of records) for (const service of this.#readers(record.topic)) await this.#pipe(service, record);
    await this.pump();
  }

  /** What was published on `topic`, decoded. */
  events<T>(topic: string, serde: Serde<T>): T[] {
    return this.log.filter((record) => record.topic === topic).map((record) => serde.deserialize(topic, record.value) as T);
  }

  store<V>(service: SagaService, name: string): KeyValueStore<string, V> {
    return this.drivers[service].getKeyValueStore<string, V>(name);
  }

  async order(orderId: string): Promise<OrderView | undefined> {
    return this.store<OrderView>('order', Stores.orders).get(orderId);
  }

  async product(productId: string): Promise<ProductView | undefined> {
    return this.store<ProductView>('inventory', Stores.products).get(productId);
  }

  async customer(customerId: string): Promise<CustomerView | undefined> {
    return this.store<CustomerView>('payment', Stores.customers).get(customerId);
  }

  async close(): Promise<void> {
    for (const driver of Object.values(this.drivers)) await driver.close();
  }

  #id(): string {
    return `cmd-${++this.#commands}`;
  }

  #readers(topic: string): SagaService[] {
    return (Object.keys(this.drivers) as SagaService[]).filter((name) => this.drivers[name].inputTopicNames.includes(topic));
  }

  async #publish(record: LoggedRecord): Promise<void> {
    this.log.push(record);
    for (const service of this.#readers(record.topic)) {
      if (this.paused.has(service)) this.#held.push({ service, record });
      else await this.#pipe(service, record);
    }
  }

  async #pipe(service: SagaService, record: LoggedRecord): Promise<void> {
    await this.drivers[service].createInputTopic(record.topic, B, B).pipeInput(record.key, record.value, record.timestamp);
  }
}
