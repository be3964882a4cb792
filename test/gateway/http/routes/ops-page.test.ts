/**
 * The ops page's routes with a set snapshot (the real collector: test/gateway/ops/; the page
 * in a browser: ops-page.integration.test.ts): the page and its files answer without a
 * token and hold no data; the snapshot needs an admin (401 without a token, 403 for a
 * customer) and answers 503 when the gateway has nothing to ask.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Accepted, GatewayContext, QueryReader } from '../../../../gateway/http/context.ts';
import { IdempotencyCache } from '../../../../gateway/http/idempotency-cache.ts';
import { GatewayMetrics } from '../../../../gateway/http/metrics.ts';
import { RateLimiter } from '../../../../gateway/http/rate-limiter.ts';
import { buildHttpApi } from '../../../../gateway/http/server.ts';
import type { OpsSnapshot, OpsSource } from '../../../../gateway/ops/ops-collector.ts';
import { bearer, verifier } from '../../support/tokens.ts';

const secret = 'ops-page-routes-secret-0123456789';
const unused = async (): Promise<never> => {
  throw new Error('not used');
};
const queries: QueryReader = { getOrder: unused, listCustomerOrders: unused, getProduct: unused, getCustomer: unused, getCart: unused, watchOrder: unused };
const snapshot: OpsSnapshot = {
  atMs: 42,
  services: [{
    applicationId: 'ecommerce-order',
    topology: { subtopologies: [{ id: 0, nodes: [{ type: 'processor', name: 'order-saga', topics: [], stores: ['orders'], successors: [], predecessors: [] }] }], globalStores: [], text: 'Topologies: …' },
    instances: [{ endpoint: '127.0.0.1:50051', reachable: true, state: 'RUNNING', processId: 'p-1', threads: [], storeLags: [], activePartitions: [{ topic: 'orders.commands', partition: 0 }], standbyPartitions: [], consumerLag: 3 }],
    partitions: [{ topic: 'orders.commands', partition: 0, committed: 7, end: 10, lag: 3, owner: '127.0.0.1:50051' }],
  }],
  unreachable: [{ endpoint: '127.0.0.1:50099', error: 'connection refused' }],
};

function app(ops?: OpsSource) {
  const context: GatewayContext = {
    commands: { publish: async () => undefined, close: async () => undefined },
    queries,
    idempotency: new IdempotencyCache<Accepted>({ maxEntries: 10, ttlMs: 60_000 }),
    metrics: new GatewayMetrics({ defaultMetrics: false }),
    sseHeartbeatMs: 1_000,
    sseAwaitCreationMs: 0,
    now: Date.now,
    ...(ops === undefined ? {} : { ops }),
  };
  return buildHttpApi(context, { verify: verifier(secret), limiter: new RateLimiter({ burst: 100, perSecond: 1 }), bodyLimit: 65_536, logger: false });
}

test('the page, its script and style sheet answer without a token; the page loads the script and holds no data', async () => {
  let collected = 0;
  const api = app({ collect: async () => (collected++, snapshot) });
  for (const [path, type] of [['/ops', 'text/html'], ['/ops/ops.js', 'text/javascript'], ['/ops/ops.css', 'text/css']] as const) {
    const response = await api.inject({ method: 'GET', url: path });
    assert.equal(response.statusCode, 200, path);
    assert.match(String(response.headers['content-type']), new RegExp(`^${type}`), path);
  }
  const page = (await api.inject({ method: 'GET', url: '/ops' })).body;
  assert.match(page, /<script type="module" src="\/ops\/ops.js"><\/script>/);
  assert.match(page, /<link rel="stylesheet" href="\/ops\/ops.css">/);
  assert.equal(collected, 0, 'serving the page asks no instance');
});

test('GET /ops/snapshot: 401 without a token, 403 for a customer, the snapshot for an admin, 503 with nothing to ask', async () => {
  const api = app({ collect: async () => snapshot });
  assert.equal((await api.inject({ method: 'GET', url: '/ops/snapshot' })).statusCode, 401);
  const customer = await api.inject({ method: 'GET', url: '/ops/snapshot', headers: { authorization: await bearer('alice', 'customer', secret) } });
  assert.equal(customer.statusCode, 403);
  assert.equal(customer.json().code, 'KST_GATEWAY_FORBIDDEN');
  const admin = await bearer('ops', 'admin', secret);
  const answer = await api.inject({ method: 'GET', url: '/ops/snapshot', headers: { authorization: admin } });
  assert.equal(answer.statusCode, 200);
  assert.deepEqual(answer.json(), snapshot, 'every field of the snapshot comes through');
  const none = await app().inject({ method: 'GET', url: '/ops/snapshot', headers: { authorization: admin } });
  assert.equal(none.statusCode, 503);
  assert.equal(none.json().code, 'KST_QUERY_UNAVAILABLE');
});
