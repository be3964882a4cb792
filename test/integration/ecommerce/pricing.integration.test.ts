/**
 * Prices are the catalog's, end to end: the real gateway in front of the order,
 * inventory, payment and customer services (one process each, started by the platform
 * launcher on topics of their own) against the stack. A customer who sends a unit price
 * of 1 cent for a product of 500,000 cents gets a REJECTED order (`PRICE_CHANGED`) and
 * keeps its balance, and the product its stock; an order without a price is charged the
 * catalog price, exactly. Everything is read back through the gateway (HTTP → gRPC →
 * the services' stores).
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signToken, type Role } from '../../../gateway/auth/jwt.ts';
import { FinalOrderStatuses, type CustomerView, type OrderView, type ProductView } from '../../../topologies/ecommerce/contracts/views.ts';
import { startGatewayPlatform, waitFor } from './support/gateway-platform.ts';

const secret = 'pricing-integration-secret-0123456789';
const bearer = async (sub: string, role: Role): Promise<string> => `Bearer ${await signToken({ sub, role, lifetimeS: 900 }, secret)}`;
const admin = await bearer('ops', 'admin');
const mallory = await bearer('mallory', 'customer');
const LUX_CENTS = 500_000;
const DEPOSIT_CENTS = 1_000_000;
const STOCK = 3;

test('prices come from the catalog: a 1-cent quote for a 500,000-cent product is REJECTED PRICE_CHANGED with balance and stock untouched; no quote pays the catalog price', { timeout: 300_000 }, async (t) => {
  const { call } = await startGatewayPlatform(t, {
    label: 'pricing',
    services: ['order', 'inventory', 'payment', 'customer'],
    secret,
    // The fraud score rises with the amount; this test is about prices, not fraud.
    settings: { 'fraud.max.amount.cents': 100_000_000 },
  });
  const product = () => call<ProductView>('GET', '/products/lux-1', mallory);
  const customer = () => call<CustomerView>('GET', '/customers/mallory', mallory);
  const order = (orderId: string) => call<OrderView>('GET', `/orders/${encodeURIComponent(orderId)}`, mallory);
  const place = async (items: object[]): Promise<string> => {
    const accepted = await call<{ orderId: string }>('POST', '/orders', mallory, { items });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    return accepted.body.orderId;
  };

  assert.equal((await call('PUT', '/products/lux-1', admin, { name: 'Lux', priceCents: LUX_CENTS, restockQuantity: STOCK })).status, 202);
  assert.equal((await call('POST', '/customers', admin, { customerId: 'mallory', name: 'Mallory', email: 'mallory@example.com' })).status, 202);
  await waitFor('the customer created', customer, (a) => a.status === 200);
  assert.equal((await call('POST', '/customers/mallory/deposits', admin, { amountCents: DEPOSIT_CENTS })).status, 202);
  await waitFor('the deposit applied', customer, (a) => a.status === 200 && a.body.balanceCents === DEPOSIT_CENTS);
  const stocked = await waitFor('the product stocked', product, (a) => a.status === 200 && a.body.available === STOCK);
  assert.equal(stocked.priceCents, LUX_CENTS);

  await t.test('a quote of 1 cent → REJECTED PRICE_CHANGED; the view shows the catalog price; stock released, balance unchanged', async () => {
    const orderId = await place([{ productId: 'lux-1', quantity: 1, unitPriceCents: 1 }]);
    const rejected = await waitFor(`order ${orderId} final`, () => order(orderId), (a) => a.status === 200 && FinalOrderStatuses.has(a.body.status));
    assert.equal(rejected.status, 'REJECTED', JSON.stringify(rejected));
    assert.match(rejected.reason ?? '', /^PRICE_CHANGED: lux-1 costs 500000 cents, the order said 1$/);
    assert.deepEqual(rejected.items, [{ productId: 'lux-1', quantity: 1, unitPriceCents: LUX_CENTS }]);
    assert.equal(rejected.totalCents, 0, 'nothing reserved at a total');
    // Inventory reserved the unit before the order saw the price, and releases it on the rejection.
    const released = await waitFor('the unit released', product, (a) => a.status === 200 && a.body.reserved === 0 && a.body.available === STOCK);
    assert.deepEqual([released.available, released.reserved, released.sold, released.priceCents], [STOCK, 0, 0, LUX_CENTS]);
    assert.equal((await customer()).body.balanceCents, DEPOSIT_CENTS);
  });

  await t.test('no quote → the catalog price is charged: the balance moves by exactly 500,000 cents', async () => {
    const orderId = await place([{ productId: 'lux-1', quantity: 1 }]);
    const paid = await waitFor(`order ${orderId} paid`, () => order(orderId), (a) => a.status === 200 && (a.body.status === 'PAID' || FinalOrderStatuses.has(a.body.status)));
    assert.equal(paid.status, 'PAID', JSON.stringify(paid));
    assert.equal(paid.totalCents, LUX_CENTS);
    assert.deepEqual(paid.items, [{ productId: 'lux-1', quantity: 1, unitPriceCents: LUX_CENTS }]);
    // The balance moves once, by the reserved total; the rejected order before was never charged.
    const charged = await waitFor('the charge on the balance', customer, (a) => a.status === 200 && a.body.balanceCents !== DEPOSIT_CENTS);
    assert.equal(charged.balanceCents, DEPOSIT_CENTS - LUX_CENTS);
    const sold = await waitFor('the unit sold', product, (a) => a.status === 200 && a.body.sold === 1);
    assert.deepEqual([sold.available, sold.reserved, sold.sold], [STOCK - 1, 0, 1]);
  });
});
