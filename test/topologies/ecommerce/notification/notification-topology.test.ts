/** The notification service alone: one notification per transition, kept per customer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import type { Notification } from '../../../../topologies/ecommerce/contracts/views.ts';
import type { NotificationTemplate } from '../../../../topologies/ecommerce/notification/templates.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
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

test('a template of the status, from the templates GlobalKTable, gives the text; a blank or missing one the built-in text', async () => {
  const { driver, serdes, topics } = await serviceDriver('notification');
  try {
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const templates = driver.createInputTopic(topics.notificationTemplates, Serdes.String(), Serdes.JSON<NotificationTemplate>());
    const out = driver.createOutputTopic(topics.notifications, serdes.key, serdes.notification);
    await templates.pipeInput('PENDING', { status: 'PENDING', template: 'Order {orderId} for {customerId} is {status}{reason} {unknown}' });
    await templates.pipeInput('REJECTED', { status: 'REJECTED', template: 'Sorry: {reason}' });
    await templates.pipeInput('PAID', { status: 'PAID', template: '   ' });
    await orders.pipeInput('o1', event('o1', 'OrderCreated', 'PENDING'));
    await orders.pipeInput('o2', event('o2', 'OrderRejected', 'REJECTED', 'out of stock: p1'));
    await orders.pipeInput('o3', event('o3', 'OrderPaid', 'PAID'));
    await templates.pipeInput('PENDING', { status: 'PENDING', template: 'Updated: {orderId}' });
    await orders.pipeInput('o4', event('o4', 'OrderCreated', 'PENDING'));
    assert.deepEqual(out.readValuesToList().map((n) => n?.message), [
      'Order o1 for c1 is PENDING {unknown}',
      'Sorry: out of stock: p1',
      'Your payment went through.',
      'Updated: o4',
    ]);
  } finally {
    await driver.close();
  }
});
