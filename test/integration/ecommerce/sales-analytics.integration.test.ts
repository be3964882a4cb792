/**
 * Sales analytics against the stack.
 *
 * 1. End to end: the real gateway in front of the order, inventory, payment, shipping,
 *    customer and analytics services (one process each, started by the platform launcher
 *    on topics of their own). Orders placed through the gateway complete, and
 *    `GET /analytics/sales` (HTTP → gRPC → the analytics service's window stores) answers
 *    their units and revenue per product and per category; a customer is refused.
 * 2. The read model: the analytics service in process with two-second windows, the
 *    `sales-opensearch` sink as `npm start` configures it on a Connect worker, and sales
 *    written to `orders.events` directly (with event times, one late within grace, one
 *    later than it): once stream time passes a window's end plus grace, the `sales` index
 *    holds one document per window and product or category with the final figures, and
 *    `analytics.sales` holds each result once.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signToken, type Role } from '../../../gateway/auth/jwt.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { applyReadModels, readModels } from '../../../scripts/start/read-models.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import type { SalesResult } from '../../../topologies/ecommerce/analytics/sales-lines.ts';
import type { OrderItem } from '../../../topologies/ecommerce/contracts/commands.ts';
import type { InventoryEvent, OrderEvent } from '../../../topologies/ecommerce/contracts/events.ts';
import { prefixedTopics } from '../../../topologies/ecommerce/contracts/topics.ts';
import type { OrderView } from '../../../topologies/ecommerce/contracts/views.ts';
import { startService } from '../../../topologies/ecommerce/run-service.ts';
import { createEcommerceSerdes } from '../../../topologies/ecommerce/serdes.ts';
import { broker, clusterNames, dropCluster, readAll, startWorker } from '../../connectors/helpers.ts';
import { uniqueName } from '../../support/names.ts';
import { startGatewayPlatform } from './support/gateway-platform.ts';

const secret = 'sales-analytics-integration-secret-0123';
const bearer = async (sub: string, role: Role): Promise<string> => `Bearer ${await signToken({ sub, role, lifetimeS: 900 }, secret)}`;
const admin = await bearer('ops', 'admin');
const alice = await bearer('alice', 'customer');
const stack = endpoints(loadStackConfig());

/** Polls `read` until `done` holds; on timeout, fails naming what it waited for and the last value. */
async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const last = await read();
    if (done(last)) return last;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms; last ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface SalesEntry { key: string; name?: string; units: number; revenueCents: number }
interface SalesBody { windows?: { startMs: number; units: number; revenueCents: number; entries: SalesEntry[] }[]; message?: string }

/** Units and revenue per key over every window of an answer (the orders may straddle an hour). */
function totalsByKey(body: SalesBody): Record<string, [number, number]> {
  const totals: Record<string, [number, number]> = {};
  for (const window of body.windows ?? []) {
    for (const entry of window.entries) {
      const [units, revenue] = totals[entry.key] ?? [0, 0];
      totals[entry.key] = [units + entry.units, revenue + entry.revenueCents];
    }
  }
  return totals;
}

test('orders completed through the gateway are answered by GET /analytics/sales per product and per category', { timeout: 300_000 }, async (t) => {
  const { call } = await startGatewayPlatform(t, {
    label: 'sales',
    services: ['order', 'inventory', 'payment', 'shipping', 'customer', 'analytics'],
    secret,
    settings: { 'shipping.dispatch.delay.ms': 200, 'shipping.delivery.delay.ms': 200 },
  });

  const started = Date.now();
  assert.equal((await call('PUT', '/products/tea-1', admin, { name: 'Tea', priceCents: 450, restockQuantity: 20 })).status, 202);
  assert.equal((await call('PUT', '/products/cake-1', admin, { name: 'Cake', priceCents: 300, restockQuantity: 20 })).status, 202);
  assert.equal((await call('POST', '/customers', admin, { customerId: 'alice', name: 'Alice', email: 'alice@example.com' })).status, 202);
  await waitFor('the customer created', () => call('GET', '/customers/alice', alice), (a) => a.status === 200);
  assert.equal((await call('POST', '/customers/alice/deposits', admin, { amountCents: 100_000 })).status, 202);
  await waitFor('the deposit applied', () => call<{ balanceCents: number }>('GET', '/customers/alice', alice), (a) => a.status === 200 && a.body.balanceCents === 100_000);
  await waitFor('the products stocked', async () => [(await call<{ available: number }>('GET', '/products/tea-1', admin)).body.available, (await call<{ available: number }>('GET', '/products/cake-1', admin)).body.available], (a) => a[0] === 20 && a[1] === 20);

  const orders: object[][] = [
    [{ productId: 'tea-1', quantity: 2 }, { productId: 'cake-1', quantity: 1 }],
    [{ productId: 'tea-1', quantity: 1 }],
  ];
  const ids: string[] = [];
  for (const items of orders) {
    const accepted = await call<{ orderId: string }>('POST', '/orders', alice, { items });
    assert.equal(accepted.status, 202, JSON.stringify(accepted.body));
    ids.push(accepted.body.orderId);
  }
  for (const id of ids) {
    const done = await waitFor(`order ${id} completed`, () => call<OrderView>('GET', `/orders/${encodeURIComponent(id)}`, alice), (a) => a.status === 200 && ['COMPLETED', 'REJECTED', 'PAYMENT_FAILED', 'CANCELLED', 'EXPIRED'].includes(a.body.status));
    assert.equal(done.body.status, 'COMPLETED', JSON.stringify(done.body));
  }

  const range = `from=${started - 3_600_000}&to=${Date.now()}`;
  const byProduct = await waitFor('GET /analytics/sales by product with both orders', () => call<SalesBody>('GET', `/analytics/sales?${range}&groupBy=product`, admin),
    (a) => a.status === 200 && totalsByKey(a.body)['tea-1']?.[0] === 3 && totalsByKey(a.body)['cake-1']?.[0] === 1);
  assert.deepEqual(totalsByKey(byProduct.body), { 'tea-1': [3, 1_350], 'cake-1': [1, 300] });
  assert.ok(byProduct.body.windows?.every((w) => w.entries.every((e) => e.name === (e.key === 'tea-1' ? 'Tea' : 'Cake'))), JSON.stringify(byProduct.body));
  // Products without a category count as uncategorised.
  const byCategory = await waitFor('GET /analytics/sales by category', () => call<SalesBody>('GET', `/analytics/sales?${range}&groupBy=category&top=1`, admin),
    (a) => a.status === 200 && totalsByKey(a.body)['uncategorised']?.[0] === 4);
  assert.deepEqual(totalsByKey(byCategory.body), { uncategorised: [4, 1_650] });

  assert.equal((await call('GET', `/analytics/sales?${range}`, alice)).status, 403);
  const bad = await call<SalesBody>('GET', '/analytics/sales?groupBy=customer', admin);
  assert.equal(bad.status, 400);
});

test('final window results reach the sales index through sales-opensearch, one document per window and key; later than grace is dropped', { timeout: 180_000 }, async (t) => {
  const prefix = `${uniqueName('it-sales')}-`;
  const topics = prefixedTopics(prefix);
  const state = await mkdtemp(join(tmpdir(), prefix));
  const WINDOW = 2_000;
  const analytics = await startService('analytics', {
    'bootstrap.servers': stack.kafkaBootstrap,
    'schema.registry.url': stack.registryUrl,
    'topic.prefix': prefix,
    'topic.partitions': 1,
    'state.dir': state,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
    'analytics.window.size.ms': WINDOW,
    'analytics.window.grace.ms': 500,
    'analytics.window.retention.ms': 600_000,
  });
  const kafka = broker();
  const cluster = clusterNames('kst-sales');
  const worker = await startWorker(cluster);
  const sinkName = `${prefix}sales-opensearch`;
  const index = `${prefix.toLowerCase()}sales`;
  t.after(async () => {
    await fetch(`${worker.url}/connectors/${encodeURIComponent(sinkName)}`, { method: 'DELETE' }).catch(() => undefined);
    await worker.stop();
    await analytics.close();
    await fetch(`${stack.opensearchUrl}/${index}`, { method: 'DELETE' }).catch(() => undefined);
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
    await rm(state, { recursive: true, force: true });
  });
  const sink = readModels({ prefix, postgresUrl: stack.postgresUrl, opensearchUrl: stack.opensearchUrl, registryUrl: stack.registryUrl })[sinkName];
  assert.ok(sink !== undefined, 'npm start creates the sales-opensearch sink');
  await applyReadModels(worker.url, { [sinkName]: sink });

  const serdes = await createEcommerceSerdes(new RegistryClient({ url: stack.registryUrl, clientId: 'sales-it' }), topics);
  // Products are older than the sales, as on the platform: the join reads records in timestamp order.
  const product = (productId: string, name: string, atMs: number): { topic: string; key: Buffer; value: Buffer; timestamp: bigint } => {
    const event: InventoryEvent = { type: 'ProductUpdated', eventId: `${productId}:1`, productId, quantity: 0, atMs, name, priceCents: 100, available: 10, reserved: 0, sold: 0 };
    return { topic: topics.inventoryEvents, key: Buffer.from(productId), value: serdes.inventoryEvent.serialize(topics.inventoryEvents, event) as Buffer, timestamp: BigInt(atMs) };
  };
  const paid = (orderId: string, atMs: number, items: OrderItem[]): { topic: string; key: Buffer; value: Buffer; timestamp: bigint } => {
    const event: OrderEvent = { type: 'OrderPaid', eventId: `${orderId}:PAID`, orderId, customerId: 'c1', status: 'PAID', fromStatus: 'RESERVED', items, totalCents: 0, atMs };
    return { topic: topics.orderEvents, key: Buffer.from(orderId), value: serdes.orderEvent.serialize(topics.orderEvents, event) as Buffer, timestamp: BigInt(atMs) };
  };
  const w0 = Math.floor(Date.now() / WINDOW) * WINDOW - 10 * WINDOW;
  await kafka.send([product('tea-1', 'Tea', w0 - 1_000), product('cake-1', 'Cake', w0 - 1_000)]);
  await kafka.send([
    paid('o1', w0 + 100, [{ productId: 'tea-1', quantity: 2, unitPriceCents: 450 }, { productId: 'cake-1', quantity: 1, unitPriceCents: 300 }]),
    paid('o2', w0 + WINDOW + 200, [{ productId: 'cake-1', quantity: 1, unitPriceCents: 300 }]), // stream time past w0's end, within its grace
    paid('o3', w0 + 1_900, [{ productId: 'tea-1', quantity: 1, unitPriceCents: 450 }]), // late, within grace: counts in w0
    paid('o4', w0 + 3 * WINDOW, [{ productId: 'cake-1', quantity: 1, unitPriceCents: 300 }]), // closes w0 and w0 + WINDOW
    paid('o5', w0 + 500, [{ productId: 'tea-1', quantity: 9, unitPriceCents: 450 }]), // later than grace: dropped
    paid('o6', w0 + 6 * WINDOW, [{ productId: 'cake-1', quantity: 1, unitPriceCents: 300 }]), // closes w0 + 3 × WINDOW
  ]);

  type Hit = { _id: string; _source: SalesResult };
  const search = async (): Promise<Hit[]> => {
    const response = await fetch(`${stack.opensearchUrl}/${index}/_search?size=100`);
    // No index yet (404), or one just created whose shards are not searchable yet (503).
    if (!response.ok) return [];
    return ((await response.json()) as { hits?: { hits: Hit[] } }).hits?.hits ?? [];
  };
  // w0 closes at o4, w0 + WINDOW too, w0 + 3 × WINDOW at o6; o6's own window stays open.
  const expected = {
    [`product|tea-1|${w0}`]: [3, 1_350],
    [`product|cake-1|${w0}`]: [1, 300],
    [`category|uncategorised|${w0}`]: [4, 1_650],
    [`product|cake-1|${w0 + WINDOW}`]: [1, 300],
    [`category|uncategorised|${w0 + WINDOW}`]: [1, 300],
    [`product|cake-1|${w0 + 3 * WINDOW}`]: [1, 300],
    [`category|uncategorised|${w0 + 3 * WINDOW}`]: [1, 300],
  };
  const hits = await waitFor(`the final results in index ${index}`, search, (h) => h.length >= Object.keys(expected).length, 120_000);
  assert.deepEqual(Object.fromEntries(hits.map((hit) => [hit._id, [hit._source.units, hit._source.revenueCents]])), expected);
  const tea = hits.find((hit) => hit._id === `product|tea-1|${w0}`)?._source;
  assert.deepEqual(tea, { id: `product|tea-1|${w0}`, groupBy: 'product', key: 'tea-1', windowStartMs: w0, windowEndMs: w0 + WINDOW, windowStart: new Date(w0).toISOString(), units: 3, revenueCents: 1_350, name: 'Tea', category: 'uncategorised' });

  // Each result once on the topic: one final result per window and key.
  const results = await readAll(topics.analyticsSales, hits.length);
  const keys = results.map((record) => record.key?.toString('utf8'));
  assert.equal(new Set(keys).size, keys.length, `no result twice: ${keys.join(', ')}`);
});
