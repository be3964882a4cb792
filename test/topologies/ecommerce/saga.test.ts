/**
 * The whole saga on TopologyTestDriver: the six services wired by an in-memory bus. Each
 * test checks the final states and, at the end, that stock and money are conserved and
 * that every transition got exactly one notification.
 *
 * A fraud rejection ends in PAYMENT_FAILED (the payment step refuses; the reason starts
 * with `fraud:`), like any other declined payment, and releases the stock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOrderTransition } from '../../../topologies/ecommerce/contracts/events.ts';
import type { Notification } from '../../../topologies/ecommerce/contracts/views.ts';
import { SagaBus, type BusOptions } from './support/saga-bus.ts';

const item = (productId: string, quantity: number, unitPriceCents = 100) => ({ productId, quantity, unitPriceCents });

/** Stock and money conservation, one notification per transition; returns nothing, asserts. */
async function assertInvariants(bus: SagaBus): Promise<void> {
  const restocked = new Map<string, number>();
  for (const command of bus.events(bus.topics.inventoryCommands, bus.serdes.inventoryCommand)) {
    restocked.set(command.productId, (restocked.get(command.productId) ?? 0) + command.restockQuantity);
  }
  for (const [productId, total] of restocked) {
    const product = await bus.product(productId);
    assert.ok(product !== undefined, productId);
    assert.ok(product.available >= 0 && product.reserved >= 0 && product.sold >= 0, `${productId} never negative`);
    assert.equal(product.available + product.reserved + product.sold, total, `stock of ${productId} conserved`);
  }
  const deposits = new Map<string, number>();
  for (const event of bus.events(bus.topics.customerEvents, bus.serdes.customerEvent)) {
    if (event.type === 'Deposited') deposits.set(event.customerId, (deposits.get(event.customerId) ?? 0) + (event.amountCents ?? 0));
  }
  const payments = bus.events(bus.topics.paymentEvents, bus.serdes.paymentEvent);
  for (const [customerId, deposited] of deposits) {
    const customer = await bus.customer(customerId);
    const captured = payments.filter((p) => p.customerId === customerId && p.type === 'PaymentCaptured').reduce((s, p) => s + p.amountCents, 0);
    const refunded = payments.filter((p) => p.customerId === customerId && p.type === 'PaymentRefunded').reduce((s, p) => s + p.amountCents, 0);
    assert.equal((customer?.balanceCents ?? 0) + captured - refunded, deposited, `money of ${customerId} conserved`);
  }
  const transitions = bus.events(bus.topics.orderEvents, bus.serdes.orderEvent).filter(isOrderTransition);
  const notifications = bus.events<Notification>(bus.topics.notifications, bus.serdes.notification);
  assert.deepEqual(notifications.map((n) => n.notificationId).sort(), transitions.map((e) => `${e.orderId}:${e.status}`).sort(), 'one notification per transition');
  assert.equal(new Set(notifications.map((n) => n.notificationId)).size, notifications.length);
}

async function withBus(options: BusOptions, run: (bus: SagaBus) => Promise<void>): Promise<void> {
  const bus = await SagaBus.create(options);
  try {
    await run(bus);
    await assertInvariants(bus);
  } finally {
    await bus.close();
  }
}

const statuses = async (bus: SagaBus, orderId: string) => (await bus.order(orderId))?.history.map((h) => h.status);

test('in stock and paid: PENDING → RESERVED → PAID → SHIPPED → COMPLETED', async () => {
  await withBus({}, async (bus) => {
    await bus.createCustomer('alice', 10_000);
    await bus.upsertProduct('p1', 10);
    await bus.upsertProduct('p2', 5, 300);
    await bus.createOrder('o1', 'alice', [item('p1', 2), { productId: 'p2', quantity: 1 }]);
    assert.equal((await bus.order('o1'))?.status, 'PAID');
    await bus.advance(2_500);
    assert.equal((await bus.order('o1'))?.status, 'SHIPPED');
    await bus.advance(3_500);
    assert.deepEqual(await statuses(bus, 'o1'), ['PENDING', 'RESERVED', 'PAID', 'SHIPPED', 'COMPLETED']);
    assert.deepEqual(await bus.product('p1'), { productId: 'p1', name: 'p1', priceCents: 100, available: 8, reserved: 0, sold: 2, updatedAtMs: 0 });
    assert.equal((await bus.customer('alice'))?.balanceCents, 10_000 - 500);
    assert.deepEqual((await bus.order('o1'))?.items, [{ productId: 'p1', quantity: 2, unitPriceCents: 100 }, { productId: 'p2', quantity: 1, unitPriceCents: 300 }]);
    assert.equal((await bus.order('o1'))?.totalCents, 500);
    assert.deepEqual(await bus.store<string[]>('order', 'customer-orders').get('alice'), ['o1']);
    assert.deepEqual((await bus.store<Notification[]>('notification', 'customer-notifications').get('alice'))?.map((n) => n.status), ['PENDING', 'RESERVED', 'PAID', 'SHIPPED', 'COMPLETED']);
  });
});

test('out of stock → REJECTED; partly in stock → REJECTED with the reserved items released', async () => {
  await withBus({}, async (bus) => {
    await bus.createCustomer('bob', 10_000);
    await bus.upsertProduct('p1', 10);
    await bus.upsertProduct('p2', 1);
    await bus.createOrder('o-none', 'bob', [item('p2', 5)]);
    await bus.createOrder('o-part', 'bob', [item('p1', 3), item('p2', 2)]);
    await bus.createOrder('o-unknown', 'bob', [item('nope', 1)]);
    assert.deepEqual(await statuses(bus, 'o-none'), ['PENDING', 'REJECTED']);
    assert.match((await bus.order('o-none'))?.reason ?? '', /out of stock: p2/);
    assert.deepEqual(await statuses(bus, 'o-part'), ['PENDING', 'REJECTED']);
    assert.match((await bus.order('o-unknown'))?.reason ?? '', /unknown product: nope/);
    const p1 = await bus.product('p1');
    assert.deepEqual([p1?.available, p1?.reserved, p1?.sold], [10, 0, 0], 'p1 released');
    const released = bus.events(bus.topics.inventoryEvents, bus.serdes.inventoryEvent).filter((e) => e.type === 'ItemReleased');
    assert.deepEqual(released.map((e) => `${e.orderId}/${e.productId}/${e.quantity}`), ['o-part/p1/3']);
    assert.equal((await bus.customer('bob'))?.balanceCents, 10_000);
  });
});

test('prices are the catalog\'s: a quote below (or above) it → REJECTED PRICE_CHANGED with the stock released and nothing charged; no quote → the catalog price charged', async () => {
  await withBus({ maxAmountCents: 100_000_000 }, async (bus) => {
    await bus.createCustomer('mallory', 1_000_000);
    await bus.upsertProduct('lux-1', 3, 500_000);
    await bus.upsertProduct('pen', 10, 100);
    await bus.createOrder('cheap', 'mallory', [item('pen', 2), item('lux-1', 1, 1)]);
    await bus.createOrder('dear', 'mallory', [item('lux-1', 1, 500_001)]);
    for (const id of ['cheap', 'dear']) {
      assert.deepEqual(await statuses(bus, id), ['PENDING', 'REJECTED'], id);
      assert.match((await bus.order(id))?.reason ?? '', /^PRICE_CHANGED: lux-1 costs 500000 cents/, id);
    }
    const lux = await bus.product('lux-1');
    const pen = await bus.product('pen');
    assert.deepEqual([lux?.available, lux?.reserved, lux?.sold, pen?.available, pen?.reserved], [3, 0, 0, 10, 0], 'every reserved item released');
    const released = bus.events(bus.topics.inventoryEvents, bus.serdes.inventoryEvent).filter((e) => e.type === 'ItemReleased').map((e) => `${e.orderId}/${e.productId}`);
    assert.deepEqual(released.sort(), ['cheap/lux-1', 'cheap/pen', 'dear/lux-1']);
    assert.deepEqual(bus.events(bus.topics.paymentEvents, bus.serdes.paymentEvent), [], 'payment never saw a charge');
    assert.equal((await bus.customer('mallory'))?.balanceCents, 1_000_000);

    await bus.createOrder('catalog', 'mallory', [{ productId: 'lux-1', quantity: 1 }, item('pen', 2)]);
    assert.equal((await bus.order('catalog'))?.status, 'PAID');
    const charged = bus.events(bus.topics.paymentEvents, bus.serdes.paymentEvent).filter((p) => p.type === 'PaymentCaptured');
    assert.deepEqual(charged.map((p) => [p.orderId, p.amountCents]), [['catalog', 500_200]], 'payment charges the reserved total');
    assert.equal((await bus.customer('mallory'))?.balanceCents, 1_000_000 - 500_200);
    const view = await bus.order('catalog');
    assert.deepEqual([view?.totalCents, view?.items.map((i) => i.unitPriceCents)], [500_200, [500_000, 100]]);
  });
});

test('an invalid order is REJECTED with the reason; an unknown order cannot be cancelled', async () => {
  await withBus({}, async (bus) => {
    await bus.createOrder('o-bad', 'carol', [item('p1', 0)]);
    assert.deepEqual(await statuses(bus, 'o-bad'), ['REJECTED']);
    assert.match((await bus.order('o-bad'))?.reason ?? '', /quantity/);
    await bus.cancelOrder('o-ghost', 'carol');
    const rejected = bus.events(bus.topics.orderEvents, bus.serdes.orderEvent).filter((e) => e.type === 'OrderCommandRejected');
    assert.deepEqual(rejected.map((e) => [e.orderId, e.reason]), [['o-ghost', 'unknown order']]);
    assert.equal(await bus.order('o-ghost'), undefined);
  });
});

test('insufficient balance → PAYMENT_FAILED, stock released', async () => {
  await withBus({}, async (bus) => {
    await bus.createCustomer('dave', 100);
    await bus.upsertProduct('p1', 10);
    await bus.createOrder('o1', 'dave', [item('p1', 2)]);
    assert.deepEqual(await statuses(bus, 'o1'), ['PENDING', 'RESERVED', 'PAYMENT_FAILED']);
    assert.equal((await bus.order('o1'))?.reason, 'insufficient balance');
    assert.equal((await bus.product('p1'))?.available, 10);
    assert.equal((await bus.customer('dave'))?.balanceCents, 100);
  });
});

test('fraud: the velocity window and the score refuse payment → PAYMENT_FAILED, stock released', async () => {
  await withBus({ velocityMaxOrders: 2, maxAmountCents: 5_000 }, async (bus) => {
    await bus.createCustomer('eve', 100_000);
    await bus.upsertProduct('p1', 100);
    for (const id of ['v1', 'v2', 'v3']) await bus.createOrder(id, 'eve', [item('p1', 1)]);
    assert.equal((await bus.order('v1'))?.status, 'PAID');
    assert.equal((await bus.order('v2'))?.status, 'PAID');
    assert.equal((await bus.order('v3'))?.status, 'PAYMENT_FAILED');
    assert.match((await bus.order('v3'))?.reason ?? '', /^fraud: velocity/);
    await bus.createCustomer('frank', 100_000);
    await bus.createOrder('big', 'frank', [item('p1', 50, 100)]);
    assert.equal((await bus.order('big'))?.status, 'PAYMENT_FAILED');
    assert.match((await bus.order('big'))?.reason ?? '', /^fraud: score 1/);
    const p1 = await bus.product('p1');
    assert.deepEqual([p1?.available, p1?.reserved, p1?.sold], [98, 0, 2]);
  });
});

test('cancellation at PENDING, RESERVED and PAID releases stock and refunds', async () => {
  await withBus({}, async (bus) => {
    await bus.createCustomer('gina', 10_000);
    await bus.upsertProduct('p1', 10);
    // PENDING: inventory has not answered yet.
    bus.paused.add('inventory');
    await bus.createOrder('c-pending', 'gina', [item('p1', 1)]);
    assert.equal((await bus.order('c-pending'))?.status, 'PENDING');
    await bus.cancelOrder('c-pending', 'gina');
    await bus.resume('inventory');
    // RESERVED: payment has not answered yet; it charges late and refunds.
    bus.paused.add('payment');
    await bus.createOrder('c-reserved', 'gina', [item('p1', 2)]);
    assert.equal((await bus.order('c-reserved'))?.status, 'RESERVED');
    await bus.cancelOrder('c-reserved', 'gina');
    await bus.resume('payment');
    // PAID: before the courier dispatches.
    await bus.createOrder('c-paid', 'gina', [item('p1', 3)]);
    assert.equal((await bus.order('c-paid'))?.status, 'PAID');
    await bus.cancelOrder('c-paid', 'gina');
    await bus.advance(10_000);
    for (const id of ['c-pending', 'c-reserved', 'c-paid']) assert.equal((await bus.order(id))?.status, 'CANCELLED', id);
    const p1 = await bus.product('p1');
    assert.deepEqual([p1?.available, p1?.reserved, p1?.sold], [10, 0, 0]);
    assert.equal((await bus.customer('gina'))?.balanceCents, 10_000);
    const refunds = bus.events(bus.topics.paymentEvents, bus.serdes.paymentEvent).filter((p) => p.type === 'PaymentRefunded').map((p) => p.orderId);
    assert.deepEqual(refunds.sort(), ['c-paid', 'c-reserved']);
    const shipments = bus.events(bus.topics.shipmentEvents, bus.serdes.shipmentEvent).map((s) => s.type);
    assert.deepEqual(shipments, ['ShipmentCreated', 'ShipmentCancelled']);
    // Shipped orders cannot be cancelled.
    await bus.createOrder('c-shipped', 'gina', [item('p1', 1)]);
    await bus.advance(2_500);
    await bus.cancelOrder('c-shipped', 'gina');
    assert.equal((await bus.order('c-shipped'))?.status, 'SHIPPED');
  });
});

test('a paid order\'s cancel waits for shipping: cancelled while the parcel has not left; refused when the courier took it first', async () => {
  await withBus({}, async (bus) => {
    await bus.createCustomer('hal', 10_000);
    await bus.upsertProduct('p1', 10);
    // Shipping answers the request before dispatch: the order cancels, refunds, returns the stock.
    await bus.createOrder('in-time', 'hal', [item('p1', 2)]);
    await bus.cancelOrder('in-time', 'hal');
    assert.deepEqual(await statuses(bus, 'in-time'), ['PENDING', 'RESERVED', 'PAID', 'CANCELLED']);
    const requests = bus.events(bus.topics.orderEvents, bus.serdes.orderEvent).filter((e) => e.type === 'OrderCancelRequested');
    assert.deepEqual(requests.map((e) => [e.orderId, e.status, e.commandId]), [['in-time', 'PAID', 'cancel-in-time']]);
    // Shipping slow to read the request, but still before dispatch: the order waits, a
    // retried cancel changes nothing, and the answer cancels.
    await bus.createOrder('held', 'hal', [item('p1', 3)]);
    bus.paused.add('shipping');
    await bus.cancelOrder('held', 'hal');
    assert.equal((await bus.order('held'))?.status, 'PAID', 'the order waits for shipping');
    await bus.cancelOrder('held', 'hal');
    await bus.resume('shipping');
    assert.deepEqual(await statuses(bus, 'held'), ['PENDING', 'RESERVED', 'PAID', 'CANCELLED']);
  });
  // The race: the cancel reaches the order while shipping is slow, and the courier takes the
  // parcel before shipping reads the request. The order must not refund goods on their way.
  await withBus({}, async (bus) => {
    await bus.createCustomer('ida', 10_000);
    await bus.upsertProduct('p1', 10);
    await bus.createOrder('too-late', 'ida', [item('p1', 3)]);
    bus.paused.add('shipping');
    await bus.cancelOrder('too-late', 'ida');
    // The courier dispatches (a punctuator, not an input: pausing shipping's inputs does not stop it).
    await bus.advance(2_500);
    await bus.resume('shipping');
    await bus.advance(3_500);
    assert.deepEqual(await statuses(bus, 'too-late'), ['PENDING', 'RESERVED', 'PAID', 'SHIPPED', 'COMPLETED']);
    const refusal = bus.events(bus.topics.orderEvents, bus.serdes.orderEvent).find((e) => e.type === 'OrderCommandRejected');
    assert.deepEqual([refusal?.commandId, refusal?.status, refusal?.reason], ['cancel-too-late', 'SHIPPED', 'the order has been shipped']);
    assert.deepEqual(bus.events(bus.topics.paymentEvents, bus.serdes.paymentEvent).map((p) => p.type), ['PaymentCaptured'], 'no refund for goods that left');
    const p1 = await bus.product('p1');
    assert.deepEqual([p1?.available, p1?.reserved, p1?.sold], [7, 0, 3], 'the stock stays sold');
    assert.deepEqual(bus.events(bus.topics.shipmentEvents, bus.serdes.shipmentEvent).map((s) => s.type), ['ShipmentCreated', 'ShipmentDispatched', 'ShipmentDelivered']);
  });
});

test('a step that does not answer in time → EXPIRED, and the late answer is compensated', async () => {
  await withBus({ deadlineMs: 5_000 }, async (bus) => {
    await bus.createCustomer('hank', 10_000);
    await bus.upsertProduct('p1', 10);
    bus.paused.add('payment');
    await bus.createOrder('slow-pay', 'hank', [item('p1', 4)]);
    bus.paused.add('inventory');
    await bus.createOrder('slow-stock', 'hank', [item('p1', 1)], 2_000);
    await bus.advance(3_000);
    assert.equal((await bus.order('slow-stock'))?.status, 'EXPIRED');
    assert.equal((await bus.order('slow-pay'))?.status, 'RESERVED');
    await bus.advance(3_000);
    assert.deepEqual(await statuses(bus, 'slow-pay'), ['PENDING', 'RESERVED', 'EXPIRED']);
    assert.match((await bus.order('slow-pay'))?.reason ?? '', /payment did not answer/);
    await bus.resume('inventory');
    await bus.resume('payment');
    const p1 = await bus.product('p1');
    assert.deepEqual([p1?.available, p1?.reserved, p1?.sold], [10, 0, 0]);
    assert.equal((await bus.customer('hank'))?.balanceCents, 10_000);
    assert.equal((await bus.order('slow-pay'))?.status, 'EXPIRED');
  });
});

test('duplicate commands and a replay of every topic change nothing', async () => {
  await withBus({}, async (bus) => {
    await bus.createCustomer('ivy', 10_000);
    await bus.upsertProduct('p1', 10);
    await bus.createOrder('d1', 'ivy', [item('p1', 2)]);
    await bus.createOrder('d2', 'ivy', [item('p1', 20)]);
    await bus.advance(2_500);
    await bus.advance(3_500);
    await bus.createOrder('d3', 'ivy', [item('p1', 1)]);
    await bus.cancelOrder('d3', 'ivy');
    const before = { d1: await bus.order('d1'), d2: await bus.order('d2'), d3: await bus.order('d3'), p1: await bus.product('p1'), ivy: await bus.customer('ivy') };
    const logged = bus.log.length;
    await bus.createOrder('d1', 'ivy', [item('p1', 2)]);
    await bus.cancelOrder('d3', 'ivy');
    await bus.replayAll();
    const after = { d1: await bus.order('d1'), d2: await bus.order('d2'), d3: await bus.order('d3'), p1: await bus.product('p1'), ivy: await bus.customer('ivy') };
    assert.deepEqual(after, before);
    assert.equal(bus.log.length, logged + 2, 'only the two duplicate commands were added; no service wrote anything');
    assert.equal(before.d1?.status, 'COMPLETED');
  });
});
