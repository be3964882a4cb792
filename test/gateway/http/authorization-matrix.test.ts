/**
 * Every route of the HTTP API × every kind of caller, on the fastify app with injected
 * requests (fake commands and queries, the real access hook, verifier and routes): what
 * each may do is one table, so a route that forgets its check shows up as a wrong cell.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { KstError } from '../../../common/errors.ts';
import { createTokenVerifier, signToken, type Role } from '../../../gateway/auth/jwt.ts';
import type { CommandSink } from '../../../gateway/commands/command-publisher.ts';
import type { Accepted, QueryReader } from '../../../gateway/http/context.ts';
import { IdempotencyCache } from '../../../gateway/http/idempotency-cache.ts';
import { GatewayMetrics } from '../../../gateway/http/metrics.ts';
import { RateLimiter } from '../../../gateway/http/rate-limiter.ts';
import { buildHttpApi } from '../../../gateway/http/server.ts';
import { StreamSlots } from '../../../gateway/limits/stream-slots.ts';
import type { CartView } from '../../../topologies/ecommerce/contracts/carts.ts';
import type { OrderView } from '../../../topologies/ecommerce/contracts/views.ts';

const secret = 'authorization-matrix-secret-0123456789';
const nowS = Math.floor(Date.now() / 1000);
const bearer = async (sub: string, role: Role, issuedAtS = nowS, lifetimeS = 600): Promise<string> => `Bearer ${await signToken({ sub, role, issuedAtS, lifetimeS }, secret)}`;

const CALLERS = {
  none: undefined,
  expired: await bearer('alice', 'customer', nowS - 3_000, 600),
  otherCustomer: await bearer('bob', 'customer'),
  customer: await bearer('alice', 'customer'),
  admin: await bearer('ops', 'admin'),
} as const;
type Caller = keyof typeof CALLERS;

const order: OrderView = { orderId: 'o-1', customerId: 'alice', status: 'PENDING', items: [{ productId: 'p-1', quantity: 1, unitPriceCents: 5 }], totalCents: 5, createdAtMs: 1, updatedAtMs: 1, history: [{ status: 'PENDING', atMs: 1 }] };
const item = { productId: 'p-1', quantity: 1, unitPriceCents: 5 };
const cart: CartView = { cartId: 'cart-1', customerId: 'alice', status: 'OPEN', items: [{ productId: 'p-1', name: 'Tea', quantity: 1, unitPriceCents: 5, lineTotalCents: 5 }], itemCount: 1, totalCents: 5, createdAtMs: 1, updatedAtMs: 1 };

function app(options: { maxDepositCents?: number; slots?: StreamSlots; watch?: QueryReader['watchOrder'] } = {}) {
  const sent: string[] = [];
  const commands: CommandSink = { publish: async (_kind, _key, command) => void sent.push(command.type), close: async () => undefined };
  const queries: QueryReader = {
    getOrder: async (id) => {
      if (id !== 'o-1') throw new KstError('KST_QUERY_NOT_FOUND', `no order ${id}`, {});
      return order;
    },
    listCustomerOrders: async () => [order],
    getProduct: async (productId) => ({ productId, name: 'Tea', priceCents: 5, available: 1, reserved: 0, sold: 0, updatedAtMs: 1 }),
    getCustomer: async (customerId) => ({ customerId, name: 'Alice', email: 'a@x.org', balanceCents: 0, depositedCents: 0, updatedAtMs: 1 }),
    getCart: async (cartId) => {
      if (cartId !== 'cart-1') throw new KstError('KST_QUERY_NOT_FOUND', `no cart ${cartId}`, {});
      return cart;
    },
    watchOrder: options.watch ?? (async () => undefined),
  };
  const api = buildHttpApi({
    commands,
    queries,
    idempotency: new IdempotencyCache<Accepted>({ maxEntries: 100, ttlMs: 60_000 }),
    metrics: new GatewayMetrics({ defaultMetrics: false }),
    sseHeartbeatMs: 1_000,
    sseAwaitCreationMs: 0,
    now: () => 42,
    ops: { collect: async () => ({ atMs: 42, services: [], unreachable: [] }) },
  }, {
    verify: createTokenVerifier({ secret, maxLifetimeS: 3_600 }),
    limiter: new RateLimiter({ burst: 10_000, perSecond: 1 }),
    bodyLimit: 65_536,
    logger: false,
    audit: { byOrder: async () => [] },
    sales: { getSales: async () => [] },
    search: { search: async () => ({ total: 0, items: [], facets: { categories: [], priceRanges: [], inStock: { inStock: 0, outOfStock: 0 } } }) },
    ...(options.maxDepositCents === undefined ? {} : { maxDepositCents: options.maxDepositCents }),
    ...(options.slots === undefined ? {} : { streamSlots: options.slots }),
  });
  const call = async (method: string, url: string, authorization: string | undefined, body?: object) => {
    const response = await api.inject({
      method: method as 'GET',
      url,
      headers: { ...(authorization === undefined ? {} : { authorization }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const json = response.headers['content-type']?.toString().startsWith('application/json') === true ? JSON.parse(response.body) as Record<string, unknown> : {};
    return { status: response.statusCode, body: json };
  };
  return { api, sent, call };
}

/** Route, body, then the status for none, expired, another customer, the customer, admin. */
const MATRIX: ReadonlyArray<readonly [string, string, object | undefined, readonly [number, number, number, number, number]]> = [
  ['POST', '/orders', { customerId: 'alice', items: [item] }, [401, 401, 403, 202, 202]],
  ['GET', '/orders/o-1', undefined, [401, 401, 403, 200, 200]],
  ['POST', '/orders/o-1/cancel', {}, [401, 401, 403, 202, 202]],
  ['GET', '/orders/o-1/events', undefined, [401, 401, 403, 200, 200]],
  ['GET', '/orders/o-1/audit', undefined, [401, 401, 403, 403, 200]],
  ['POST', '/customers', { customerId: 'alice', name: 'Alice', email: 'a@x.org' }, [401, 401, 403, 202, 202]],
  ['POST', '/customers/alice/deposits', { amountCents: 5_000 }, [401, 401, 403, 403, 202]],
  ['GET', '/customers/alice', undefined, [401, 401, 403, 200, 200]],
  ['GET', '/customers/alice/orders', undefined, [401, 401, 403, 200, 200]],
  ['PUT', '/products/p-1', { name: 'Tea', priceCents: 5, restockQuantity: 1 }, [401, 401, 403, 403, 202]],
  ['GET', '/products/p-1', undefined, [401, 401, 200, 200, 200]],
  ['POST', '/carts/cart-1/items', { productId: 'p-1', quantity: 1 }, [401, 401, 403, 202, 403]],
  ['DELETE', '/carts/cart-1/items/p-1', undefined, [401, 401, 403, 202, 403]],
  ['POST', '/carts/cart-1/checkout', undefined, [401, 401, 403, 202, 403]],
  ['GET', '/carts/cart-1', undefined, [401, 401, 403, 200, 200]],
  ['GET', '/products', undefined, [401, 401, 200, 200, 200]],
  ['GET', '/health', undefined, [200, 200, 200, 200, 200]],
  ['GET', '/metrics', undefined, [200, 200, 200, 200, 200]],
  ['GET', '/openapi.json', undefined, [200, 200, 200, 200, 200]],
  ['GET', '/ops', undefined, [200, 200, 200, 200, 200]],
  ['GET', '/ops/ops.js', undefined, [200, 200, 200, 200, 200]],
  ['GET', '/ops/ops.css', undefined, [200, 200, 200, 200, 200]],
  ['GET', '/ops/snapshot', undefined, [401, 401, 403, 403, 200]],
  ['GET', '/analytics/sales', undefined, [401, 401, 403, 403, 200]],
];

test('every route × {no token, expired token, another customer, the customer, admin} answers as the table says', async () => {
  const { api, call } = app();
  await api.ready();
  // printRoutes draws a tree: a line's depth is where its path starts, its full path the parents' joined.
  const stack: string[] = [];
  const registered: string[] = [];
  for (const line of api.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*[├└]── )(\S+) \(([A-Z, ]+)\)/.exec(line);
    if (match === null) continue;
    const depth = ((match[1] as string).length - 4) / 4;
    stack.length = depth;
    stack.push(match[2] as string);
    for (const method of (match[3] as string).split(', ')) if (method !== 'HEAD') registered.push(`${method} ${stack.join('')}`);
  }
  const covered = new Set(MATRIX.map(([method, url]) => `${method} ${url.replace(/o-1|alice|cart-1|p-1/, ':id').replace(/\/items\/p-1$/, '/items/:productId')}`));
  assert.equal(registered.length, covered.size, `routes: ${registered.join(', ')}`);
  for (const route of registered) assert.ok(covered.has(route), `${route} is in the matrix`);

  const callers = Object.keys(CALLERS) as Caller[];
  for (const [method, url, body, expected] of MATRIX) {
    for (const [index, caller] of callers.entries()) {
      const response = await call(method, url, CALLERS[caller], body);
      assert.equal(response.status, expected[index], `${method} ${url} as ${caller}: ${JSON.stringify(response.body)}`);
      if (response.status === 401) assert.equal(response.body['code'], 'KST_GATEWAY_AUTH_FAILED');
      if (response.status === 403) assert.equal(response.body['code'], 'KST_GATEWAY_FORBIDDEN');
    }
  }
  const expired = await call('GET', '/orders/o-1', CALLERS.expired);
  assert.match(String(expired.body['message']), /expired/);
});

test('a deposit is admin-only, even to the customer\'s own balance, and bounded per request', async () => {
  const { sent, call } = app({ maxDepositCents: 10_000 });
  const own = await call('POST', '/customers/alice/deposits', CALLERS.customer, { amountCents: 1_000_000_000_000 });
  assert.equal(own.status, 403);
  assert.match(String(own.body['message']), /only an admin may deposit/);
  const tooMuch = await call('POST', '/customers/alice/deposits', CALLERS.admin, { amountCents: 10_001 });
  assert.equal(tooMuch.status, 400);
  assert.match(String(tooMuch.body['message']), /amountCents must be at most 10000 .*GATEWAY_MAX_DEPOSIT_CENTS/);
  assert.deepEqual(sent, [], 'nothing produced for refused deposits');
  assert.equal((await call('POST', '/customers/alice/deposits', CALLERS.admin, { amountCents: 10_000 })).status, 202);
  assert.deepEqual(sent, ['Deposit']);
});

test('a service token is refused at the HTTP API: it is the platform\'s identity at the query servers', async () => {
  const { call } = app();
  const response = await call('GET', '/products/p-1', await bearer('gateway', 'service'));
  assert.equal(response.status, 403);
  assert.match(String(response.body['message']), /service token is for the query servers/);
});

test('event streams are capped per caller and in total: 429 with a message; closed streams give their slots back', async () => {
  const slots = new StreamSlots({ perCaller: 2, total: 3 });
  const release: Array<() => void> = [];
  const watch: QueryReader['watchOrder'] = (_id, { signal }) => new Promise<void>((resolve) => {
    release.push(resolve);
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  const { call } = app({ slots, watch });
  const open = async (caller: Caller, count: number): Promise<void> => {
    const deadline = Date.now() + 5_000;
    while (slots.open() < count) {
      if (Date.now() > deadline) assert.fail(`waited 5 s for ${count} open streams (${caller}); ${slots.open()} open`);
      await sleep(5);
    }
  };
  const streams = [call('GET', '/orders/o-1/events', CALLERS.customer)];
  await open('customer', 1);
  streams.push(call('GET', '/orders/o-1/events', CALLERS.customer));
  await open('customer', 2);
  const third = await call('GET', '/orders/o-1/events', CALLERS.customer);
  assert.equal(third.status, 429);
  assert.equal(third.body['code'], 'KST_GATEWAY_STREAM_LIMIT');
  assert.match(String(third.body['message']), /event streams open, the most one caller may have/);
  streams.push(call('GET', '/orders/o-1/events', CALLERS.admin));
  await open('admin', 3);
  const overall = await call('GET', '/orders/o-1/events', CALLERS.admin);
  assert.equal(overall.status, 429);
  assert.match(String(overall.body['message']), /its maximum/);
  for (const resolve of release) resolve();
  assert.deepEqual((await Promise.all(streams)).map((r) => r.status), [200, 200, 200]);
  assert.equal(slots.open(), 0, 'every slot given back');
});
