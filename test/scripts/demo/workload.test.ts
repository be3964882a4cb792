import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countByKind, EXPECTED_STATUS, planWorkload, POOR_DEPOSIT_CENTS, type WorkloadOptions } from '../../../scripts/demo/workload.ts';
import { seededRandom } from '../../../common/seeded-random.ts';

const options: WorkloadOptions = {
  runId: 'r1',
  orders: 600,
  customers: 100,
  products: 20,
  rate: 20,
  seed: 7,
  shares: { outOfStock: 0.15, tooExpensive: 0.1, cancelled: 0.1, poorCustomers: 0.2 },
};

test('the same seed plans the same workload; another seed another one', () => {
  assert.deepEqual(planWorkload(options), planWorkload(options));
  assert.notDeepEqual(planWorkload(options).orders, planWorkload({ ...options, seed: 8 }).orders);
  const a = seededRandom(3);
  const values = Array.from({ length: 1000 }, a);
  assert.ok(values.every((v) => v >= 0 && v < 1));
});

test('kinds follow the shares roughly, and each expects its final status', () => {
  const plan = planWorkload(options);
  const counts = countByKind(plan.orders);
  assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 600);
  assert.ok(counts['out-of-stock'] + counts['partly-in-stock'] > 50 && counts['out-of-stock'] + counts['partly-in-stock'] < 130, JSON.stringify(counts));
  assert.ok(counts['too-expensive'] > 30 && counts['too-expensive'] < 95, JSON.stringify(counts));
  assert.ok(counts.cancelled > 30 && counts.cancelled < 95, JSON.stringify(counts));
  for (const order of plan.orders) {
    assert.equal(order.expected, EXPECTED_STATUS[order.kind]);
    assert.equal(order.cancelAfterMs !== undefined, order.kind === 'cancelled');
    assert.ok(order.items.length >= 1 && order.items.every((item) => item.quantity >= 1));
    assert.equal(new Set(order.items.map((item) => item.productId)).size, order.items.length, 'no product twice in one order');
  }
  assert.equal(new Set(plan.orders.map((o) => o.idempotencyKey)).size, 600);
});

test('orders are spread at the rate', () => {
  const plan = planWorkload(options);
  assert.equal(plan.orders[0]?.atOffsetMs, 0);
  assert.equal(plan.orders[20]?.atOffsetMs, 1000);
  assert.equal(plan.orders[599]?.atOffsetMs, Math.round((599 * 1000) / 20));
});

test('stock covers every unit ordered, sold-out products have none, prices are the products\'', () => {
  const plan = planWorkload(options);
  const products = new Map(plan.products.map((p) => [p.productId, p]));
  const demand = new Map<string, number>();
  for (const order of plan.orders) {
    for (const item of order.items) {
      const product = products.get(item.productId);
      assert.ok(product !== undefined);
      assert.equal(item.unitPriceCents, product.priceCents);
      demand.set(item.productId, (demand.get(item.productId) ?? 0) + item.quantity);
    }
    const soldOut = order.items.filter((item) => products.get(item.productId)?.stock === 0).length;
    if (order.kind === 'out-of-stock') assert.equal(soldOut, order.items.length);
    else if (order.kind === 'partly-in-stock') assert.ok(soldOut === 1 && order.items.length === 2);
    else assert.equal(soldOut, 0);
  }
  assert.ok(plan.products.some((p) => p.stock === 0));
  for (const product of plan.products) if (product.stock > 0) assert.ok(product.stock >= (demand.get(product.productId) ?? 0));
});

test('rich customers can pay all their orders, poor ones none; too-expensive orders go to the poor', () => {
  const plan = planWorkload(options);
  const customers = new Map(plan.customers.map((c) => [c.customerId, c]));
  const spend = new Map<string, number>();
  for (const order of plan.orders) {
    const buyer = customers.get(order.customerId);
    assert.ok(buyer !== undefined);
    assert.equal(buyer.poor, order.kind === 'too-expensive');
    const total = order.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
    if (buyer.poor) assert.ok(total > POOR_DEPOSIT_CENTS);
    else spend.set(buyer.customerId, (spend.get(buyer.customerId) ?? 0) + total);
  }
  for (const c of plan.customers) if (!c.poor) assert.ok(c.depositCents >= (spend.get(c.customerId) ?? 0));
  assert.equal(plan.customers.filter((c) => c.poor).length, 20);
});

test('without shares every order is in stock; shares over 1 are refused', () => {
  const plan = planWorkload({ ...options, orders: 50, shares: { outOfStock: 0, tooExpensive: 0, cancelled: 0, poorCustomers: 0 } });
  assert.deepEqual(countByKind(plan.orders)['in-stock'], 50);
  assert.ok(plan.products.every((p) => p.stock > 0));
  assert.throws(() => planWorkload({ ...options, shares: { outOfStock: 0.5, tooExpensive: 0.4, cancelled: 0.2, poorCustomers: 0 } }), RangeError);
});

test('every product has a description naming the run and a category the gateway accepts; the categories repeat, so a category lists several', () => {
  const plan = planWorkload(options);
  for (const product of plan.products) {
    assert.match(product.description, /^[A-Z][a-z]+ [a-z]+ of demo run r1$/);
    assert.match(product.category, /^[a-z0-9]+(-[a-z0-9]+)*$/);
  }
  const categories = new Set(plan.products.map((product) => product.category));
  assert.ok(categories.size > 1 && categories.size < plan.products.length, [...categories].join(','));
});
