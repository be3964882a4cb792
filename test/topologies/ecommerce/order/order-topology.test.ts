/** The order service alone: commands, item answers (and the prices they reserve at), deadlines, dead letters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import type { CreateOrder } from '../../../../topologies/ecommerce/contracts/commands.ts';
import type { InventoryEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import type { OrderView } from '../../../../topologies/ecommerce/contracts/views.ts';
import { serviceDriver } from '../support/service-driver.ts';

// p1 quoted at the catalog price the customer saw; p2 sent without a price (the catalog's is charged).
const createOrder: CreateOrder = { type: 'CreateOrder', commandId: 'c1', orderId: 'o1', customerId: 'alice', issuedAtMs: 0, items: [{ productId: 'p1', quantity: 2, unitPriceCents: 150 }, { productId: 'p2', quantity: 1 }] };
const reserved = (productId: string, unitPriceCents?: number, orderId = 'o1'): InventoryEvent => ({
  type: 'ItemReserved', eventId: `${orderId}:${productId}`, productId, orderId, quantity: 1, atMs: 0, ...(unitPriceCents === undefined ? {} : { unitPriceCents }),
});

test('CreateOrder → OrderCreated and PENDING, unpriced; all items reserved → RESERVED at the reserved prices; a late duplicate answer changes nothing', async () => {
  const { driver, serdes, topics } = await serviceDriver('order');
  try {
    const commands = driver.createInputTopic(topics.orderCommands, serdes.key, serdes.orderCommand);
    const items = driver.createInputTopic(topics.inventoryEvents, serdes.key, serdes.inventoryEvent);
    const events = driver.createOutputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const orders = driver.getKeyValueStore<string, OrderView>('orders');
    await commands.pipeInput('o1', createOrder);
    await commands.pipeInput('o1', createOrder);
    const created = events.readValuesToList();
    assert.deepEqual(created.map((e) => [e?.type, e?.totalCents, e?.items]), [['OrderCreated', 0, [{ productId: 'p1', quantity: 2 }, { productId: 'p2', quantity: 1 }]]], 'a quote is never shown as a price');
    await items.pipeInput('o1', reserved('p1', 150));
    assert.ok(events.isEmpty(), 'waits for every product');
    assert.deepEqual((await orders.get('o1'))?.items, [{ productId: 'p1', quantity: 2, unitPriceCents: 150 }, { productId: 'p2', quantity: 1 }], 'priced as inventory answers');
    await items.pipeInput('o1', reserved('p2', 250));
    await items.pipeInput('o1', reserved('p2', 1));
    const answered = events.readValuesToList();
    assert.deepEqual(answered.map((e) => [e?.type, e?.fromStatus, e?.totalCents]), [['OrderReserved', 'PENDING', 2 * 150 + 250]]);
    assert.deepEqual(answered[0]?.items, [{ productId: 'p1', quantity: 2, unitPriceCents: 150 }, { productId: 'p2', quantity: 1, unitPriceCents: 250 }]);
    const view = await orders.get('o1');
    assert.deepEqual([view?.status, view?.totalCents], ['RESERVED', 550], 'the duplicate answer at another price changed nothing');
    assert.deepEqual(await driver.getKeyValueStore<string, string[]>('customer-orders').get('alice'), ['o1']);
  } finally {
    await driver.close();
  }
});

test('a quoted price that is not the reserved one → REJECTED PRICE_CHANGED, whether lower or higher; an answer without a price → REJECTED PRICE_UNKNOWN', async () => {
  const { driver, serdes, topics } = await serviceDriver('order');
  try {
    const commands = driver.createInputTopic(topics.orderCommands, serdes.key, serdes.orderCommand);
    const items = driver.createInputTopic(topics.inventoryEvents, serdes.key, serdes.inventoryEvent);
    const events = driver.createOutputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const order = (orderId: string, unitPriceCents: number): CreateOrder => ({ ...createOrder, commandId: `c-${orderId}`, orderId, items: [{ productId: 'lux', quantity: 1, unitPriceCents }, { productId: 'p2', quantity: 1 }] });
    await commands.pipeInput('cheap', order('cheap', 1));
    await commands.pipeInput('dear', order('dear', 600_000));
    await commands.pipeInput('mute', order('mute', 500_000));
    events.readValuesToList();
    await items.pipeInput('cheap', reserved('lux', 500_000, 'cheap'));
    await items.pipeInput('dear', reserved('lux', 500_000, 'dear'));
    await items.pipeInput('mute', reserved('lux', undefined, 'mute'));
    const rejected = events.readValuesToList();
    assert.deepEqual(rejected.map((e) => [e?.orderId, e?.type, e?.fromStatus, e?.totalCents]), [
      ['cheap', 'OrderRejected', 'PENDING', 0], ['dear', 'OrderRejected', 'PENDING', 0], ['mute', 'OrderRejected', 'PENDING', 0],
    ]);
    assert.equal(rejected[0]?.reason, 'PRICE_CHANGED: lux costs 500000 cents, the order said 1');
    assert.match(rejected[1]?.reason ?? '', /^PRICE_CHANGED: lux costs 500000 cents, the order said 600000$/);
    assert.match(rejected[2]?.reason ?? '', /^PRICE_UNKNOWN: /);
    // The rejection names every item, so inventory releases the reserved one (and refuses a late reserve of p2).
    assert.deepEqual(rejected[0]?.items.map((i) => i.productId), ['lux', 'p2']);
    const view = await driver.getKeyValueStore<string, OrderView>('orders').get('cheap');
    assert.deepEqual([view?.status, view?.items[0]?.unitPriceCents], ['REJECTED', 500_000], 'the view shows the catalog price, not the quote');
    await items.pipeInput('cheap', reserved('p2', 100, 'cheap'));
    assert.ok(events.isEmpty(), 'a late answer to a rejected order changes nothing');
  } finally {
    await driver.close();
  }
});

test('a step past its deadline expires the order; an undecodable command is dead-lettered', async () => {
  const { driver, serdes, topics } = await serviceDriver('order', { deadlineMs: 5_000 });
  try {
    const commands = driver.createInputTopic(topics.orderCommands, serdes.key, serdes.orderCommand);
    const events = driver.createOutputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    await commands.pipeInput('o1', createOrder);
    await driver.advanceWallClockTime(4_000);
    assert.equal(events.readValuesToList().length, 1);
    await driver.advanceWallClockTime(2_000);
    const expired = events.readValue();
    assert.equal(expired?.type, 'OrderExpired');
    assert.match(expired?.reason ?? '', /inventory did not answer within 5000 ms/);
    await driver.createInputTopic(topics.orderCommands, Serdes.String(), Serdes.String()).pipeInput('o2', 'not avro');
    assert.equal(driver.deadLetters().length, 1);
    assert.equal(driver.deadLetters()[0]?.kind, 'deserialization');
  } finally {
    await driver.close();
  }
});

test('the events of an order carry its command\'s trace context, those of an expired step too', async () => {
  const { driver, serdes, topics } = await serviceDriver('order', { deadlineMs: 5_000 });
  try {
    const commands = driver.createInputTopic(topics.orderCommands, serdes.key, serdes.orderCommand);
    const items = driver.createInputTopic(topics.inventoryEvents, serdes.key, serdes.inventoryEvent);
    const events = driver.createOutputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const command = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const answer = '00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01';
    await commands.pipeInput('o1', createOrder, 0, [['traceparent', Buffer.from(command)]]);
    await items.pipeInput('o1', reserved('p1', 150), 1, [['traceparent', Buffer.from(answer)]]);
    await driver.advanceWallClockTime(6_000);
    const sent = events.readRecordsToList().map((r) => [r.value?.type, r.headers.map(([key, value]) => `${key}=${value.toString()}`).join()]);
    assert.deepEqual(sent, [
      ['OrderCreated', `traceparent=${command}`],
      ['OrderExpired', `traceparent=${command}`],
    ], 'the deadline\'s event continues the trace of the command that created the order');
  } finally {
    await driver.close();
  }
});
