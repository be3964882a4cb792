import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryOf, productInfoOf, saleLines, saleSign, salesResultId } from '../../../../topologies/ecommerce/analytics/sales-lines.ts';
import type { InventoryEvent, OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';

const order = (type: OrderEvent['type'], fromStatus?: OrderEvent['status']): OrderEvent => ({
  type, eventId: 'o1:x', orderId: 'o1', customerId: 'c1', status: 'PAID', items: [
    { productId: 'p1', quantity: 2, unitPriceCents: 450 },
    { productId: 'p2', quantity: 1 },
    { productId: 'p1', quantity: 1, unitPriceCents: 450 },
  ], totalCents: 1_350, atMs: 1, ...(fromStatus === undefined ? {} : { fromStatus }),
});

test('a paid order sells its items (repeated lines added up); a cancellation of a paid order refunds them; nothing else counts', () => {
  assert.deepEqual(saleLines(order('OrderPaid', 'RESERVED')), [{ productId: 'p1', units: 3, revenueCents: 1_350 }, { productId: 'p2', units: 1, revenueCents: 0 }]);
  assert.deepEqual(saleLines(order('OrderCancelled', 'PAID')), [{ productId: 'p1', units: -3, revenueCents: -1_350 }, { productId: 'p2', units: -1, revenueCents: 0 }]);
  for (const [type, from] of [['OrderCreated', undefined], ['OrderReserved', 'PENDING'], ['OrderCancelled', 'RESERVED'], ['OrderCancelled', 'PENDING'], ['OrderCompleted', 'SHIPPED'], ['OrderCancelRequested', undefined], ['OrderPaymentFailed', 'RESERVED']] as const) {
    assert.equal(saleSign({ type, ...(from === undefined ? {} : { fromStatus: from }) }), 0, `${type} from ${from}`);
    assert.deepEqual(saleLines(order(type, from)), []);
  }
});

test('a product\'s category is read defensively: absent, blank or not a string is uncategorised', () => {
  const product = (extra: object): InventoryEvent => ({ type: 'ProductUpdated', eventId: 'p1:1', productId: 'p1', quantity: 0, atMs: 0, name: 'Tea', ...extra });
  assert.deepEqual(productInfoOf(product({ category: ' drinks ' })), { name: 'Tea', category: 'drinks' });
  assert.deepEqual(productInfoOf(product({})), { name: 'Tea', category: 'uncategorised' });
  assert.deepEqual(productInfoOf(product({ category: '  ' })), { name: 'Tea', category: 'uncategorised' });
  assert.equal(categoryOf(null), 'uncategorised');
  assert.equal(categoryOf(7), 'uncategorised');
});

test('a result\'s id names its grouping, key and window start, so a redelivery overwrites its document', () => {
  assert.equal(salesResultId('product', 'p1', 3_600_000), 'product|p1|3600000');
  assert.notEqual(salesResultId('category', 'p1', 3_600_000), salesResultId('product', 'p1', 3_600_000));
});
