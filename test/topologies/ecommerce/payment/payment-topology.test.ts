/** The payment service alone, with fraud scores computed on a real piscina pool. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import type { CustomerView } from '../../../../topologies/ecommerce/contracts/views.ts';
import { pooledFraudScorer } from '../../../../topologies/ecommerce/payment/fraud-scorer.ts';
import { serviceDriver } from '../support/service-driver.ts';

/** An order reserved as the order service writes it: items at their reserved prices, the total their sum. */
const reserved = (orderId: string, totalCents: number): OrderEvent => ({
  type: 'OrderReserved', eventId: `${orderId}:RESERVED`, orderId, customerId: 'c1', status: 'RESERVED', fromStatus: 'PENDING', items: [{ productId: 'p', quantity: 1, unitPriceCents: totalCents }], totalCents, atMs: 0,
});

test('charges in input order with scores from a worker pool, declines what the balance cannot cover, refunds on cancellation, ignores replays', async () => {
  const scorer = pooledFraudScorer({ iterations: 200, maxAmountCents: 10_000 }, { threads: 2 });
  const { driver, serdes, topics } = await serviceDriver('payment', { scorer, velocityMaxOrders: 100 });
  try {
    const customers = driver.createInputTopic(topics.customerEvents, serdes.key, serdes.customerEvent);
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const out = driver.createOutputTopic(topics.paymentEvents, serdes.key, serdes.paymentEvent);
    await customers.pipeInput('c1', { type: 'CustomerCreated', eventId: 'c1:1', customerId: 'c1', commandId: 'k1', sequence: 1, atMs: 0, name: 'C', email: 'c@x' });
    const deposit = { type: 'Deposited', eventId: 'c1:2', customerId: 'c1', commandId: 'k2', sequence: 2, atMs: 0, amountCents: 1_000 } as const;
    await customers.pipeInput('c1', deposit);
    await customers.pipeInput('c1', deposit);
    for (let i = 1; i <= 6; i++) await orders.pipeInput(`o${i}`, reserved(`o${i}`, 300));
    await orders.pipeInput('big', reserved('big', 20_000));
    await orders.pipeInput('o1', { ...reserved('o1', 300), type: 'OrderCancelled', status: 'CANCELLED', fromStatus: 'PAID' });
    await orders.pipeInput('o1', reserved('o1', 300));
    const events = out.readValuesToList();
    assert.deepEqual(events.map((e) => `${e?.orderId}:${e?.type}`), [
      'o1:PaymentCaptured', 'o2:PaymentCaptured', 'o3:PaymentCaptured', 'o4:PaymentDeclined', 'o5:PaymentDeclined', 'o6:PaymentDeclined', 'big:PaymentDeclined', 'o1:PaymentRefunded',
    ]);
    assert.equal(events[3]?.reason, 'insufficient balance');
    assert.equal(events[6]?.reason, 'fraud: score 1');
    assert.ok(events.slice(0, 3).every((e) => typeof e?.fraudScore === 'number' && e.fraudScore < 0.9));
    const customer = await driver.getKeyValueStore<string, CustomerView>('customers').get('c1');
    assert.deepEqual([customer?.balanceCents, customer?.depositedCents], [400, 1_000]);
  } finally {
    await driver.close();
    await scorer.close();
  }
});

test('charges the reserved total; refuses an order whose items are not all priced or whose total is not their sum', async () => {
  const { driver, serdes, topics } = await serviceDriver('payment', { velocityMaxOrders: 100 });
  try {
    const customers = driver.createInputTopic(topics.customerEvents, serdes.key, serdes.customerEvent);
    const orders = driver.createInputTopic(topics.orderEvents, serdes.key, serdes.orderEvent);
    const out = driver.createOutputTopic(topics.paymentEvents, serdes.key, serdes.paymentEvent);
    await customers.pipeInput('c1', { type: 'CustomerCreated', eventId: 'c1:1', customerId: 'c1', commandId: 'k1', sequence: 1, atMs: 0, name: 'C', email: 'c@x' });
    await customers.pipeInput('c1', { type: 'Deposited', eventId: 'c1:2', customerId: 'c1', commandId: 'k2', sequence: 2, atMs: 0, amountCents: 1_000_000 });
    const order = (orderId: string, items: OrderEvent['items'], totalCents: number): OrderEvent => ({ ...reserved(orderId, totalCents), items });
    await orders.pipeInput('ok', order('ok', [{ productId: 'lux', quantity: 1, unitPriceCents: 500_000 }, { productId: 'p', quantity: 3, unitPriceCents: 20 }], 500_060));
    await orders.pipeInput('unpriced', order('unpriced', [{ productId: 'lux', quantity: 1 }], 1));
    await orders.pipeInput('short', order('short', [{ productId: 'lux', quantity: 1, unitPriceCents: 500_000 }], 1));
    await orders.pipeInput('empty', order('empty', [], 1));
    const events = out.readValuesToList();
    assert.deepEqual(events.map((e) => [e?.orderId, e?.type, e?.amountCents, e?.reason]), [
      ['ok', 'PaymentCaptured', 500_060, undefined],
      ['unpriced', 'PaymentDeclined', 1, 'order not priced by the catalog'],
      ['short', 'PaymentDeclined', 1, 'order not priced by the catalog'],
      ['empty', 'PaymentDeclined', 1, 'order not priced by the catalog'],
    ]);
    assert.equal((await driver.getKeyValueStore<string, CustomerView>('customers').get('c1'))?.balanceCents, 1_000_000 - 500_060);
  } finally {
    await driver.close();
  }
});
