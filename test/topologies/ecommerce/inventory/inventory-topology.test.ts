/** The inventory service alone: restocks, reservations per product, releases, commits. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import type { ProductView } from '../../../../topologies/ecommerce/contracts/views.ts';
import { serviceDriver } from '../support/service-driver.ts';

const order = (type: OrderEvent['type'], status: OrderEvent['status'], fromStatus?: OrderEvent['status']): OrderEvent => ({
  type, eventId: `o1:${status}`, orderId: 'o1', customerId: 'c', status, ...(fromStatus === undefined ? {} : { fromStatus }),
  items: [{ productId: 'p1', quantity: 2, unitPriceCents: 1 }, { productId: 'p1', quantity: 1, unitPriceCents: 1 }, { productId: 'p2', quantity: 1, unitPriceCents: 1 }],
  totalCents: 3, atMs: 0,
});

test('reserves per product (repeated lines added up), refuses what is missing, releases and never goes negative', async () => {
  const { driver, serdes, topics } = await serviceDriver('inventory');
  try {
    const commands = driver.createInputTopic(topics.inventoryCommands, serdes.key, serdes.inventoryCommand);
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const out = driver.createOutputTopic(topics.inventoryEvents, serdes.key, serdes.inventoryEvent);
    await commands.pipeInput('p1', { type: 'UpsertProduct', commandId: 'u1', productId: 'p1', issuedAtMs: 0, name: 'Pen', priceCents: 100, restockQuantity: 5 });
    await commands.pipeInput('p1', { type: 'UpsertProduct', commandId: 'u1', productId: 'p1', issuedAtMs: 0, name: 'Pen', priceCents: 100, restockQuantity: 5 });
    await commands.pipeInput('p2', { type: 'UpsertProduct', commandId: 'u2', productId: 'p2', issuedAtMs: 0, restockQuantity: 5 });
    assert.deepEqual(out.readValuesToList().map((e) => [e?.type, e?.reason]), [['ProductUpdated', undefined], ['ProductRejected', 'a new product needs a name']]);
    await orders.pipeInput('o1', order('OrderCreated', 'PENDING'));
    const answers = out.readKeyValuesToList().filter((r) => r.value?.type.startsWith('Item'));
    assert.deepEqual(answers.map((r) => [r.key, r.value?.type, r.value?.productId, r.value?.quantity, r.value?.unitPriceCents]), [['o1', 'ItemReserved', 'p1', 3, 100], ['o1', 'ItemRejected', 'p2', 1, undefined]], 'a reservation answers the catalog price, not the order\'s');
    const products = driver.getKeyValueStore<string, ProductView>('products');
    assert.deepEqual([(await products.get('p1'))?.available, (await products.get('p1'))?.reserved], [2, 3]);
    await orders.pipeInput('o1', order('OrderRejected', 'REJECTED', 'PENDING'));
    await orders.pipeInput('o1', order('OrderRejected', 'REJECTED', 'PENDING'));
    assert.deepEqual(out.readValuesToList().filter((e) => e?.type === 'ItemReleased').map((e) => e?.quantity), [3]);
    assert.deepEqual([(await products.get('p1'))?.available, (await products.get('p1'))?.reserved, (await products.get('p1'))?.sold], [5, 0, 0]);
  } finally {
    await driver.close();
  }
});

test('a reservation answers the price of the moment: a reprice applies to later reservations, not to one already held', async () => {
  const { driver, serdes, topics } = await serviceDriver('inventory');
  try {
    const commands = driver.createInputTopic(topics.inventoryCommands, serdes.key, serdes.inventoryCommand);
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const out = driver.createOutputTopic(topics.inventoryEvents, serdes.key, serdes.inventoryEvent);
    const created = (orderId: string): OrderEvent => ({ ...order('OrderCreated', 'PENDING'), eventId: `${orderId}:PENDING`, orderId, items: [{ productId: 'p1', quantity: 1 }] });
    await commands.pipeInput('p1', { type: 'UpsertProduct', commandId: 'u1', productId: 'p1', issuedAtMs: 0, name: 'Lux', priceCents: 500_000, restockQuantity: 5 });
    await orders.pipeInput('o1', created('o1'));
    await commands.pipeInput('p1', { type: 'UpsertProduct', commandId: 'u2', productId: 'p1', issuedAtMs: 0, priceCents: 450_000, restockQuantity: 0 });
    await orders.pipeInput('o2', created('o2'));
    await orders.pipeInput('o1', created('o1'));
    const reservations = out.readValuesToList().filter((e) => e?.type === 'ItemReserved');
    assert.deepEqual(reservations.map((e) => [e?.orderId, e?.unitPriceCents]), [['o1', 500_000], ['o2', 450_000]]);
  } finally {
    await driver.close();
  }
});

test('description and category are kept, carried on ProductUpdated and kept by later upserts and reservations that do not name them', async () => {
  const { driver, serdes, topics } = await serviceDriver('inventory');
  try {
    const commands = driver.createInputTopic(topics.inventoryCommands, serdes.key, serdes.inventoryCommand);
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const out = driver.createOutputTopic(topics.inventoryEvents, serdes.key, serdes.inventoryEvent);
    const products = driver.getKeyValueStore<string, ProductView>('products');
    await commands.pipeInput('p0', { type: 'UpsertProduct', commandId: 'u0', productId: 'p0', issuedAtMs: 0, name: 'Plain', priceCents: 1, restockQuantity: 1 });
    assert.ok(!('description' in ((await products.get('p0')) ?? {})) && !('category' in ((await products.get('p0')) ?? {})), 'absent when never set');
    await commands.pipeInput('p1', { type: 'UpsertProduct', commandId: 'u1', productId: 'p1', issuedAtMs: 0, name: 'Pen', priceCents: 100, restockQuantity: 5, description: 'A blue ballpoint', category: 'office' });
    await commands.pipeInput('p1', { type: 'UpsertProduct', commandId: 'u2', productId: 'p1', issuedAtMs: 0, priceCents: 120, restockQuantity: 1 });
    await orders.pipeInput('o1', { ...order('OrderCreated', 'PENDING'), items: [{ productId: 'p1', quantity: 1 }] });
    const stored = await products.get('p1');
    assert.deepEqual([stored?.description, stored?.category, stored?.priceCents, stored?.reserved], ['A blue ballpoint', 'office', 120, 1]);
    const updates = out.readValuesToList().filter((e) => e?.type === 'ProductUpdated' && e.productId === 'p1');
    assert.deepEqual(updates.map((e) => [e?.description, e?.category]), [['A blue ballpoint', 'office'], ['A blue ballpoint', 'office'], ['A blue ballpoint', 'office']]);
    await commands.pipeInput('p1', { type: 'UpsertProduct', commandId: 'u3', productId: 'p1', issuedAtMs: 0, restockQuantity: 0, category: 'stationery' });
    assert.deepEqual([(await products.get('p1'))?.description, (await products.get('p1'))?.category], ['A blue ballpoint', 'stationery']);
  } finally {
    await driver.close();
  }
});

test('a command with a description or category the gateway would refuse is rejected, and the product stays as it was', async () => {
  const { driver, serdes, topics } = await serviceDriver('inventory');
  try {
    const commands = driver.createInputTopic(topics.inventoryCommands, serdes.key, serdes.inventoryCommand);
    const out = driver.createOutputTopic(topics.inventoryEvents, serdes.key, serdes.inventoryEvent);
    await commands.pipeInput('p1', { type: 'UpsertProduct', commandId: 'u1', productId: 'p1', issuedAtMs: 0, name: 'Pen', priceCents: 100, restockQuantity: 1, category: 'office' });
    await commands.pipeInput('p1', { type: 'UpsertProduct', commandId: 'u2', productId: 'p1', issuedAtMs: 0, restockQuantity: 1, category: 'Office Supplies' });
    await commands.pipeInput('p1', { type: 'UpsertProduct', commandId: 'u3', productId: 'p1', issuedAtMs: 0, restockQuantity: 1, description: 'x'.repeat(2_001) });
    const events = out.readValuesToList();
    assert.deepEqual(events.map((e) => e?.type), ['ProductUpdated', 'ProductRejected', 'ProductRejected']);
    assert.match(events[1]?.reason ?? '', /category must be lower-case words joined by hyphens/);
    assert.match(events[2]?.reason ?? '', /description must be 1 to 2000 characters/);
    const stored = await driver.getKeyValueStore<string, ProductView>('products').get('p1');
    assert.deepEqual([stored?.available, stored?.category, stored?.description], [1, 'office', undefined]);
  } finally {
    await driver.close();
  }
});
