/** The payment service alone, with fraud scores computed on a real piscina pool. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import type { CustomerView } from '../../../../topologies/ecommerce/contracts/views.ts';
import { pooledFraudScorer } from '../../../../topologies/ecommerce/payment/fraud-scorer.ts';
import { serviceDriver } from '../support/service-driver.ts';

const reserved = (orderId: string, totalCents: number): OrderEvent => ({
  type: 'OrderReserved', eventId: `${orderId}:RESERVED`, orderId, customerId: 'c1', status: 'RESERVED', fromStatus: 'PENDING', items: [], totalCents, atMs: 0,
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
