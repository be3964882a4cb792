/**
 * The serdes of the platform's topics: Avro in the Confluent wire format, registered under
 * `<topic>-value` (TopicNameStrategy) with the schemas of `schemas/ecommerce/`, and
 * translated between the TypeScript shapes (optional fields absent, also in nested records
 * such as order items, which are plain objects) and the Avro records (every field present,
 * `null` when unset). Keys are
 * strings. Stores keep JSON: they never leave the service.
 *
 * @example
 * ```ts
 * const serdes = await createEcommerceSerdes(new MockSchemaRegistry(), prefixedTopics(''));
 * const bytes = serdes.orderCommand.serialize('orders.commands', createOrder); // 00 <id> <avro>
 * ```
 */

import type { AvroSchema, AvroSchemaSource } from '../../schemas/registry/schema-source.ts';
import { ecommerceSchema, type EcommerceSchemaName } from '../../schemas/ecommerce/index.ts';
import { AvroSerde } from '../../schemas/serdes/avro.ts';
import type { PreparableSerde, Serde } from '../../schemas/serdes/serde.ts';
import { Serdes } from '../../schemas/serdes/serdes.ts';
import { fromAvroRecord, toAvroRecord } from './contracts/avro-records.ts';
import type { CartCommand } from './contracts/carts.ts';
import type { CustomerCommand, InventoryCommand, OrderCommand } from './contracts/commands.ts';
import type { CustomerEvent, InventoryEvent, OrderEvent, PaymentEvent, ShipmentEvent } from './contracts/events.ts';
import type { TopicNames } from './contracts/topics.ts';
import type { Notification } from './contracts/views.ts';

export interface EcommerceSerdes {
  readonly key: Serde<string>;
  readonly orderCommand: PreparableSerde<OrderCommand>;
  readonly inventoryCommand: PreparableSerde<InventoryCommand>;
  readonly customerCommand: PreparableSerde<CustomerCommand>;
  readonly orderEvent: PreparableSerde<OrderEvent>;
  readonly inventoryEvent: PreparableSerde<InventoryEvent>;
  readonly paymentEvent: PreparableSerde<PaymentEvent>;
  readonly shipmentEvent: PreparableSerde<ShipmentEvent>;
  readonly customerEvent: PreparableSerde<CustomerEvent>;
  readonly notification: PreparableSerde<Notification>;
  readonly cartCommand: PreparableSerde<CartCommand>;
}

type AvroField = { readonly name: string; readonly type: unknown };

function fieldsOf(schema: unknown): readonly AvroField[] {
  return (schema as { fields?: readonly AvroField[] }).fields ?? [];
}

/** Fields whose Avro type is a union with `null`: absent on the TypeScript side. */
function nullableFields(schema: unknown): string[] {
  return fieldsOf(schema).filter((field) => Array.isArray(field.type) && field.type.includes('null')).map((field) => field.name);
}

/** Array-of-record fields with nullable fields of their own (order items), by field name. */
function nestedNullableFields(schema: AvroSchema): Map<string, string[]> {
  const nested = new Map<string, string[]>();
  for (const field of fieldsOf(schema)) {
    const type = field.type as { type?: unknown; items?: unknown };
    if (type.type !== 'array' || typeof type.items !== 'object' || type.items === null) continue;
    const nullable = nullableFields(type.items);
    if (nullable.length > 0) nested.set(field.name, nullable);
  }
  return nested;
}

/** avsc decodes nested records as instances of generated classes; the services want plain data, nulls absent. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((element: unknown) => (typeof element === 'object' && element !== null ? fromAvroRecord({ ...element }) : element));
  return value;
}

function toAvro(value: object, nullable: readonly string[], nested: ReadonlyMap<string, readonly string[]>): Record<string, unknown> {
  const record = toAvroRecord(value, nullable);
  for (const [field, fieldNullable] of nested) {
    const elements = record[field];
    if (Array.isArray(elements)) record[field] = elements.map((element: unknown) => (typeof element === 'object' && element !== null ? toAvroRecord(element, fieldNullable) : element));
  }
  return record;
}

/**
 * Wraps a registry-backed Avro serde so that it reads and writes the TypeScript shape.
 *
 * @example
 * ```ts
 * const serde = await flatAvroSerde<OrderEvent>(registry, 'orders.events', 'order-event');
 * ```
 */
export async function flatAvroSerde<T extends object>(registry: AvroSchemaSource, topic: string, schemaName: EcommerceSchemaName): Promise<PreparableSerde<T>> {
  const schema = ecommerceSchema(schemaName);
  const avro = await AvroSerde.create<Record<string, unknown>>(registry, { topic, schema });
  const nullable = nullableFields(schema);
  const nested = nestedNullableFields(schema);
  return {
    serialize: (target, value) => avro.serialize(target, value === null ? null : toAvro(value, nullable, nested)),
    deserialize: (source, bytes) => {
      const record = avro.deserialize(source, bytes);
      if (record === null) return null;
      const value = fromAvroRecord<Record<string, unknown>>(record);
      for (const [field, fieldValue] of Object.entries(value)) value[field] = plain(fieldValue);
      return value as T;
    },
    prepare: (source, batch) => avro.prepare(source, batch),
  };
}

/**
 * Registers every schema under its topic's subject and returns the serdes. One set per
 * service process; the registry client caches ids, so reading costs no request per record.
 */
export async function createEcommerceSerdes(registry: AvroSchemaSource, topics: TopicNames): Promise<EcommerceSerdes> {
  const [orderCommand, inventoryCommand, customerCommand, orderEvent, inventoryEvent, paymentEvent, shipmentEvent, customerEvent, notification, cartCommand] = await Promise.all([
    flatAvroSerde<OrderCommand>(registry, topics.orderCommands, 'order-command'),
    flatAvroSerde<InventoryCommand>(registry, topics.inventoryCommands, 'inventory-command'),
    flatAvroSerde<CustomerCommand>(registry, topics.customerCommands, 'customer-command'),
    flatAvroSerde<OrderEvent>(registry, topics.orderEvents, 'order-event'),
    flatAvroSerde<InventoryEvent>(registry, topics.inventoryEvents, 'inventory-event'),
    flatAvroSerde<PaymentEvent>(registry, topics.paymentEvents, 'payment-event'),
    flatAvroSerde<ShipmentEvent>(registry, topics.shipmentEvents, 'shipment-event'),
    flatAvroSerde<CustomerEvent>(registry, topics.customerEvents, 'customer-event'),
    flatAvroSerde<Notification>(registry, topics.notifications, 'notification'),
    flatAvroSerde<CartCommand>(registry, topics.cartCommands, 'cart-command'),
  ]);
  return { key: Serdes.String(), orderCommand, inventoryCommand, customerCommand, orderEvent, inventoryEvent, paymentEvent, shipmentEvent, customerEvent, notification, cartCommand };
}

