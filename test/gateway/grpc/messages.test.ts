/** Views ↔ query messages, through the real protobuf encoding of `queries.proto`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cartMessage, cartView, orderMessage, orderView } from '../../../gateway/grpc/messages.ts';
import { queryServices, type CartMessage, type OrderMessage } from '../../../gateway/grpc/proto.ts';
import type { CartView } from '../../../topologies/ecommerce/contracts/carts.ts';
import type { OrderView } from '../../../topologies/ecommerce/contracts/views.ts';

interface Codec {
  responseSerialize(value: OrderMessage): Buffer;
  responseDeserialize(bytes: Buffer): OrderMessage;
}

const wire = (view: OrderView): OrderView => {
  const codec = (queryServices().OrderQueries.service as unknown as Record<string, Codec>)['GetOrder'] as Codec;
  return orderView(codec.responseDeserialize(codec.responseSerialize(orderMessage(view))));
};

const base: OrderView = { orderId: 'o-1', customerId: 'alice', status: 'PENDING', items: [], totalCents: 0, createdAtMs: 1, updatedAtMs: 2, history: [{ status: 'PENDING', atMs: 1 }] };

test('an order\'s reserved prices and total cross the wire as they are; an item not priced yet stays unpriced (not 0)', () => {
  const pending: OrderView = { ...base, items: [{ productId: 'lux-1', quantity: 1, unitPriceCents: 500_000 }, { productId: 'pen', quantity: 2 }] };
  const back = wire(pending);
  assert.deepEqual(back.items, pending.items);
  assert.ok(!('unitPriceCents' in (back.items[1] as object)));
  const reserved: OrderView = { ...base, status: 'RESERVED', items: [{ productId: 'lux-1', quantity: 1, unitPriceCents: 500_000 }, { productId: 'free', quantity: 1, unitPriceCents: 0 }], totalCents: 500_000 };
  assert.deepEqual(wire(reserved), reserved, 'a catalog price of 0 is a price, not an absent one');
});

test('a cart crosses the wire as it is: absent order id and rejection stay absent, present ones come back', () => {
  const codec = (queryServices().CartQueries.service as unknown as Record<string, { responseSerialize(value: CartMessage): Buffer; responseDeserialize(bytes: Buffer): CartMessage }>)['GetCart'];
  assert.ok(codec !== undefined);
  const cartWire = (view: CartView): CartView => cartView(codec.responseDeserialize(codec.responseSerialize(cartMessage(view))));
  const open: CartView = { cartId: 'c-1', customerId: 'alice', status: 'OPEN', items: [{ productId: 'tea', name: 'Tea', quantity: 2, unitPriceCents: 450, lineTotalCents: 900 }], itemCount: 2, totalCents: 900, createdAtMs: 1, updatedAtMs: 2 };
  const back = cartWire(open);
  assert.deepEqual(back, open);
  assert.ok(!('orderId' in back) && !('lastRejection' in back));
  const done: CartView = { ...open, status: 'CHECKED_OUT', orderId: 'ord-1', lastRejection: { commandId: 'c9', type: 'AddCartItem', reason: 'unknown product x', atMs: 3 } };
  assert.deepEqual(cartWire(done), done);
});
