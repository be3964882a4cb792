/** `CartQueries.GetCart` with a stand-in for the routing (the owner is always this instance): who may read which cart, and what a cart looks like on the wire. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { Principal } from '../../../../gateway/auth/jwt.ts';
import type { CartMessage } from '../../../../gateway/grpc/proto.ts';
import type { QueryRouting } from '../../../../gateway/grpc/query-routing.ts';
import { cartQueries } from '../../../../gateway/grpc/services/cart-queries.ts';
import type { CartState } from '../../../../topologies/ecommerce/cart/cart-rules.ts';

const stored: CartState = { cartId: 'c-1', customerId: 'alice', status: 'OPEN', items: [{ productId: 'tea', name: 'Tea', quantity: 1, unitPriceCents: 450, lineTotalCents: 450 }], itemCount: 1, totalCents: 450, createdAtMs: 1, updatedAtMs: 1, commandIds: ['a1'] };
const routing = {
  unary: (_call: unknown, _method: unknown, _store: string, _key: unknown, local: () => Promise<object>) => local(),
  readLocal: async (store: string, key: unknown) => (store === 'carts' && key === 'c-1' ? stored : undefined),
} as unknown as QueryRouting;

async function getCart(caller: Principal, cartId: string): Promise<{ error?: grpc.ServiceError; value?: CartMessage }> {
  const service = cartQueries({ routing, authenticate: async () => caller });
  const handler = service['GetCart'] as (call: object, callback: grpc.sendUnaryData<CartMessage>) => void;
  return new Promise((resolve) => {
    handler({ request: { cartId }, metadata: new grpc.Metadata() }, (error, value) => resolve({ ...(error === null ? {} : { error: error as grpc.ServiceError }), ...(value === undefined || value === null ? {} : { value }) }));
  });
}

test('the owner, an admin and the service identity read a cart; another customer gets PERMISSION_DENIED; an unknown cart NOT_FOUND', async () => {
  const own = await getCart({ subject: 'alice', role: 'customer' }, 'c-1');
  assert.equal(own.error, undefined);
  assert.deepEqual([own.value?.cartId, own.value?.customerId, own.value?.totalCents, own.value?.orderId], ['c-1', 'alice', 450, '']);
  assert.ok(!('commandIds' in (own.value as object)), 'the command ids the service keeps are not part of the answer');
  for (const operator of [{ subject: 'ops', role: 'admin' }, { subject: 'gateway', role: 'service' }] as const) assert.equal((await getCart(operator, 'c-1')).error, undefined, operator.role);
  const other = await getCart({ subject: 'bob', role: 'customer' }, 'c-1');
  assert.equal(other.error?.code, grpc.status.PERMISSION_DENIED);
  assert.equal((await getCart({ subject: 'alice', role: 'customer' }, 'c-404')).error?.code, grpc.status.NOT_FOUND);
  assert.equal((await getCart({ subject: 'alice', role: 'customer' }, '')).error?.code, grpc.status.INVALID_ARGUMENT);
});
