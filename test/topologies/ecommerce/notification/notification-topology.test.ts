/** The notification service alone: one notification per transition, kept per customer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import type { Notification } from '../../../../topologies/ecommerce/contracts/views.ts';
import { serviceDriver } from '../support/service-driver.ts';

const event = (orderId: string, type: OrderEvent['type'], status: OrderEvent['status'], reason?: string): OrderEvent => ({
  type, eventId: `${orderId}:${status}`, orderId, customerId: 'c1', status, items: [], totalCents: 0, atMs: 0, ...(reason === undefined ? {} : { reason }),
});

test('each transition notifies its customer once; rejected commands do not notify', async () => {
  const { driver, serdes, topics } = await serviceDriver('notification');
  try {
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const out = driver.createOutputTopic(topics.notifications, serdes.key, serdes.notification);
    await orders.pipeInput('o1', event('o1', 'OrderCreated', 'PENDING'));
    await orders.pipeInput('o1', event('o1', 'OrderCreated', 'PENDING'));
    await orders.pipeInput('o1', event('o1', 'OrderCommandRejected', 'PENDING', 'unknown order'));
    await orders.pipeInput('o1', event('o1', 'OrderRejected', 'REJECTED', 'out of stock: p1'));
    const sent = out.readKeyValuesToList();
    assert.deepEqual(sent.map((r) => [r.key, r.value?.notificationId, r.value?.message]), [
      ['c1', 'o1:PENDING', 'We received your order.'],
      ['c1', 'o1:REJECTED', 'We could not accept your order: out of stock: p1.'],
    ]);
    const kept = await driver.getKeyValueStore<string, Notification[]>('customer-notifications').get('c1');
    assert.equal(kept?.length, 2);
  } finally {
    await driver.close();
  }
});
