/** The shipping service alone: the simulated courier. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import { serviceDriver } from '../support/service-driver.ts';

const paid = (orderId: string, type: OrderEvent['type'] = 'OrderPaid'): OrderEvent => ({
  type, eventId: `${orderId}:x`, orderId, customerId: 'c', status: type === 'OrderPaid' ? 'PAID' : 'CANCELLED', items: [], totalCents: 1, atMs: 0,
});

test('a paid order is shipped, dispatched and delivered after the delays; one cancelled before dispatch is not', async () => {
  const { driver, serdes, topics } = await serviceDriver('shipping');
  try {
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const out = driver.createOutputTopic(topics.shipmentEvents, serdes.key, serdes.shipmentEvent);
    await orders.pipeInput('o1', paid('o1'));
    await orders.pipeInput('o1', paid('o1'));
    await orders.pipeInput('o2', paid('o2'));
    await orders.pipeInput('o2', paid('o2', 'OrderCancelled'));
    await driver.advanceWallClockTime(1_000);
    assert.deepEqual(out.readValuesToList().map((e) => `${e?.orderId}:${e?.type}`), ['o1:ShipmentCreated', 'o2:ShipmentCreated', 'o2:ShipmentCancelled']);
    await driver.advanceWallClockTime(1_500);
    assert.deepEqual(out.readValuesToList().map((e) => `${e?.orderId}:${e?.type}`), ['o1:ShipmentDispatched']);
    await driver.advanceWallClockTime(3_500);
    await driver.advanceWallClockTime(3_500);
    assert.deepEqual(out.readValuesToList().map((e) => `${e?.orderId}:${e?.type}`), ['o1:ShipmentDelivered']);
  } finally {
    await driver.close();
  }
});
