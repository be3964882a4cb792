/**
 * The cart routes on the fastify app with injected requests (the real access hook, verifier
 * and routes; fake command sink and cart reads): bodies name products and quantities only,
 * the command's customer is the token's, checks on the cart's state answer 4xx with a
 * message and produce nothing, and a checkout answers the order id the service will use,
 * the same on a replay.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError } from '../../../../common/errors.ts';
import { createTokenVerifier, signToken } from '../../../../gateway/auth/jwt.ts';
import type { CommandSink } from '../../../../gateway/commands/command-publisher.ts';
import type { Accepted, QueryReader } from '../../../../gateway/http/context.ts';
import { IdempotencyCache } from '../../../../gateway/http/idempotency-cache.ts';
import { GatewayMetrics } from '../../../../gateway/http/metrics.ts';
import { RateLimiter } from '../../../../gateway/http/rate-limiter.ts';
import { buildHttpApi } from '../../../../gateway/http/server.ts';
import { cartOrderId, type CartCommand, type CartView } from '../../../../topologies/ecommerce/contracts/carts.ts';

const secret = 'cart-routes-secret-0123456789-abcdef';
const alice = `Bearer ${await signToken({ sub: 'alice', role: 'customer', lifetimeS: 600 }, secret)}`;
const unused = async (): Promise<never> => { throw new Error('not used'); };
const open: CartView = { cartId: 'c-1', customerId: 'alice', status: 'OPEN', items: [{ productId: 'tea', name: 'Tea', quantity: 1, unitPriceCents: 450, lineTotalCents: 450 }], itemCount: 1, totalCents: 450, createdAtMs: 1, updatedAtMs: 1 };

function app(carts: Map<string, CartView>) {
  const sent: CartCommand[] = [];
  const commands: CommandSink = { publish: async (kind, _key, command) => void (kind === 'cart' && sent.push(command as CartCommand)), close: async () => undefined };
  const queries: QueryReader = {
    getOrder: unused, listCustomerOrders: unused, getProduct: unused, getCustomer: unused, watchOrder: unused,
    getCart: async (cartId) => {
      const cart = carts.get(cartId);
      if (cart === undefined) throw new KstError('KST_QUERY_NOT_FOUND', `no cart ${cartId}`, {});
      return cart;
    },
  };
  const api = buildHttpApi({
    commands, queries, idempotency: new IdempotencyCache<Accepted>({ maxEntries: 100, ttlMs: 60_000 }), metrics: new GatewayMetrics({ defaultMetrics: false }), sseHeartbeatMs: 1_000, sseAwaitCreationMs: 0, now: () => 42,
  }, { verify: createTokenVerifier({ secret, maxLifetimeS: 3_600 }), limiter: new RateLimiter({ burst: 10_000, perSecond: 1 }), bodyLimit: 65_536, logger: false, audit: { byOrder: async () => [] } });
  const call = async (method: string, url: string, body?: object, headers: Record<string, string> = {}) => {
    const response = await api.inject({ method: method as 'GET', url, headers: { authorization: alice, ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { payload: JSON.stringify(body) }) });
    return { status: response.statusCode, headers: response.headers, body: JSON.parse(response.body === '' ? '{}' : response.body) as Record<string, unknown> };
  };
  return { sent, call };
}

test('an add names a product and a quantity only; the command is the token\'s customer\'s', async () => {
  const { sent, call } = app(new Map());
  for (const body of [{ productId: 'tea', quantity: 1, customerId: 'bob' }, { productId: 'tea', quantity: 1, unitPriceCents: 1 }, { productId: 'tea', quantity: 0 }, { productId: 'tea', quantity: 101 }, { productId: 'a b', quantity: 1 }, { quantity: 1 }]) {
    const refused = await call('POST', '/carts/c-1/items', body);
    assert.equal(refused.status, 400, JSON.stringify(body));
    assert.equal(typeof refused.body['message'], 'string');
  }
  assert.equal(sent.length, 0);
  const accepted = await call('POST', '/carts/c-new/items', { productId: 'tea', quantity: 3 });
  assert.equal(accepted.status, 202);
  assert.equal(accepted.headers['location'], '/carts/c-new');
  const { commandId: _id, issuedAtMs: _at, ...command } = sent[0] as CartCommand;
  assert.deepEqual(command, { type: 'AddCartItem', cartId: 'c-new', customerId: 'alice', productId: 'tea', quantity: 3 });
});

test('remove and checkout look at the cart first: a missing line is 404, an empty or finished cart 400, and nothing is produced', async () => {
  const carts = new Map<string, CartView>([['c-1', open], ['empty', { ...open, cartId: 'empty', items: [], itemCount: 0, totalCents: 0 }], ['done', { ...open, cartId: 'done', status: 'CHECKED_OUT', orderId: 'ord-x' }]]);
  const { sent, call } = app(carts);
  const missing = await call('DELETE', '/carts/c-1/items/mug');
  assert.deepEqual([missing.status, missing.body['message']], [404, 'cart c-1 has no mug']);
  assert.equal((await call('DELETE', '/carts/c-404/items/tea')).status, 404);
  const empty = await call('POST', '/carts/empty/checkout');
  assert.deepEqual([empty.status, empty.body['message']], [400, 'cart empty is empty']);
  const done = await call('POST', '/carts/done/checkout', {});
  assert.deepEqual([done.status, done.body['message']], [400, 'cart done is CHECKED_OUT; add items to open it again']);
  assert.equal((await call('POST', '/carts/c-1/checkout', { note: 'x' })).status, 400, 'a checkout takes no fields');
  assert.equal(sent.length, 0);
  assert.equal((await call('DELETE', '/carts/c-1/items/tea')).status, 202);
  assert.deepEqual(sent.map((c) => [c.type, c.customerId]), [['RemoveCartItem', 'alice']]);
});

test('a checkout answers the order id the service derives; a retry with the same Idempotency-Key answers it again, once the cart is checked out too', async () => {
  const carts = new Map<string, CartView>([['c-1', open]]);
  const { sent, call } = app(carts);
  const first = await call('POST', '/carts/c-1/checkout', undefined, { 'idempotency-key': 'pay-1' });
  assert.equal(first.status, 202);
  const command = sent[0];
  assert.equal(command?.type, 'CheckoutCart');
  assert.equal(first.body['orderId'], cartOrderId('c-1', command.commandId));
  assert.equal(first.headers['location'], `/orders/${String(first.body['orderId'])}`);
  carts.set('c-1', { ...open, status: 'CHECKED_OUT', orderId: String(first.body['orderId']) });
  const again = await call('POST', '/carts/c-1/checkout', undefined, { 'idempotency-key': 'pay-1' });
  assert.deepEqual([again.status, again.body['orderId'], again.headers['idempotent-replayed']], [202, first.body['orderId'], 'true']);
  assert.equal(sent.length, 1, 'one command for the retried request');
});
