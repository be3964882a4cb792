/**
 * The query servers apply the gateway's rules over gRPC, against two real instances (so
 * half the keys are forwarded): no token is UNAUTHENTICATED; a customer reads its own
 * order, order list and customer only, and no store by name (PERMISSION_DENIED); admins
 * and the service identity read everything; a forwarded call carries the caller's token,
 * so a forged forwarded mark gains nothing; watches are capped per caller.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import * as grpc from '@grpc/grpc-js';
import { signToken, type Role } from '../../../gateway/auth/jwt.ts';
import { PeerClients, type Method } from '../../../gateway/grpc/peer-clients.ts';
import { FORWARDED_HEADER, queryServices, type OrderEventMessage, type OrderMessage } from '../../../gateway/grpc/proto.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Stores } from '../../../topologies/ecommerce/contracts/stores.ts';
import { createTopics, produce, uniqueName, waitForState } from '../../processors/client/helpers.ts';
import { customerRecord, orderRecord, orderView, ordersTopology, startInstance, type AppInstance } from '../support/orders-app.ts';

const SECRET = 'query-authorization-secret-0123456789';
const services = queryServices();
const method = (service: keyof typeof services, name: string): Method => services[service].service[name] as Method;
const getOrder = method('OrderQueries', 'GetOrder');
const listOrders = method('OrderQueries', 'ListCustomerOrders');
const watchOrder = method('OrderQueries', 'WatchOrder');
const getCustomer = method('CustomerQueries', 'GetCustomer');
const storeGet = method('StoreQueries', 'Get');
const storeRange = method('StoreQueries', 'Range');
const peers = new PeerClients({ deadlineMs: 5_000 });

const token = (sub: string, role: Role): Promise<string> => signToken({ sub, role, lifetimeS: 3_600 }, SECRET);
const TOKENS = { alice: await token('alice', 'customer'), bob: await token('bob', 'customer'), admin: await token('ops', 'admin'), service: await token('gateway', 'service') };

function as(bearer: string | undefined, extra: Record<string, string> = {}): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (bearer !== undefined) metadata.set('authorization', `Bearer ${bearer}`);
  for (const [key, value] of Object.entries(extra)) metadata.set(key, value);
  return metadata;
}

/** The call's status (OK = 0) and answer, retrying UNAVAILABLE for up to 60 s (a rebalance). */
async function call<T extends object>(endpoint: string, target: Method, request: object, metadata: grpc.Metadata): Promise<{ code: grpc.status; details?: string; value?: T }> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return { code: grpc.status.OK, value: await peers.unary<object, T>(endpoint, target, request, metadata) };
    } catch (error) {
      const { code, details } = error as grpc.ServiceError;
      if (code !== grpc.status.UNAVAILABLE || Date.now() > deadline) return { code, details };
      await sleep(50);
    }
  }
}

/** A watch: its events and how it ended. */
function watch(endpoint: string, orderId: string, metadata: grpc.Metadata) {
  const events: OrderEventMessage[] = [];
  const stream = peers.serverStream<object, OrderEventMessage>(endpoint, watchOrder, { orderId, fromIndex: 0, awaitCreationMs: 10_000 }, metadata);
  stream.on('data', (event: OrderEventMessage) => events.push(event));
  const done = new Promise<{ code: grpc.status; details: string }>((resolve) => {
    stream.on('error', (error: grpc.ServiceError) => resolve({ code: error.code, details: error.details }));
    stream.on('end', () => resolve({ code: grpc.status.OK, details: '' }));
  });
  return { events, done, cancel: () => stream.cancel() };
}

test('gRPC authorization: the HTTP rules over the query servers, forwarded calls included', { timeout: 240_000 }, async (t) => {
  const input = uniqueName('kst-gw-authz-orders');
  const customersTopic = uniqueName('kst-gw-authz-customers');
  const applicationId = uniqueName('kst-gw-authz');
  await createTopics([{ name: input, partitions: 4 }, { name: customersTopic, partitions: 4 }]);
  const instances: AppInstance[] = [];
  t.after(async () => {
    await Promise.all(instances.map((i) => i.close()));
    peers.close();
  });
  for (let i = 0; i < 2; i++) instances.push(await startInstance(ordersTopology(input, { customerOrders: true, customersTopic }), applicationId, { secret: SECRET, watchMaxPerCaller: 1 }));
  const [a, b] = instances as [AppInstance, AppInstance];
  const orders = Array.from({ length: 8 }, (_, i) => orderView(`o-${i}`, i % 2 === 0 ? 'alice' : 'bob', ['PENDING']));
  await produce(orders.map((view) => orderRecord(input, view)));
  await produce(['alice', 'bob'].map((customerId) => customerRecord(customersTopic, { customerId, name: customerId, email: `${customerId}@x.org`, balanceCents: 100, depositedCents: 100, updatedAtMs: 1 })));
  await waitForState(a.streams, 'RUNNING');
  await waitForState(b.streams, 'RUNNING');
  /** The instance that does not own `orderId`, so a call through it is forwarded. */
  const nonOwner = (orderId: string): AppInstance => {
    const meta = a.streams.queryMetadataForKey(Stores.orders, orderId, Serdes.String());
    return `${meta.activeHost.host}:${meta.activeHost.port}` === a.server.endpoint ? b : a;
  };
  const owner = (orderId: string): AppInstance => (nonOwner(orderId) === a ? b : a);

  await t.test('no token is UNAUTHENTICATED, on every method', async () => {
    for (const [target, request] of [[getOrder, { orderId: 'o-0' }], [getCustomer, { customerId: 'alice' }], [storeRange, { store: Stores.customers }], [storeGet, { store: Stores.orders, keyJson: '"o-0"' }]] as const) {
      assert.equal((await call(a.server.endpoint, target, request, as(undefined))).code, grpc.status.UNAUTHENTICATED, target.path);
    }
  });

  await t.test('a customer reads its own orders, list and customer, through either instance; another customer\'s is PERMISSION_DENIED', async () => {
    for (const view of orders) {
      const mine = view.customerId === 'alice';
      for (const via of [owner(view.orderId), nonOwner(view.orderId)]) {
        const answer = await call<OrderMessage>(via.server.endpoint, getOrder, { orderId: view.orderId }, as(TOKENS.alice));
        assert.equal(answer.code, mine ? grpc.status.OK : grpc.status.PERMISSION_DENIED, `${view.orderId} (${view.customerId}) via ${via === owner(view.orderId) ? 'owner' : 'non-owner'}: ${answer.details ?? ''}`);
        if (mine) assert.equal(answer.value?.orderId, view.orderId);
      }
    }
    // The list is an aggregation behind a repartition topic: it fills up a little later.
    let listed: string[] = [];
    for (const deadline = Date.now() + 30_000; listed.length < 4 && Date.now() < deadline; await sleep(100)) {
      const list = await call<{ orders: OrderMessage[] }>(b.server.endpoint, listOrders, { customerId: 'alice' }, as(TOKENS.alice));
      assert.equal(list.code, grpc.status.OK, list.details);
      listed = (list.value?.orders ?? []).map((o) => o.orderId).sort();
    }
    assert.deepEqual(listed, ['o-0', 'o-2', 'o-4', 'o-6'], 'alice lists her four orders within 30 s');
    assert.equal((await call(b.server.endpoint, listOrders, { customerId: 'bob' }, as(TOKENS.alice))).code, grpc.status.PERMISSION_DENIED);
    for (const instance of [a, b]) {
      assert.equal((await call(instance.server.endpoint, getCustomer, { customerId: 'alice' }, as(TOKENS.alice))).code, grpc.status.OK);
      assert.equal((await call(instance.server.endpoint, getCustomer, { customerId: 'bob' }, as(TOKENS.alice))).code, grpc.status.PERMISSION_DENIED);
    }
  });

  await t.test('stores by name: Range on customers and Get are PERMISSION_DENIED for a customer, answered for admin and the service identity', async () => {
    for (const instance of [a, b]) {
      const denied = await call(instance.server.endpoint, storeRange, { store: Stores.customers, limit: 100 }, as(TOKENS.alice));
      assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
      assert.match(denied.details ?? '', /only an admin or the platform's service identity/);
      assert.equal((await call(instance.server.endpoint, storeGet, { store: Stores.customers, keyJson: '"alice"' }, as(TOKENS.alice))).code, grpc.status.PERMISSION_DENIED, 'not even its own key by store name');
    }
    for (const bearer of [TOKENS.admin, TOKENS.service]) {
      const range = await call<{ entries: Array<{ keyJson: string }> }>(a.server.endpoint, storeRange, { store: Stores.customers, limit: 100 }, as(bearer));
      assert.equal(range.code, grpc.status.OK);
      assert.deepEqual(range.value?.entries.map((e) => JSON.parse(e.keyJson) as string), ['alice', 'bob'], 'both instances\' copies, merged');
    }
  });

  await t.test('a forged forwarded mark gains nothing: the owner checks the caller\'s token itself', async () => {
    const bobs = orders.find((o) => o.customerId === 'bob') as (typeof orders)[number];
    const forged = { [FORWARDED_HEADER]: '1' };
    assert.equal((await call(owner(bobs.orderId).server.endpoint, getOrder, { orderId: bobs.orderId }, as(TOKENS.alice, forged))).code, grpc.status.PERMISSION_DENIED);
    assert.equal((await call(owner(bobs.orderId).server.endpoint, getOrder, { orderId: bobs.orderId }, as(undefined, forged))).code, grpc.status.UNAUTHENTICATED);
    assert.equal((await call(a.server.endpoint, storeRange, { store: Stores.customers }, as(TOKENS.alice, forged))).code, grpc.status.PERMISSION_DENIED);
  });

  await t.test('watches: another customer\'s order is PERMISSION_DENIED; one open watch per caller here, the next RESOURCE_EXHAUSTED', async () => {
    const bobs = watch(nonOwner('o-1').server.endpoint, 'o-1', as(TOKENS.alice));
    const denied = await bobs.done;
    assert.equal(denied.code, grpc.status.PERMISSION_DENIED, denied.details);
    const mine = watch(nonOwner('o-0').server.endpoint, 'o-0', as(TOKENS.alice));
    for (const deadline = Date.now() + 30_000; mine.events.length === 0;) {
      if (Date.now() > deadline) assert.fail('alice\'s watch of o-0 sent no event within 30 s');
      await sleep(20);
    }
    assert.equal(mine.events[0]?.order.orderId, 'o-0');
    const second = watch(nonOwner('o-0').server.endpoint, 'o-0', as(TOKENS.alice));
    const exhausted = await second.done;
    assert.equal(exhausted.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(exhausted.details, /event streams open/);
    mine.cancel();
    await mine.done;
    // The slot comes back once the server sees the cancel.
    for (const deadline = Date.now() + 10_000; ;) {
      const again = watch(nonOwner('o-0').server.endpoint, 'o-0', as(TOKENS.alice));
      await sleep(200);
      again.cancel();
      const ended = await again.done;
      if (ended.code === grpc.status.CANCELLED && again.events.length > 0) break;
      if (Date.now() > deadline) assert.fail(`a new watch after the cancel still ends with ${grpc.status[ended.code]} (${ended.details})`);
    }
  });
});
