/** The order service alone: commands, item answers, deadlines, dead letters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import type { OrderView } from '../../../../topologies/ecommerce/contracts/views.ts';
import { serviceDriver } from '../support/service-driver.ts';

const createOrder = { type: 'CreateOrder', commandId: 'c1', orderId: 'o1', customerId: 'alice', issuedAtMs: 0, items: [{ productId: 'p1', quantity: 2, unitPriceCents: 150 }, { productId: 'p2', quantity: 1, unitPriceCents: 100 }] } as const;

test('CreateOrder → OrderCreated and PENDING; all items reserved → RESERVED; a late duplicate answer changes nothing', async () => {
  const { driver, serdes, topics } = await serviceDriver('order');
  try {
    const commands = driver.createInputTopic(topics.orderCommands, serdes.key, serdes.orderCommand);
    const items = driver.createInputTopic(topics.inventoryEvents, serdes.key, serdes.inventoryEvent);
    const events = driver.createOutputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    await commands.pipeInput('o1', createOrder);
    await commands.pipeInput('o1', createOrder);
    const created = events.readValuesToList();
    assert.deepEqual(created.map((e) => [e?.type, e?.totalCents]), [['OrderCreated', 400]]);
    const reserved = (productId: string) => ({ type: 'ItemReserved', eventId: `o1:${productId}`, productId, orderId: 'o1', quantity: 1, atMs: 0 } as const);
    await items.pipeInput('o1', reserved('p1'));
    assert.ok(events.isEmpty(), 'waits for every product');
    await items.pipeInput('o1', reserved('p2'));
    await items.pipeInput('o1', reserved('p2'));
    assert.deepEqual(events.readValuesToList().map((e) => [e?.type, e?.fromStatus]), [['OrderReserved', 'PENDING']]);
    const view = await driver.getKeyValueStore<string, OrderView>('orders').get('o1');
    assert.equal(view?.status, 'RESERVED');
    assert.deepEqual(await driver.getKeyValueStore<string, string[]>('customer-orders').get('alice'), ['o1']);
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
