/** The shipping service alone: the simulated courier. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import { serviceDriver } from '../support/service-driver.ts';

const paid = (orderId: string, type: OrderEvent['type'] = 'OrderPaid'): OrderEvent => ({
  type, eventId: `${orderId}:x`, orderId, customerId: 'c', status: 'PAID', items: [], totalCents: 1, atMs: 0,
});

test('a paid order is shipped, dispatched and delivered after the delays; a cancel request before dispatch cancels the shipment', async () => {
  const { driver, serdes, topics } = await serviceDriver('shipping');
  try {
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const out = driver.createOutputTopic(topics.shipmentEvents, serdes.key, serdes.shipmentEvent);
    await orders.pipeInput('o1', paid('o1'));
    await orders.pipeInput('o1', paid('o1'));
    await orders.pipeInput('o2', paid('o2'));
    await orders.pipeInput('o2', paid('o2', 'OrderCancelRequested'));
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

test('a cancel request after dispatch changes nothing: the parcel is on its way and the order learns it from ShipmentDispatched', async () => {
  const { driver, serdes, topics } = await serviceDriver('shipping');
  try {
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const out = driver.createOutputTopic(topics.shipmentEvents, serdes.key, serdes.shipmentEvent);
    await orders.pipeInput('o1', paid('o1'));
    await driver.advanceWallClockTime(2_500);
    assert.deepEqual(out.readValuesToList().map((e) => e?.type), ['ShipmentCreated', 'ShipmentDispatched']);
    await orders.pipeInput('o1', paid('o1', 'OrderCancelRequested'));
    // An OrderCancelled (before payment, or a replay) never reaches the courier either.
    await orders.pipeInput('o1', { ...paid('o1', 'OrderCancelled'), status: 'CANCELLED' });
    await driver.advanceWallClockTime(3_500);
    assert.deepEqual(out.readValuesToList().map((e) => e?.type), ['ShipmentDelivered']);
  } finally {
    await driver.close();
  }
});

test('what the courier sends later carries the trace context of the order that created the shipment', async () => {
  const { driver, serdes, topics } = await serviceDriver('shipping');
  try {
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const out = driver.createOutputTopic(topics.shipmentEvents, serdes.key, serdes.shipmentEvent);
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    await orders.pipeInput('o1', paid('o1'), undefined, [['traceparent', Buffer.from(traceparent)], ['other', Buffer.from('not kept')]]);
    await orders.pipeInput('o2', paid('o2'));
    await driver.advanceWallClockTime(2_500);
    await driver.advanceWallClockTime(3_500);
    const sent = out.readRecordsToList().map((r) => [`${r.value?.orderId}:${r.value?.type}`, r.headers.map(([key, value]) => `${key}=${value.toString()}`).join()]);
    assert.deepEqual(sent.filter(([event]) => event?.startsWith('o1')), [
      ['o1:ShipmentCreated', `traceparent=${traceparent},other=not kept`],
      ['o1:ShipmentDispatched', `traceparent=${traceparent}`],
      ['o1:ShipmentDelivered', `traceparent=${traceparent}`],
    ]);
    assert.deepEqual(sent.filter(([event]) => event?.startsWith('o2')).map(([, headers]) => headers), ['', '', ''], 'no trace, no header');
  } finally {
    await driver.close();
  }
});
