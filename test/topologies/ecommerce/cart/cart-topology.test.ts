/** The cart service alone, in the TopologyTestDriver: catalog join, limits, ownership, checkout, expiry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cartOrderId, type CartCommand } from '../../../../topologies/ecommerce/contracts/carts.ts';
import type { InventoryEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import type { CartState } from '../../../../topologies/ecommerce/cart/cart-rules.ts';
import { MockSchemaRegistry } from '../../../../schemas/registry/mock-registry.ts';
import { buildCartTopology } from '../../../../topologies/ecommerce/cart/cart-topology.ts';
import { prefixedTopics } from '../../../../topologies/ecommerce/contracts/topics.ts';
import { createEcommerceSerdes } from '../../../../topologies/ecommerce/serdes.ts';
import { serviceDriver } from '../support/service-driver.ts';

const product = (productId: string, name: string, priceCents: number): InventoryEvent => ({
  type: 'ProductUpdated', eventId: `${productId}:${priceCents}`, productId, quantity: 0, atMs: 0, name, priceCents, available: 10, reserved: 0, sold: 0,
});

async function cartDriver(cartExpiryMs = 60_000) {
  const { driver, serdes, topics } = await serviceDriver('cart', { cartExpiryMs });
  const inventory = driver.createInputTopic(topics.inventoryEvents, serdes.key, serdes.inventoryEvent);
  const commands = driver.createInputTopic(topics.cartCommands, serdes.key, serdes.cartCommand);
  const orders = driver.createOutputTopic(topics.orderCommands, serdes.key, serdes.orderCommand);
  const carts = driver.getKeyValueStore<string, CartState>('carts');
  let n = 0;
  const send = (command: Record<string, unknown> & { type: CartCommand['type'] }, cartId = 'cart-1', customerId = 'kim'): Promise<void> =>
    commands.pipeInput(cartId, { commandId: `c${++n}`, issuedAtMs: 0, cartId, customerId, ...command } as CartCommand);
  return { driver, inventory, commands, orders, carts, send };
}

test('items are priced from the catalog; unknown products and limits are rejected and shown; checkout makes one CreateOrder at catalog prices', async () => {
  const { driver, inventory, commands, orders, carts, send } = await cartDriver();
  try {
    await inventory.pipeInput('tea', product('tea', 'Tea', 450));
    await inventory.pipeInput('mug', product('mug', 'Mug', 1_200));
    // An item event (keyed by orderId) is no catalog row.
    await inventory.pipeInput('o-1', { type: 'ItemReserved', eventId: 'o-1:tea', productId: 'tea', orderId: 'o-1', quantity: 1, atMs: 0, unitPriceCents: 450 });

    await send({ type: 'AddCartItem', productId: 'tea', quantity: 2 });
    await send({ type: 'AddCartItem', productId: 'mug', quantity: 1 });
    await send({ type: 'AddCartItem', productId: 'tea', quantity: 1 });
    let cart = await carts.get('cart-1');
    assert.deepEqual(cart?.items, [
      { productId: 'tea', name: 'Tea', quantity: 3, unitPriceCents: 450, lineTotalCents: 1_350 },
      { productId: 'mug', name: 'Mug', quantity: 1, unitPriceCents: 1_200, lineTotalCents: 1_200 },
    ]);
    assert.deepEqual([cart?.status, cart?.customerId, cart?.itemCount, cart?.totalCents], ['OPEN', 'kim', 4, 2_550]);

    await send({ type: 'AddCartItem', productId: 'o-1', quantity: 1 });
    assert.equal((await carts.get('cart-1'))?.lastRejection?.reason, 'unknown product o-1');
    await send({ type: 'AddCartItem', productId: 'tea', quantity: 98 });
    assert.match((await carts.get('cart-1'))?.lastRejection?.reason ?? '', /^a line holds at most 100 units/);
    await send({ type: 'AddCartItem', productId: 'tea', quantity: 0 });
    assert.match((await carts.get('cart-1'))?.lastRejection?.reason ?? '', /^quantity must be a whole number from 1 to 100/);
    // Someone else's command changes nothing, and is not shown to the owner.
    await send({ type: 'RemoveCartItem', productId: 'tea' }, 'cart-1', 'mallory');
    await send({ type: 'CheckoutCart' }, 'cart-1', 'mallory');
    cart = await carts.get('cart-1');
    assert.equal(cart?.items.length, 2);
    assert.equal(cart?.lastRejection?.type, 'AddCartItem');

    await send({ type: 'RemoveCartItem', productId: 'mug' });
    cart = await carts.get('cart-1');
    assert.deepEqual([cart?.items.map((i) => i.productId), cart?.totalCents, cart?.lastRejection], [['tea'], 1_350, undefined]);

    // The catalog moves: the checkout charges the price of now.
    await inventory.pipeInput('tea', product('tea', 'Tea', 500));
    const checkout: CartCommand = { type: 'CheckoutCart', commandId: 'checkout-1', issuedAtMs: 0, cartId: 'cart-1', customerId: 'kim' };
    await commands.pipeInput('cart-1', checkout);
    await commands.pipeInput('cart-1', checkout);
    const created = orders.readKeyValuesToList();
    const orderId = cartOrderId('cart-1', 'checkout-1');
    assert.equal(created.length, 1, 'one order for a redelivered checkout');
    assert.equal(created[0]?.key, orderId);
    assert.deepEqual(created[0]?.value, { type: 'CreateOrder', commandId: 'checkout-1:order', issuedAtMs: 0, orderId, customerId: 'kim', items: [{ productId: 'tea', quantity: 3, unitPriceCents: 500 }] });
    cart = await carts.get('cart-1');
    assert.deepEqual([cart?.status, cart?.orderId, cart?.totalCents], ['CHECKED_OUT', orderId, 1_500]);

    await send({ type: 'CheckoutCart' });
    assert.equal((await carts.get('cart-1'))?.lastRejection?.reason, 'the cart is CHECKED_OUT');
    assert.equal(orders.readKeyValuesToList().length, 0);
    // An add to a checked-out cart starts it over.
    await send({ type: 'AddCartItem', productId: 'mug', quantity: 2 });
    cart = await carts.get('cart-1');
    assert.deepEqual([cart?.status, cart?.orderId, cart?.items.map((i) => [i.productId, i.quantity])], ['OPEN', undefined, [['mug', 2]]]);
    await send({ type: 'CheckoutCart' }, 'cart-2');
    assert.equal((await carts.get('cart-2'))?.lastRejection?.reason, 'the cart is empty');
  } finally {
    await driver.close();
  }
});

test('a cart without a command for cart.expiry.ms is marked EXPIRED and emptied by the wall-clock punctuator; an active one is not', async () => {
  const { driver, inventory, carts, send } = await cartDriver(10_000);
  try {
    await inventory.pipeInput('tea', product('tea', 'Tea', 450));
    await send({ type: 'AddCartItem', productId: 'tea', quantity: 1 }, 'idle');
    await driver.advanceWallClockTime(6_000);
    await send({ type: 'AddCartItem', productId: 'tea', quantity: 1 }, 'busy');
    await driver.advanceWallClockTime(5_000);
    const idle = await carts.get('idle');
    assert.deepEqual([idle?.status, idle?.items, idle?.totalCents], ['EXPIRED', [], 0]);
    assert.equal((await carts.get('busy'))?.status, 'OPEN');
    await driver.advanceWallClockTime(6_000);
    assert.equal((await carts.get('busy'))?.status, 'EXPIRED');
    await send({ type: 'CheckoutCart' }, 'idle');
    assert.equal((await carts.get('idle'))?.lastRejection?.reason, 'the cart is EXPIRED');
  } finally {
    await driver.close();
  }
});

test('the topology, as describe() prints it: the catalog copy, the global catalog, the carts (a renamed store or topic shows here)', async () => {
  const topics = prefixedTopics('');
  const serdes = await createEcommerceSerdes(new MockSchemaRegistry(), topics);
  const described = String(buildCartTopology({ topics, serdes, storeKind: 'in_memory', expiryMs: 1_000, expiryCheckIntervalMs: 100 }).describe());
  assert.match(described, /Source: cart-inventory-events \(topics: \[inventory\.events\]\)[\s\S]*Sink: cart-catalog-out \(topic: carts\.catalog\)/);
  assert.match(described, /for global store[\s\S]*\(topics: \[carts\.catalog\]\)[\s\S]*Processor: cart-catalog-table \(stores: \[cart-catalog\]\)/);
  assert.match(described, /Source: cart-commands \(topics: \[carts\.commands\]\)[\s\S]*Processor: cart \(stores: \[carts, cart-expiry\]\)[\s\S]*Sink: cart-orders-out \(topic: orders\.commands\)/);
});
