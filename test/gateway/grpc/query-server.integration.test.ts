import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { signToken } from '../../../gateway/auth/jwt.ts';
import { PeerClients, type Method } from '../../../gateway/grpc/peer-clients.ts';
import { queryServices, type OrderEventMessage, type OrderMessage } from '../../../gateway/grpc/proto.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Stores } from '../../../topologies/ecommerce/contracts/stores.ts';
import type { OrderStatus } from '../../../topologies/ecommerce/contracts/views.ts';
import { createTopics, produce, uniqueName, waitForState } from '../../processors/client/helpers.ts';
import { orderRecord, orderView, ordersTopology, startInstance, type AppInstance } from '../support/orders-app.ts';

const PARTITIONS = 4;
const ORDERS = 24;
const SECRET = 'query-server-test-secret-0123456789';
const TOKEN = await signToken({ sub: 'ops', role: 'admin', lifetimeS: 3_600 }, SECRET);
const LIFECYCLE: readonly OrderStatus[] = ['PENDING', 'RESERVED', 'PAID', 'SHIPPED', 'COMPLETED'];

const services = queryServices();
const getOrder = services.OrderQueries.service['GetOrder'] as Method;
const watchOrder = services.OrderQueries.service['WatchOrder'] as Method;
const storeGet = services.StoreQueries.service['Get'] as Method;
const storeRange = services.StoreQueries.service['Range'] as Method;
const peers = new PeerClients({ deadlineMs: 5_000 });

const auth = (token = TOKEN): grpc.Metadata => {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};

/** The gRPC status a call ended with (OK = 0), and its answer. */
async function attempt<T extends object>(endpoint: string, method: Method, request: object, metadata = auth()): Promise<{ code: grpc.status; value?: T }> {
  try {
    return { code: grpc.status.OK, value: await peers.unary<object, T>(endpoint, method, request, metadata) };
  } catch (error) {
    return { code: (error as { code: grpc.status }).code };
  }
}

/** Retries UNAVAILABLE (as a client should) until the call answers; returns how many retries it took. */
async function retrying<T extends object>(endpoint: string, method: Method, request: object): Promise<{ code: grpc.status; value?: T; retries: number }> {
  const deadline = Date.now() + 60_000;
  for (let retries = 0; ; retries++) {
    const result = await attempt<T>(endpoint, method, request);
    if (result.code !== grpc.status.UNAVAILABLE || Date.now() > deadline) return { ...result, retries };
    await sleep(20);
  }
}

function watch(endpoint: string, orderId: string): { events: OrderEventMessage[]; done: Promise<grpc.status> } {
  const events: OrderEventMessage[] = [];
  const stream = peers.serverStream<object, OrderEventMessage>(endpoint, watchOrder, { orderId, fromIndex: 0, awaitCreationMs: 30_000 }, auth());
  stream.on('data', (event: OrderEventMessage) => events.push(event));
  const done = new Promise<grpc.status>((resolve) => {
    stream.on('error', (error: grpc.ServiceError) => resolve(error.code));
    stream.on('end', () => resolve(grpc.status.OK));
  });
  return { events, done };
}

async function progress(topic: string, orderId: string, customerId: string, pauseMs: number): Promise<void> {
  for (let n = 2; n <= LIFECYCLE.length; n++) {
    await produce([orderRecord(topic, orderView(orderId, customerId, LIFECYCLE.slice(0, n)))]);
    await sleep(pauseMs);
  }
}

test('gRPC queries: every instance answers every key, NOT_FOUND/INVALID_ARGUMENT/UNAUTHENTICATED, UNAVAILABLE during a rebalance then success on retry, watches deliver each transition once', { timeout: 240_000 }, async (t) => {
  const input = uniqueName('kst-gw-iq-orders');
  const applicationId = uniqueName('kst-gw-iq');
  await createTopics([{ name: input, partitions: PARTITIONS }]);
  const instances: AppInstance[] = [];
  t.after(async () => {
    await Promise.all(instances.map((i) => i.close()));
    peers.close();
  });
  const start = async (): Promise<AppInstance> => {
    const instance = await startInstance(ordersTopology(input), applicationId, { secret: SECRET });
    instances.push(instance);
    return instance;
  };
  const [a, b] = [await start(), await start()] as [AppInstance, AppInstance];
  const ids = Array.from({ length: ORDERS }, (_, i) => `o-${i}`);
  await produce(ids.map((id) => orderRecord(input, orderView(id, `c-${id}`, ['PENDING']))));
  await waitForState(a.streams, 'RUNNING');
  await waitForState(b.streams, 'RUNNING');

  await t.test('both instances answer every key, forwarding to the owner', async () => {
    const owners = new Set<string>();
    for (const id of ids) {
      for (const instance of [a, b]) {
        const answer = await retrying<OrderMessage>(instance.server.endpoint, getOrder, { orderId: id });
        assert.equal(answer.code, grpc.status.OK, `${id} through ${instance.server.endpoint}`);
        assert.equal(answer.value?.orderId, id);
        assert.equal(answer.value?.status, 'PENDING');
        assert.deepEqual(answer.value?.items, [{ productId: 'p-1', quantity: 2, unitPriceCents: 450 }]);
      }
      const meta = a.streams.queryMetadataForKey(Stores.orders, id, Serdes.String());
      owners.add(`${meta.activeHost.host}:${meta.activeHost.port}`);
    }
    assert.deepEqual([...owners].sort(), [a.server.endpoint, b.server.endpoint].sort(), 'keys live on both instances, so half the calls were forwarded');
    const generic = await attempt<{ valueJson: string }>(b.server.endpoint, storeGet, { store: Stores.orders, keyJson: JSON.stringify(ids[0]) });
    assert.equal(generic.code, grpc.status.OK);
    assert.equal((JSON.parse(generic.value?.valueJson ?? '{}') as { orderId: string }).orderId, ids[0]);
    const range = await attempt<{ entries: Array<{ keyJson: string }>; truncated: boolean }>(a.server.endpoint, storeRange, { store: Stores.orders, limit: 1000 });
    assert.equal(range.code, grpc.status.OK);
    assert.deepEqual(range.value?.entries.map((e) => JSON.parse(e.keyJson) as string), [...ids].sort(), 'a range merges both instances\' copies in key order');
  });

  await t.test('status codes', async () => {
    for (const instance of [a, b]) {
      assert.equal((await attempt(instance.server.endpoint, getOrder, { orderId: 'no-such-order' })).code, grpc.status.NOT_FOUND);
      assert.equal((await attempt(instance.server.endpoint, getOrder, { orderId: '' })).code, grpc.status.INVALID_ARGUMENT);
      assert.equal((await attempt(instance.server.endpoint, storeGet, { store: 'no-such-store', keyJson: '"k"' })).code, grpc.status.INVALID_ARGUMENT);
      assert.equal((await attempt(instance.server.endpoint, storeGet, { store: Stores.orders, keyJson: '{bad' })).code, grpc.status.INVALID_ARGUMENT);
      assert.equal((await attempt(instance.server.endpoint, getOrder, { orderId: ids[0] }, new grpc.Metadata())).code, grpc.status.UNAUTHENTICATED);
      assert.equal((await attempt(instance.server.endpoint, getOrder, { orderId: ids[0] }, auth('wrong'))).code, grpc.status.UNAUTHENTICATED);
    }
  });

  await t.test('a watch through a non-owner delivers each transition once, then ends', async () => {
    const orderId = 'o-watched';
    const meta = a.streams.queryMetadataForKey(Stores.orders, orderId, Serdes.String());
    const viaOther = `${meta.activeHost.host}:${meta.activeHost.port}` === a.server.endpoint ? b : a;
    const watching = watch(viaOther.server.endpoint, orderId); // before the order exists: it waits for it
    await produce([orderRecord(input, orderView(orderId, 'c-w', ['PENDING']))]);
    await sleep(300);
    // Two changes between polls must still give two events.
    await produce([orderRecord(input, orderView(orderId, 'c-w', LIFECYCLE.slice(0, 2))), orderRecord(input, orderView(orderId, 'c-w', LIFECYCLE.slice(0, 3)))]);
    await progress(input, orderId, 'c-w', 100);
    assert.equal(await watching.done, grpc.status.OK);
    assert.deepEqual(watching.events.map((e) => [e.index, e.transition.status, e.final]), LIFECYCLE.map((s, i) => [i, s, s === 'COMPLETED']));
  });

  await t.test('a third instance joins: queries meet UNAVAILABLE and succeed on retry; a watch across the rebalance stays exactly-once', async () => {
    const orderId = 'o-rebalance';
    await produce([orderRecord(input, orderView(orderId, 'c-r', ['PENDING']))]);
    const watching = watch(a.server.endpoint, orderId);
    const c = await start();
    const progressing = progress(input, orderId, 'c-r', 1_000);
    let unavailable = 0;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      for (const id of ids.slice(0, 4)) {
        const first = await attempt<OrderMessage>(a.server.endpoint, getOrder, { orderId: id });
        if (first.code === grpc.status.UNAVAILABLE) {
          unavailable++;
          const retried = await retrying<OrderMessage>(a.server.endpoint, getOrder, { orderId: id });
          assert.equal(retried.code, grpc.status.OK, `${id} answers after the retries`);
          assert.equal(retried.value?.orderId, id);
        } else {
          assert.equal(first.code, grpc.status.OK);
        }
      }
      if (unavailable > 0 && instances.every((i) => i.streams.state === 'RUNNING') && c.streams.localThreadsMetadata().some((th) => th.activeTasks.length > 0)) break;
      await sleep(10);
    }
    assert.ok(unavailable > 0, 'some query met the rebalance');
    await progressing;
    assert.equal(await watching.done, grpc.status.OK);
    assert.deepEqual(watching.events.map((e) => [e.index, e.transition.status]), LIFECYCLE.map((s, i) => [i, s]), 'each transition once, in order');
    for (const instance of [a, b, c]) {
      const answer = await retrying<OrderMessage>(instance.server.endpoint, getOrder, { orderId: ids[5] });
      assert.equal(answer.value?.orderId, ids[5], `the new instance answers too (${instance.server.endpoint})`);
    }
  });
});
