/**
 * The platform's Avro schemas evolve BACKWARD compatibly: each changed schema registers
 * over its previous version (kept in `previous/`) under BACKWARD_TRANSITIVE, and records
 * written with the previous version still read with the current serdes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ecommerceSchema, type EcommerceSchemaName } from '../../../schemas/ecommerce/index.ts';
import { MockSchemaRegistry } from '../../../schemas/registry/mock-registry.ts';
import type { AvroSchema } from '../../../schemas/registry/schema-source.ts';
import { AvroSerde } from '../../../schemas/serdes/avro.ts';
import { prefixedTopics } from '../../../topologies/ecommerce/contracts/topics.ts';
import { createEcommerceSerdes } from '../../../topologies/ecommerce/serdes.ts';

const previous = (name: EcommerceSchemaName): AvroSchema => JSON.parse(readFileSync(new URL(`./previous/${name}.avsc`, import.meta.url), 'utf8')) as AvroSchema;
const CHANGED: readonly EcommerceSchemaName[] = ['order-command', 'order-event', 'inventory-event', 'inventory-command'];

test('each changed schema registers over its previous version under BACKWARD_TRANSITIVE', async () => {
  const registry = new MockSchemaRegistry({ defaultCompatibility: 'BACKWARD_TRANSITIVE' });
  for (const name of CHANGED) {
    const first = await registry.register(`${name}-value`, previous(name));
    const second = await registry.register(`${name}-value`, ecommerceSchema(name));
    assert.notEqual(second, first, `${name} changed`);
  }
  // The check has teeth: a required field without a default is refused.
  const refused = { ...(ecommerceSchema('inventory-event') as object), fields: [...(ecommerceSchema('inventory-event') as { fields: object[] }).fields, { name: 'extra', type: 'long' }] };
  await assert.rejects(registry.register('inventory-event-value', refused as AvroSchema), /not BACKWARD_TRANSITIVE compatible/);
});

test('records written with the previous schemas read with the current serdes: an old reservation has no price, an old order item keeps its number', async () => {
  const registry = new MockSchemaRegistry();
  const topics = prefixedTopics('');
  const oldInventory = await AvroSerde.create<Record<string, unknown>>(registry, { topic: topics.inventoryEvents, schema: previous('inventory-event') });
  const oldOrders = await AvroSerde.create<Record<string, unknown>>(registry, { topic: topics.orderCommands, schema: previous('order-command') });
  const reservedBytes = oldInventory.serialize(topics.inventoryEvents, {
    type: 'ItemReserved', eventId: 'o1:p1:ItemReserved', productId: 'p1', orderId: 'o1', quantity: 1, atMs: 5, reason: null, commandId: null, name: null, priceCents: null, available: null, reserved: null, sold: null,
  });
  const orderBytes = oldOrders.serialize(topics.orderCommands, {
    type: 'CreateOrder', commandId: 'c1', orderId: 'o1', customerId: 'alice', issuedAtMs: 5, items: [{ productId: 'p1', quantity: 2, unitPriceCents: 450 }], deadlineMs: null, reason: null,
  });
  const serdes = await createEcommerceSerdes(registry, topics);
  await serdes.inventoryEvent.prepare?.(topics.inventoryEvents, [reservedBytes]);
  await serdes.orderCommand.prepare?.(topics.orderCommands, [orderBytes]);
  const reserved = serdes.inventoryEvent.deserialize(topics.inventoryEvents, reservedBytes);
  assert.equal(reserved?.type, 'ItemReserved');
  assert.ok(reserved !== null && !('unitPriceCents' in reserved), 'no price: the order saga refuses to guess one');
  const order = serdes.orderCommand.deserialize(topics.orderCommands, orderBytes);
  assert.deepEqual(order?.type === 'CreateOrder' ? order.items : undefined, [{ productId: 'p1', quantity: 2, unitPriceCents: 450 }]);
});

test('the current serdes write an order item without a price and read it back without one', async () => {
  const topics = prefixedTopics('');
  const serdes = await createEcommerceSerdes(new MockSchemaRegistry(), topics);
  const bytes = serdes.orderCommand.serialize(topics.orderCommands, {
    type: 'CreateOrder', commandId: 'c1', orderId: 'o1', customerId: 'alice', issuedAtMs: 5, items: [{ productId: 'p1', quantity: 2 }, { productId: 'p2', quantity: 1, unitPriceCents: 0 }],
  });
  const back = serdes.orderCommand.deserialize(topics.orderCommands, bytes);
  assert.deepEqual(back?.type === 'CreateOrder' ? back.items : undefined, [{ productId: 'p1', quantity: 2 }, { productId: 'p2', quantity: 1, unitPriceCents: 0 }]);
});

test('an UpsertProduct written before description and category existed reads without them; a new one carries them', async () => {
  const registry = new MockSchemaRegistry({ defaultCompatibility: 'BACKWARD' });
  const topics = prefixedTopics('');
  const old = await AvroSerde.create<Record<string, unknown>>(registry, { topic: topics.inventoryCommands, schema: previous('inventory-command') });
  const oldBytes = old.serialize(topics.inventoryCommands, { type: 'UpsertProduct', commandId: 'c1', productId: 'p1', issuedAtMs: 5, name: 'Pen', priceCents: 100, restockQuantity: 2 });
  const serdes = await createEcommerceSerdes(registry, topics);
  await serdes.inventoryCommand.prepare?.(topics.inventoryCommands, [oldBytes]);
  assert.deepEqual(serdes.inventoryCommand.deserialize(topics.inventoryCommands, oldBytes), { type: 'UpsertProduct', commandId: 'c1', productId: 'p1', issuedAtMs: 5, name: 'Pen', priceCents: 100, restockQuantity: 2 });
  const upsert = { type: 'UpsertProduct', commandId: 'c2', productId: 'p1', issuedAtMs: 6, restockQuantity: 0, description: 'A blue pen', category: 'office' } as const;
  assert.deepEqual(serdes.inventoryCommand.deserialize(topics.inventoryCommands, serdes.inventoryCommand.serialize(topics.inventoryCommands, upsert)), upsert);
});
