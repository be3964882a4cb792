/**
 * Carts end to end: the real gateway in front of the cart, order, inventory, payment,
 * shipping and customer services (one process each, started by the platform launcher on
 * topics of their own) against the stack. A customer fills a cart with products the admin
 * put in the catalog, removes one, and checks out: the cart shows catalog prices (the
 * request names none), the checkout answers the order's id, and that order completes at
 * the catalog-priced total, charged exactly to the balance. Another customer can neither
 * read nor fill the cart. A cart left alone for `cart.expiry.ms` (short here) shows
 * EXPIRED, emptied. Everything is read back through the gateway (HTTP → gRPC → stores).
 * The demo's cart phase (scripts/demo/cart-phase.ts) runs against the same platform.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signToken, type Role } from '../../../gateway/auth/jwt.ts';
import { runCart } from '../../../scripts/demo/cart-phase.ts';
import { DemoGatewayClient } from '../../../scripts/demo/gateway-client.ts';
import type { CartView } from '../../../topologies/ecommerce/contracts/carts.ts';
import { FinalOrderStatuses, type CustomerView, type OrderView, type ProductView } from '../../../topologies/ecommerce/contracts/views.ts';
import { uniqueName } from '../../support/names.ts';
import { startGatewayPlatform, waitFor } from './support/gateway-platform.ts';

const secret = 'carts-integration-secret-0123456789';
const bearer = async (sub: string, role: Role): Promise<string> => `Bearer ${await signToken({ sub, role, lifetimeS: 900 }, secret)}`;
const admin = await bearer('ops', 'admin');
const carol = await bearer('carol', 'customer');
const dave = await bearer('dave', 'customer');
const TEA_CENTS = 450;
const MUG_CENTS = 1_299;
const DEPOSIT_CENTS = 100_000;
const EXPIRY_MS = 12_000;

test('a cart checks out into an order priced from the catalog; only its customer touches it; an idle cart expires', { timeout: 300_000 }, async (t) => {
  const { call, gatewayUrl } = await startGatewayPlatform(t, {
    label: 'carts',
    services: ['cart', 'order', 'inventory', 'payment', 'shipping', 'customer'],
    secret,
    settings: { 'shipping.dispatch.delay.ms': 200, 'shipping.delivery.delay.ms': 200, 'cart.expiry.ms': EXPIRY_MS, 'cart.expiry.check.interval.ms': 500 },
  });
  const cart = (cartId: string, who = carol) => call<CartView>('GET', `/carts/${cartId}`, who);
  const customer = () => call<CustomerView>('GET', '/customers/carol', carol);
  /**
   * Adds, and waits until the cart shows the line with `quantity` units. The cart service
   * learns products from inventory's events: an add that came before a product reached its
   * catalog copy is refused as unknown, and is sent again.
   */
  const add = async (cartId: string, productId: string, add: number, quantity: number): Promise<CartView> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const accepted = await call<{ commandId: string }>('POST', `/carts/${cartId}/items`, carol, { productId, quantity: add });
      assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
      const view = await waitFor(`cart ${cartId} took or refused ${accepted.body.commandId}`, () => cart(cartId), (a) => a.status === 200
        && (a.body.items.some((item) => item.productId === productId && item.quantity === quantity) || a.body.lastRejection?.commandId === accepted.body.commandId));
      if (view.lastRejection?.commandId !== accepted.body.commandId) return view;
      assert.equal(view.lastRejection.reason, `unknown product ${productId}`, JSON.stringify(view));
      if (Date.now() > deadline) assert.fail(`product ${productId} did not reach the cart service's catalog within 60 s`);
    }
  };

  for (const [productId, name, priceCents] of [['tea', 'Tea', TEA_CENTS], ['mug', 'Mug', MUG_CENTS], ['pot', 'Pot', 2_500]] as const) {
    assert.equal((await call('PUT', `/products/${productId}`, admin, { name, priceCents, restockQuantity: 20 })).status, 202);
  }
  assert.equal((await call('POST', '/customers', admin, { customerId: 'carol', name: 'Carol', email: 'carol@example.com' })).status, 202);
  await waitFor('the customer created', customer, (a) => a.status === 200);
  assert.equal((await call('POST', '/customers/carol/deposits', admin, { amountCents: DEPOSIT_CENTS })).status, 202);
  await waitFor('the deposit applied', customer, (a) => a.status === 200 && a.body.balanceCents === DEPOSIT_CENTS);
  await waitFor('the pot stocked', () => call<ProductView>('GET', '/products/pot', carol), (a) => a.status === 200 && a.body.available === 20);

  await t.test('the cart shows catalog prices; a price in the request is refused; others may not touch it', async () => {
    const priced = await call<{ message: string }>('POST', '/carts/c-1/items', carol, { productId: 'tea', quantity: 1, unitPriceCents: 1 });
    assert.equal(priced.status, 400);
    assert.match(priced.body.message, /unitPriceCents|additional/);
    await add('c-1', 'tea', 2, 2);
    await add('c-1', 'mug', 1, 1);
    const filled = await add('c-1', 'pot', 1, 1);
    assert.deepEqual(filled.items.map((i) => [i.productId, i.quantity, i.unitPriceCents, i.lineTotalCents]), [['tea', 2, TEA_CENTS, 900], ['mug', 1, MUG_CENTS, MUG_CENTS], ['pot', 1, 2_500, 2_500]]);
    assert.deepEqual([filled.customerId, filled.status, filled.totalCents], ['carol', 'OPEN', 900 + MUG_CENTS + 2_500]);
    assert.equal((await cart('c-1', dave)).status, 403, 'another customer reads no one else\'s cart');
    assert.equal((await call('POST', '/carts/c-1/items', dave, { productId: 'tea', quantity: 1 })).status, 403);
    assert.equal((await call('POST', '/carts/c-1/checkout', dave)).status, 403);
    assert.equal((await cart('c-1', admin)).status, 200, 'an admin reads any cart');
    const unknown = await call<{ commandId: string }>('POST', '/carts/c-1/items', carol, { productId: 'no-such-product', quantity: 1 });
    assert.equal(unknown.status, 202);
    const refused = await waitFor('the unknown product refused', () => cart('c-1'), (a) => a.body.lastRejection?.commandId === unknown.body.commandId);
    assert.equal(refused.lastRejection?.reason, 'unknown product no-such-product');
  });

  await t.test('remove an item, check out: 202 with the orderId; the order completes at the catalog total, charged exactly', async () => {
    assert.equal((await call('DELETE', '/carts/c-1/items/pot', carol)).status, 202);
    const removed = await waitFor('the pot removed', () => cart('c-1'), (a) => a.status === 200 && !a.body.items.some((i) => i.productId === 'pot'));
    const total = 2 * TEA_CENTS + MUG_CENTS;
    assert.equal(removed.totalCents, total);
    const checkout = await call<{ orderId: string; cartId: string }>('POST', '/carts/c-1/checkout', carol);
    assert.equal(checkout.status, 202, JSON.stringify(checkout.body));
    const { orderId } = checkout.body;
    const done = await waitFor(`order ${orderId} final`, () => call<OrderView>('GET', `/orders/${orderId}`, carol), (a) => a.status === 200 && FinalOrderStatuses.has(a.body.status), 120_000);
    assert.equal(done.status, 'COMPLETED', JSON.stringify(done));
    assert.equal(done.customerId, 'carol');
    assert.equal(done.totalCents, total);
    assert.deepEqual(done.items.map((i) => [i.productId, i.quantity, i.unitPriceCents]), [['tea', 2, TEA_CENTS], ['mug', 1, MUG_CENTS]]);
    const checkedOut = await cart('c-1');
    assert.deepEqual([checkedOut.body.status, checkedOut.body.orderId], ['CHECKED_OUT', orderId]);
    const charged = await waitFor('the charge on the balance', customer, (a) => a.status === 200 && a.body.balanceCents !== DEPOSIT_CENTS);
    assert.equal(charged.balanceCents, DEPOSIT_CENTS - total);
    const again = await call<{ message: string }>('POST', '/carts/c-1/checkout', carol);
    assert.equal(again.status, 400);
    assert.match(again.body.message, /is CHECKED_OUT/);
  });

  await t.test('the demo\'s cart phase fills, trims and checks out a cart, follows the order to COMPLETED and prints each step', async () => {
    const client = new DemoGatewayClient({ baseUrl: gatewayUrl, secret, connections: 2, requestTimeoutMs: 10_000 });
    const lines: string[] = [];
    try {
      const result = await runCart(client, { runId: uniqueName('demo'), print: (line) => lines.push(line), settleTimeoutMs: 60_000, pollIntervalMs: 200 });
      assert.equal(result.ok, true, lines.join('\n'));
      const text = lines.join('\n');
      assert.match(text, /items \S+-tea × 2 → 202; the cart priced it from the catalog at 4\.50 \(Green tea\)/);
      assert.match(text, /DELETE \S+\/items\/\S+-pot → 202; GET \S+: 2 × \S+-tea at 4\.50, 1 × \S+-mug at 12\.99; total 21\.99/);
      assert.match(text, new RegExp(`order ${result.orderId} is COMPLETED, total 21\\.99 \\(the cart said 21\\.99\\)`));
      assert.match(text, /→ CHECKED_OUT, pointing at the order/);
    } finally {
      await client.close();
    }
  });

  await t.test(`a cart without a command for cart.expiry.ms (${EXPIRY_MS} ms here) shows EXPIRED, emptied`, async () => {
    await add('idle', 'tea', 1, 1);
    const expired = await waitFor('the idle cart expired', () => cart('idle'), (a) => a.status === 200 && a.body.status === 'EXPIRED', EXPIRY_MS + 30_000);
    assert.deepEqual([expired.items, expired.totalCents], [[], 0]);
    const checkout = await call<{ message: string }>('POST', '/carts/idle/checkout', carol);
    assert.equal(checkout.status, 400);
    assert.match(checkout.body.message, /is EXPIRED/);
  });
});
