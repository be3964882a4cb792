/**
 * `SalesQueries/GetSales` against two instances of the analytics service (in process, each
 * with its query server, on topics of their own): the window store's keys are spread over
 * both, and either instance answers the whole: every product's sales, totals over every
 * key, the top entries by revenue. Only admins and the service identity may ask; a bad
 * grouping is INVALID_ARGUMENT.
 */
import '../../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { createTokenVerifier, signToken } from '../../../../gateway/auth/jwt.ts';
import { PeerClients, type Method } from '../../../../gateway/grpc/peer-clients.ts';
import { queryServices, type SalesReportMessage } from '../../../../gateway/grpc/proto.ts';
import { QueryServer } from '../../../../gateway/grpc/query-server.ts';
import { RegistryClient } from '../../../../schemas/registry/registry-client.ts';
import { endpoints, loadStackConfig } from '../../../../scripts/stack/config.ts';
import type { InventoryEvent, OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import { Stores } from '../../../../topologies/ecommerce/contracts/stores.ts';
import { prefixedTopics } from '../../../../topologies/ecommerce/contracts/topics.ts';
import { createService, type RunningService } from '../../../../topologies/ecommerce/run-service.ts';
import { createEcommerceSerdes } from '../../../../topologies/ecommerce/serdes.ts';
import { produce, uniqueName } from '../../../processors/client/helpers.ts';

const SECRET = 'sales-queries-test-secret-0123456789ab';
const HOUR = 3_600_000;
const PRODUCTS = 8;
const stack = endpoints(loadStackConfig());
const getSales = queryServices().SalesQueries.service['GetSales'] as Method;
const peers = new PeerClients({ deadlineMs: 5_000 });

const auth = (token: string): grpc.Metadata => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};

test('either of two analytics instances answers every product\'s sales, with totals over every key and the top entries', { timeout: 180_000 }, async (t) => {
  const prefix = `${uniqueName('it-sales-grpc')}-`;
  const topics = prefixedTopics(prefix);
  const root = await mkdtemp(join(tmpdir(), prefix));
  const admin = await signToken({ sub: 'ops', role: 'admin', lifetimeS: 600 }, SECRET);
  const customer = await signToken({ sub: 'alice', role: 'customer', lifetimeS: 600 }, SECRET);
  const instances: { server: QueryServer; service: RunningService }[] = [];
  t.after(async () => {
    await Promise.all(instances.map(async ({ server, service }) => {
      await service.close();
      await server.close(100);
    }));
    peers.close();
    await rm(root, { recursive: true, force: true });
  });
  for (const n of [0, 1]) {
    const server = await QueryServer.listen({ verify: createTokenVerifier({ secret: SECRET, maxLifetimeS: 3_600 }) });
    const service = await createService('analytics', {
      'bootstrap.servers': stack.kafkaBootstrap,
      'schema.registry.url': stack.registryUrl,
      'topic.prefix': prefix,
      'topic.partitions': 4,
      'state.dir': join(root, `analytics-${n}`),
      'application.server': server.endpoint,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 1_000,
    });
    server.serve(service.streams);
    await service.streams.start();
    instances.push({ server, service });
  }

  const serdes = await createEcommerceSerdes(new RegistryClient({ url: stack.registryUrl, clientId: 'sales-grpc-it' }), topics);
  const window = Math.floor(Date.now() / HOUR) * HOUR;
  const products = Array.from({ length: PRODUCTS }, (_, i) => `p-${i + 1}`);
  await produce(products.map((productId, i) => {
    const event: InventoryEvent = { type: 'ProductUpdated', eventId: `${productId}:1`, productId, quantity: 0, atMs: window, name: `Product ${i + 1}`, priceCents: 100 * (i + 1), available: 100, reserved: 0, sold: 0 };
    return { topic: topics.inventoryEvents, key: Buffer.from(productId), value: serdes.inventoryEvent.serialize(topics.inventoryEvents, event) as Buffer, timestamp: BigInt(window) };
  }));
  // Product i (1-based) sells i units at i × 100 cents: revenue 100 i², highest for the last.
  await produce(products.map((productId, i) => {
    const event: OrderEvent = { type: 'OrderPaid', eventId: `o-${i}:PAID`, orderId: `o-${i}`, customerId: 'c1', status: 'PAID', fromStatus: 'RESERVED', items: [{ productId, quantity: i + 1, unitPriceCents: 100 * (i + 1) }], totalCents: 0, atMs: window + 1_000 + i };
    return { topic: topics.orderEvents, key: Buffer.from(`o-${i}`), value: serdes.orderEvent.serialize(topics.orderEvents, event) as Buffer, timestamp: BigInt(window + 1_000 + i) };
  }));
  const units = (PRODUCTS * (PRODUCTS + 1)) / 2;
  const revenue = products.reduce((sum, _p, i) => sum + 100 * (i + 1) ** 2, 0);

  // Both instances in the group, each hosting part of the store, as each of them sees it.
  const hosting = (service: RunningService): number => service.streams.streamsMetadataForStore(Stores.salesByProduct).filter((m) => m.topicPartitions.length > 0).length;
  for (const deadline = Date.now() + 90_000; !instances.every(({ service }) => hosting(service) === 2 && service.streams.state === 'RUNNING');) {
    if (Date.now() > deadline) assert.fail(`both instances hosting ${Stores.salesByProduct}: not within 90 s; hosts seen ${instances.map(({ service }) => hosting(service)).join(', ')}`);
    await sleep(250);
  }

  const request = { fromMs: window, toMs: window + HOUR, groupBy: 'product', top: 3 };
  const ask = async (endpoint: string): Promise<SalesReportMessage> => {
    const deadline = Date.now() + 90_000;
    let last: string;
    for (;;) {
      try {
        const report = await peers.unary<object, SalesReportMessage>(endpoint, getSales, request, auth(admin));
        if (report.windows[0]?.units === units) return report;
        last = JSON.stringify(report);
      } catch (error) {
        const status = error as grpc.ServiceError;
        if (status.code !== grpc.status.UNAVAILABLE) throw error;
        last = status.details;
      }
      if (Date.now() > deadline) assert.fail(`GetSales at ${endpoint} with all ${units} units: not within 90 s; last ${last}`);
      await sleep(250);
    }
  };
  for (const { server, service } of instances) {
    const report = await ask(server.endpoint);
    assert.equal(report.windows.length, 1);
    const answer = report.windows[0];
    assert.deepEqual([answer?.startMs, answer?.endMs, answer?.units, answer?.revenueCents, answer?.keys], [window, window + HOUR, units, revenue, PRODUCTS]);
    assert.deepEqual(answer?.entries.map((e) => [e.key, e.name, e.units, e.revenueCents]), [
      ['p-8', 'Product 8', 8, 6_400],
      ['p-7', 'Product 7', 7, 4_900],
      ['p-6', 'Product 6', 6, 3_600],
    ]);
    // The answer needed both instances: each hosts part of the store.
    assert.equal(hosting(service), 2);
  }

  const endpoint = instances[0]?.server.endpoint as string;
  const code = (metadata: grpc.Metadata, body: object = request): Promise<grpc.status> => peers.unary(endpoint, getSales, body, metadata).then(() => grpc.status.OK, (error: grpc.ServiceError) => error.code);
  assert.equal(await code(auth(customer)), grpc.status.PERMISSION_DENIED);
  assert.equal(await code(new grpc.Metadata()), grpc.status.UNAUTHENTICATED);
  assert.equal(await code(auth(admin), { ...request, groupBy: 'customer' }), grpc.status.INVALID_ARGUMENT);
  assert.equal(await code(auth(admin), { ...request, fromMs: window + 1, toMs: window }), grpc.status.INVALID_ARGUMENT);
});
