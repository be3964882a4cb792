/** The cart rules as a pure function, over random command sequences (fast-check): the totals always add up, limits hold, strangers change nothing, a checkout makes one order. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyCartCommand, type CartState } from '../../../../topologies/ecommerce/cart/cart-rules.ts';
import type { CatalogEntry } from '../../../../topologies/ecommerce/cart/cart-catalog.ts';
import { CART_LIMITS, cartOrderId, type CartCommand } from '../../../../topologies/ecommerce/contracts/carts.ts';

const CATALOG = new Map<string, CatalogEntry>([
  ['tea', { productId: 'tea', name: 'Tea', priceCents: 450, updatedAtMs: 0 }],
  ['mug', { productId: 'mug', name: 'Mug', priceCents: 1_299, updatedAtMs: 0 }],
]);

const command: fc.Arbitrary<CartCommand> = fc.record({
  commandId: fc.constantFrom('c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7', 'c8'),
  customerId: fc.constantFrom('alice', 'alice', 'alice', 'bob'),
  kind: fc.constantFrom('AddCartItem', 'AddCartItem', 'RemoveCartItem', 'CheckoutCart'),
  productId: fc.constantFrom('tea', 'mug', 'gone'),
  quantity: fc.integer({ min: -1, max: CART_LIMITS.maxQuantityPerLine + 1 }),
}).map(({ kind, commandId, customerId, productId, quantity }): CartCommand => {
  const base = { commandId, customerId, cartId: 'cart', issuedAtMs: 0 };
  if (kind === 'AddCartItem') return { ...base, type: 'AddCartItem', productId, quantity };
  if (kind === 'RemoveCartItem') return { ...base, type: 'RemoveCartItem', productId };
  return { ...base, type: 'CheckoutCart' };
});

test('over any sequence of commands: totals add up, lines stay within limits, the first customer owns the cart, a command id acts once', () => {
  fc.assert(fc.property(fc.array(command, { maxLength: 40 }), (commands) => {
    let cart: CartState | undefined;
    const orders = new Set<string>();
    for (const [index, next] of commands.entries()) {
      const product = next.type === 'AddCartItem' ? CATALOG.get(next.productId) ?? null : null;
      const outcome = applyCartCommand(cart, next, product, CATALOG, index);
      if (outcome.kind === 'ignored') {
        assert.ok(cart !== undefined && (cart.customerId !== next.customerId || cart.commandIds.includes(next.commandId)));
        continue;
      }
      const after = outcome.cart;
      assert.equal(after.customerId, cart?.customerId ?? next.customerId, 'the cart stays its first customer\'s');
      assert.equal(after.totalCents, after.items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0));
      assert.equal(after.itemCount, after.items.reduce((sum, item) => sum + item.quantity, 0));
      assert.ok(after.items.length <= CART_LIMITS.maxLines);
      for (const item of after.items) {
        assert.ok(item.quantity >= 1 && item.quantity <= CART_LIMITS.maxQuantityPerLine);
        assert.equal(item.unitPriceCents, CATALOG.get(item.productId)?.priceCents, 'every price is the catalog\'s');
      }
      if (outcome.kind === 'rejected') assert.equal(after.lastRejection?.commandId, next.commandId);
      if (outcome.kind === 'applied' && outcome.order !== undefined) {
        assert.equal(outcome.order.orderId, cartOrderId('cart', next.commandId));
        assert.equal(outcome.order.customerId, after.customerId);
        assert.ok(!orders.has(outcome.order.orderId), 'one order per checkout command');
        orders.add(outcome.order.orderId);
        assert.equal(after.status, 'CHECKED_OUT');
        assert.ok(outcome.order.items.length > 0);
      }
      cart = after;
    }
  }), { seed: 20_261_207 });
});

test('an order id is a function of the cart and the checkout command, and fits the API\'s id pattern', () => {
  assert.equal(cartOrderId('cart-1', 'c9'), cartOrderId('cart-1', 'c9'));
  assert.notEqual(cartOrderId('cart-1', 'c9'), cartOrderId('cart-1', 'c10'));
  assert.notEqual(cartOrderId('cart-1', 'c9'), cartOrderId('cart-2', 'c9'));
  assert.match(cartOrderId('cart-1', 'c9'), /^ord-[0-9a-f]{32}$/);
});
