import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError, isKstError } from '../../../common/errors.ts';
import { createTokenVerifier, signToken, type Role } from '../../../gateway/auth/jwt.ts';
import type { CommandKind, CommandSink } from '../../../gateway/commands/command-publisher.ts';
import { gatewayConfig } from '../../../gateway/config.ts';
import type { Accepted, QueryReader } from '../../../gateway/http/context.ts';
import { IdempotencyCache } from '../../../gateway/http/idempotency-cache.ts';
import { GatewayMetrics } from '../../../gateway/http/metrics.ts';
import { RateLimiter } from '../../../gateway/http/rate-limiter.ts';
import { buildHttpApi } from '../../../gateway/http/server.ts';
import type { OrderView } from '../../../topologies/ecommerce/contracts/views.ts';

const secret = 'unit-test-secret-0123456789-abcdefgh';
const token = async (sub: string, role: Role): Promise<string> => `Bearer ${await signToken({ sub, role }, secret)}`;
const alice = await token('alice', 'customer');
const bob = await token('bob', 'customer');
const admin = await token('ops', 'admin');

const order: OrderView = { orderId: 'o-1', customerId: 'alice', status: 'PENDING', items: [{ productId: 'p', quantity: 1, unitPriceCents: 5 }], totalCents: 5, createdAtMs: 1, updatedAtMs: 1, history: [{ status: 'PENDING', atMs: 1 }] };

function gateway(options: { burst?: number } = {}) {
  const sent: Array<{ kind: CommandKind; key: string; command: { type: string; commandId: string } }> = [];
  const commands: CommandSink = {
    publish: async (kind, key, command) => void sent.push({ kind, key, command }),
    close: async () => undefined,
  };
  const queries: QueryReader = {
    getOrder: async (id) => {
      if (id !== 'o-1') throw new KstError('KST_QUERY_NOT_FOUND', `no order ${id}`, {});
      return order;
    },
    listCustomerOrders: async () => [order],
    getProduct: async () => { throw new KstError('KST_QUERY_UNAVAILABLE', 'rebalancing', {}); },
    getCustomer: async () => { throw new KstError('KST_QUERY_NOT_FOUND', 'no customer', {}); },
    getCart: async () => { throw new KstError('KST_QUERY_NOT_FOUND', 'no cart', {}); },
    watchOrder: async () => undefined,
  };
  const app = buildHttpApi({
    commands,
    queries,
    idempotency: new IdempotencyCache<Accepted>({ maxEntries: 100, ttlMs: 60_000 }),
    metrics: new GatewayMetrics({ defaultMetrics: false }),
    sseHeartbeatMs: 1_000,
    sseAwaitCreationMs: 0,
    now: () => 42,
  }, { verify: createTokenVerifier({ secret, maxLifetimeS: 3_600 }), limiter: new RateLimiter({ burst: options.burst ?? 1000, perSecond: 1 }), bodyLimit: 65_536, logger: false });
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, authorization: string | undefined, body?: string | object, headers: Record<string, string> = {}) => {
    const response = await app.inject({
      method,
      url,
      headers: { ...(authorization === undefined ? {} : { authorization }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      ...(body === undefined ? {} : { payload: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: response.statusCode, headers: response.headers, body: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>) };
  };
  return { app, sent, call };
}

const item = { productId: 'p-1', quantity: 2, unitPriceCents: 450 };

test('request schemas: malformed JSON, missing fields, wrong types, unknown fields, zero or negative numbers are 400 with a message; nothing is produced', async () => {
  const { sent, call } = gateway();
  const cases: Array<[string, string, string | object, RegExp]> = [
    ['POST', '/orders', '{"items": [', /not valid JSON/],
    ['POST', '/orders', {}, /required property 'items'/],
    ['POST', '/orders', { items: [] }, /must NOT have fewer than 1 items/],
    ['POST', '/orders', { items: [{ productId: 'p-1', unitPriceCents: 450 }] }, /required property 'quantity'/],
    ['POST', '/orders', { items: [{ ...item, quantity: '2' }] }, /quantity must be integer/],
    ['POST', '/orders', { items: [{ ...item, quantity: 1.5 }] }, /quantity must be integer/],
    ['POST', '/orders', { items: [{ ...item, quantity: 0 }] }, /quantity must be >= 1/],
    ['POST', '/orders', { items: [{ ...item, quantity: -3 }] }, /quantity must be >= 1/],
    ['POST', '/orders', { items: [{ ...item, unitPriceCents: -1 }] }, /unitPriceCents must be >= 1/],
    ['POST', '/orders', { items: [item], coupon: 'FREE' }, /must NOT have additional properties/],
    ['POST', '/orders', { items: 'p-1' }, /items must be array/],
    ['POST', '/customers/alice/deposits', { amountCents: 0 }, /amountCents must be >= 1/],
    ['POST', '/customers/alice/deposits', { amountCents: -500 }, /amountCents must be >= 1/],
    ['POST', '/customers/alice/deposits', { amountCents: '5' }, /must be integer/],
    ['POST', '/customers', { name: 'Alice' }, /required property 'email'/],
    ['POST', '/orders/o-1/cancel', { reason: 7 }, /reason must be string/],
  ];
  for (const [method, url, body, message] of cases) {
    const response = await call(method as 'POST', url, alice, body);
    assert.equal(response.status, 400, `${url} ${JSON.stringify(body)}`);
    assert.equal(response.body['code'], 'KST_GATEWAY_REQUEST_INVALID');
    assert.match(String(response.body['message']), message, `${url} ${JSON.stringify(body)}`);
  }
  const restock = await call('PUT', '/products/p-1', admin, { restockQuantity: -1 });
  assert.equal(restock.status, 400);
  assert.match(String(restock.body['message']), /restockQuantity must be >= 0/);
  assert.equal((await call('GET', '/orders/bad%20id', alice)).status, 400, 'ids are checked too');
  assert.equal((await call('POST', '/orders', alice, { items: [item] }, { 'idempotency-key': 'x'.repeat(300) })).status, 400, 'so is the Idempotency-Key');
  assert.equal(sent.length, 0);
});

test('auth: no or bad token 401, another customer or a customer restocking 403, admins reach everything', async () => {
  const { app, sent, call } = gateway();
  // A wrong signature: its first character changed (the last one carries only 4 bits, and
  // another letter there can decode to the same bytes).
  const [header, payload, signature = ''] = (await token('alice', 'customer')).split('.');
  const tampered = `${header}.${payload}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
  for (const authorization of [undefined, 'Bearer nonsense', 'Basic YTpi', tampered]) {
    const response = await call('POST', '/orders', authorization, { items: [item] });
    assert.equal(response.status, 401, String(authorization));
    assert.equal(response.headers['www-authenticate'], 'Bearer');
  }
  assert.equal((await call('POST', '/orders', undefined, '{bad')).status, 401, 'auth comes before parsing');
  assert.equal((await call('GET', '/orders/o-1', bob)).status, 403);
  assert.equal((await call('POST', '/orders/o-1/cancel', bob)).status, 403);
  assert.equal((await call('GET', '/customers/alice/orders', bob)).status, 403);
  assert.equal((await call('POST', '/customers/alice/deposits', bob, { amountCents: 5 })).status, 403);
  assert.equal((await call('POST', '/orders', bob, { customerId: 'alice', items: [item] })).status, 403);
  assert.equal((await call('POST', '/customers', bob, { customerId: 'alice', name: 'A', email: 'a@x.org' })).status, 403);
  const restock = await call('PUT', '/products/p-1', alice, { restockQuantity: 5 });
  assert.equal(restock.status, 403);
  assert.equal(restock.body['code'], 'KST_GATEWAY_FORBIDDEN');
  assert.equal(sent.length, 0, 'nothing produced for rejected requests');

  assert.equal((await call('GET', '/orders/o-1', alice)).status, 200);
  assert.equal((await call('GET', '/orders/o-1', admin)).status, 200);
  assert.equal((await call('GET', '/orders/o-2', alice)).status, 404);
  assert.equal((await call('GET', '/customers/alice', alice)).status, 404);
  const unavailable = await call('GET', '/products/p-1', alice);
  assert.equal(unavailable.status, 503);
  assert.equal(unavailable.headers['retry-after'], '1');
  assert.equal((await call('POST', '/orders', admin, { items: [item] })).status, 400, 'an admin names the customer');
  assert.equal((await call('PUT', '/products/p-1', admin, { name: 'Tea', priceCents: 450, restockQuantity: 10 })).status, 202);
  assert.equal((await call('GET', '/health', undefined)).status, 200);
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(metrics.body, /gateway_requests_rejected_total\{reason="unauthenticated"\} 5/);
  assert.match(metrics.body, /gateway_commands_produced_total\{type="UpsertProduct"\} 1/);
});

test('writes answer 202 with the id and a Location; the same Idempotency-Key gives the same answer and one command', async () => {
  const { sent, call } = gateway();
  const first = await call('POST', '/orders', alice, { items: [item] }, { 'idempotency-key': 'retry-me' });
  const second = await call('POST', '/orders', alice, { items: [item] }, { 'idempotency-key': 'retry-me' });
  assert.equal(first.status, 202);
  assert.equal(first.headers['location'], `/orders/${String(first.body['orderId'])}`);
  assert.deepEqual(second.body, first.body);
  assert.equal(second.headers['idempotent-replayed'], 'true');
  assert.equal(sent.length, 1);
  assert.deepEqual(sent[0]?.command, { type: 'CreateOrder', commandId: first.body['commandId'], issuedAtMs: 42, orderId: first.body['orderId'], customerId: 'alice', items: [item] });
  const conflict = await call('POST', '/orders', alice, { items: [{ ...item, quantity: 3 }] }, { 'idempotency-key': 'retry-me' });
  assert.equal(conflict.status, 422);
  const other = await call('POST', '/orders', alice, { items: [item] });
  assert.notEqual(other.body['orderId'], first.body['orderId'], 'no key, new ids');
  const cancel = await call('POST', '/orders/o-1/cancel', alice);
  assert.equal(cancel.status, 202);
  assert.deepEqual(sent.map((s) => [s.kind, s.command.type]), [['order', 'CreateOrder'], ['order', 'CreateOrder'], ['order', 'CancelOrder']]);
});

test('rate limiting: past its bucket a caller gets 429 with Retry-After, others are not affected', async () => {
  const { call } = gateway({ burst: 2 });
  assert.equal((await call('GET', '/orders/o-1', alice)).status, 200);
  assert.equal((await call('GET', '/orders/o-1', alice)).status, 200);
  const limited = await call('GET', '/orders/o-1', alice);
  assert.equal(limited.status, 429);
  assert.equal(limited.body['code'], 'KST_GATEWAY_RATE_LIMITED');
  assert.equal(limited.headers['retry-after'], '1');
  assert.equal((await call('GET', '/orders/o-1', admin)).status, 200);
});

test('config: validated once, invalid values name the key and its variable', () => {
  assert.throws(() => gatewayConfig.fromEnv({ GATEWAY_JWT_SECRET: 'sixteen-bytes-16' }, 'GATEWAY'), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID') && /jwt\.secret.*at least 32 bytes.*GATEWAY_JWT_SECRET/s.test(e.message));
  assert.throws(() => gatewayConfig.fromEnv({ GATEWAY_JWT_SECRET: secret, GATEWAY_JWT_MAX_LIFETIME_S: '0' }, 'GATEWAY'), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID') && /GATEWAY_JWT_MAX_LIFETIME_S/.test(e.message));
  assert.throws(() => gatewayConfig.fromEnv({ GATEWAY_JWT_SECRET: secret, GATEWAY_MAX_DEPOSIT_CENTS: '-5' }, 'GATEWAY'), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID') && /GATEWAY_MAX_DEPOSIT_CENTS/.test(e.message));
  assert.throws(() => gatewayConfig.fromEnv({ GATEWAY_JWT_SECRET: secret, GATEWAY_ORDER_QUERY_ENDPOINTS: 'localhost' }, 'GATEWAY'), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID') && /order\.query\.endpoints/.test(e.message));
  assert.throws(() => gatewayConfig.fromEnv({ GATEWAY_JWT_SECRET: secret, GATEWAY_HTTP_PORT: 'eighty' }, 'GATEWAY'), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID') && /GATEWAY_HTTP_PORT/.test(e.message));
  const config = gatewayConfig.fromEnv({ GATEWAY_JWT_SECRET: secret, GATEWAY_ORDER_QUERY_ENDPOINTS: '127.0.0.1:50051,127.0.0.1:50052', GATEWAY_TOPIC_PREFIX: 't1.' }, 'GATEWAY');
  assert.deepEqual(config['order.query.endpoints'], ['127.0.0.1:50051', '127.0.0.1:50052']);
  assert.equal(config['topic.prefix'], 't1.');
  assert.equal(config['http.port'], 8080);
});

test('POST /orders: a unit price is optional; when sent it goes on as the quote the catalog price is checked against, never as a price', async () => {
  const { sent, call } = gateway();
  const response = await call('POST', '/orders', alice, { items: [{ productId: 'p-1', quantity: 2 }, item] });
  assert.equal(response.status, 202);
  assert.equal(sent.length, 1);
  const command = sent[0]?.command as unknown as { items: unknown[] };
  assert.deepEqual(command.items, [{ productId: 'p-1', quantity: 2 }, { productId: 'p-1', quantity: 2, unitPriceCents: 450 }]);
  assert.ok(!('unitPriceCents' in (command.items[0] as object)), 'an absent price stays absent (not undefined, not 0)');
});
