/** Views ↔ query messages, through the real protobuf encoding of `queries.proto`. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { orderMessage, orderView } from '../../../gateway/grpc/messages.ts';
import { queryServices, type OrderMessage } from '../../../gateway/grpc/proto.ts';
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
