/**
 * What the platform ended with, read back from Kafka read_committed (from offset 0 to the
 * end offsets of the moment): the products' figures from `inventory.events` (the last
 * `ProductUpdated` of each, and whether any figure ever went negative), the balances from
 * the payment service's `customers` store changelog, the deposits, payments and
 * notifications from their topics.
 */

import type { KafkaAdmin, KafkaClientConfig } from '../../../../processors/kafka/index.ts';
import type { PreparableSerde } from '../../../../schemas/serdes/serde.ts';
import type { InventoryEvent, OrderEvent, PaymentEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import { Stores } from '../../../../topologies/ecommerce/contracts/stores.ts';
import type { TopicNames } from '../../../../topologies/ecommerce/contracts/topics.ts';
import type { CustomerView, Notification } from '../../../../topologies/ecommerce/contracts/views.ts';
import type { EcommerceSerdes } from '../../../../topologies/ecommerce/serdes.ts';
import { readToEnd } from '../../streams/support/kafka-io.ts';

export interface ProductFigures {
  readonly available: number;
  readonly reserved: number;
  readonly sold: number;
}

export interface FinalState {
  readonly products: ReadonlyMap<string, ProductFigures>;
  /** `ProductUpdated` events with a negative figure (must be none). */
  readonly negative: readonly InventoryEvent[];
  readonly deposits: ReadonlyMap<string, number>;
  /** customerId → balance, from the payment service's store changelog. */
  readonly balances: ReadonlyMap<string, number>;
  readonly payments: readonly PaymentEvent[];
  readonly notifications: readonly Notification[];
  readonly orderEvents: readonly OrderEvent[];
}

export interface FinalStateSources {
  readonly client: KafkaClientConfig;
  readonly admin: KafkaAdmin;
  readonly topics: TopicNames;
  readonly serdes: EcommerceSerdes;
  /** The payment service's application id (its changelog topics start with it). */
  readonly paymentApplicationId: string;
}

async function readTopic<T>(sources: FinalStateSources, topic: string, serde: PreparableSerde<T>): Promise<T[]> {
  const partitions = (await sources.admin.partitionCounts([topic])).get(topic) ?? 1;
  const { records } = await readToEnd(sources.client, topic, partitions, 60_000);
  await serde.prepare(topic, records.map((r) => r.value));
  return records.map((r) => serde.deserialize(topic, r.value)).filter((v): v is T => v !== null);
}

async function readBalances(sources: FinalStateSources): Promise<Map<string, number>> {
  const topic = `${sources.paymentApplicationId}-${Stores.customers}-changelog`;
  const partitions = (await sources.admin.partitionCounts([topic])).get(topic) ?? 1;
  const { records } = await readToEnd(sources.client, topic, partitions, 60_000);
  const balances = new Map<string, number>();
  // Offset order per partition, and a key lives in one partition: the last value wins.
  for (const record of records) {
    const key = record.key?.toString('utf8') ?? '';
    if (record.value === null) balances.delete(key);
    else balances.set(key, (JSON.parse(record.value.toString('utf8')) as CustomerView).balanceCents);
  }
  return balances;
}

export async function readFinalState(sources: FinalStateSources): Promise<FinalState> {
  const { topics, serdes } = sources;
  const [inventory, customers, payments, notifications, orderEvents, balances] = await Promise.all([
    readTopic(sources, topics.inventoryEvents, serdes.inventoryEvent),
    readTopic(sources, topics.customerEvents, serdes.customerEvent),
    readTopic(sources, topics.paymentEvents, serdes.paymentEvent),
    readTopic(sources, topics.notifications, serdes.notification),
    readTopic(sources, topics.orderEvents, serdes.orderEvent),
    readBalances(sources),
  ]);
  const products = new Map<string, ProductFigures>();
  const negative: InventoryEvent[] = [];
  for (const event of inventory) {
    if (event.type !== 'ProductUpdated') continue;
    const figures = { available: event.available ?? 0, reserved: event.reserved ?? 0, sold: event.sold ?? 0 };
    if (figures.available < 0 || figures.reserved < 0 || figures.sold < 0) negative.push(event);
    products.set(event.productId, figures);
  }
  const deposits = new Map<string, number>();
  for (const event of customers) {
    if (event.type === 'Deposited') deposits.set(event.customerId, (deposits.get(event.customerId) ?? 0) + (event.amountCents ?? 0));
  }
  return { products, negative, deposits, balances, payments, notifications, orderEvents };
}
