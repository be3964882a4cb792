import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { signToken, type Role } from '../../../gateway/auth/jwt.ts';
import { gatewayConfig } from '../../../gateway/config.ts';
import { startGateway, type Gateway } from '../../../gateway/gateway.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import { AvroSerde } from '../../../schemas/serdes/avro.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { fromAvroRecord } from '../../../topologies/ecommerce/contracts/avro-records.ts';
import type { OrderStatus } from '../../../topologies/ecommerce/contracts/views.ts';
import { bootstrap, createTopics, produce, readUntil, uniqueName } from '../../processors/client/helpers.ts';
import { orderRecord, orderView, ordersTopology, startInstance, type AppInstance } from '../support/orders-app.ts';

const secret = 'integration-secret-0123456789-abcdef';
const bearer = async (sub: string, role: Role): Promise<string> => `Bearer ${await signToken({ sub, role }, secret)}`;
const alice = await bearer('alice', 'customer');
const bob = await bearer('bob', 'customer');
const admin = await bearer('ops', 'admin');
const item = { productId: 'p-1', quantity: 2, unitPriceCents: 450 };

async function call(gateway: Gateway, method: string, path: string, authorization?: string, body?: string | object, headers: Record<string, string> = {}) {
  const response = await fetch(`${gateway.url}${path}`, {
    method,
    headers: { ...(authorization === undefined ? {} : { authorization }), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown> };
}

/** Every command on a topic, decoded from Avro, after a quiet period that would show extras. */
async function commandsOn(topic: string, expected: number): Promise<Array<{ key: string; value: Record<string, unknown> }>> {
  const records = await readUntil(topic, (r) => r.length >= expected, { timeoutMs: 30_000, quietMs: 2_000 });
  const serde = await AvroSerde.create<Record<string, unknown>>(new RegistryClient({ url: endpoints(loadStackConfig()).registryUrl }));
  await serde.prepare(topic, records.map((r) => r.value));
  return records.map((r) => ({ key: r.key?.toString('utf8') ?? '', value: JSON.parse(JSON.stringify(fromAvroRecord<Record<string, unknown>>(serde.deserialize(topic, r.value) as Record<string, unknown>))) as Record<string, unknown> }));
}

test('gateway against Kafka, the registry and a gRPC query server: 400/401/403 produce nothing, an Idempotency-Key produces one command, reads and events come through gRPC', { timeout: 180_000 }, async (t) => {
  const prefix = `${uniqueName('kst-gw')}.`;
  const input = uniqueName('kst-gw-order-views');
  const topics = { order: `${prefix}orders.commands`, inventory: `${prefix}inventory.commands`, customer: `${prefix}customers.commands` };
  await createTopics([{ name: input, partitions: 2 }, ...Object.values(topics).map((name) => ({ name, partitions: 2 }))]);
  const instance: AppInstance = await startInstance(ordersTopology(input, { customerOrders: true }), uniqueName('kst-gw-orders'), { secret });
  const gateway = await startGateway(gatewayConfig.parse({
    'http.port': 0,
    'jwt.secret': secret,
    'topic.prefix': prefix,
    'kafka.bootstrap.servers': bootstrap(),
    'registry.url': endpoints(loadStackConfig()).registryUrl,
    'order.query.endpoints': instance.server.endpoint,
    'sse.heartbeat.ms': 1_000,
  }), { logger: false });
  t.after(async () => {
    await gateway.close();
    await instance.close();
  });
  await produce([orderRecord(input, orderView('o-1', 'alice', ['PENDING']))]);

  await t.test('rejected requests: 400 with a message, 401, 403', async () => {
    const invalid: Array<[string, string, string | object, RegExp]> = [
      ['POST', '/orders', '{"items": [', /not valid JSON/],
      ['POST', '/orders', {}, /required property 'items'/],
      ['POST', '/orders', { items: [{ ...item, quantity: 'two' }] }, /quantity must be integer/],
      ['POST', '/orders', { items: [{ ...item, quantity: -1 }] }, /quantity must be >= 1/],
      ['POST', '/customers/alice/deposits', { amountCents: 0 }, /amountCents must be >= 1/],
      ['POST', '/customers', { name: 'Alice', email: 42 }, /email must be string/],
    ];
    for (const [method, path, body, message] of invalid) {
      const response = await call(gateway, method, path, alice, body);
      assert.equal(response.status, 400, `${path} ${JSON.stringify(body)}`);
      assert.match(String(response.body['message']), message);
    }
    const restockNegative = await call(gateway, 'PUT', '/products/p-1', admin, { restockQuantity: -5 });
    assert.equal(restockNegative.status, 400);
    assert.equal((await call(gateway, 'POST', '/orders', undefined, { items: [item] })).status, 401);
    assert.equal((await call(gateway, 'PUT', '/products/p-1', undefined, { restockQuantity: 5 })).status, 401);
    assert.equal((await call(gateway, 'PUT', '/products/p-1', alice, { restockQuantity: 5 })).status, 403);
    assert.equal((await call(gateway, 'POST', '/customers/alice/deposits', bob, { amountCents: 100 })).status, 403);
    assert.equal((await call(gateway, 'POST', '/orders', bob, { customerId: 'alice', items: [item] })).status, 403);
  });

  let orderId = '';
  let orderCommandId = '';
  let productCommandId = '';
  await t.test('the same Idempotency-Key twice: the same 202, one command', async () => {
    const first = await call(gateway, 'POST', '/orders', alice, { items: [item] }, { 'idempotency-key': 'order-attempt-1' });
    const retried = await call(gateway, 'POST', '/orders', alice, { items: [item] }, { 'idempotency-key': 'order-attempt-1' });
    assert.equal(first.status, 202);
    assert.deepEqual(retried.body, first.body);
    orderId = String(first.body['orderId']);
    orderCommandId = String(first.body['commandId']);
    assert.equal(first.headers.get('location'), `/orders/${orderId}`);
    const restock = await call(gateway, 'PUT', '/products/p-1', admin, { name: 'Tea', priceCents: 450, restockQuantity: 10 }, { 'idempotency-key': 'restock-1' });
    assert.equal(restock.status, 202);
    assert.deepEqual((await call(gateway, 'PUT', '/products/p-1', admin, { name: 'Tea', priceCents: 450, restockQuantity: 10 }, { 'idempotency-key': 'restock-1' })).body, restock.body);
    productCommandId = String(restock.body['commandId']);
    assert.equal((await call(gateway, 'POST', '/customers/alice/deposits', admin, { amountCents: 5_000 })).status, 202);
  });

  await t.test('reads come from the store through gRPC; another customer\'s order is 403', async () => {
    let read = await call(gateway, 'GET', '/orders/o-1', alice);
    for (const deadline = Date.now() + 30_000; read.status !== 200 && Date.now() < deadline; read = await call(gateway, 'GET', '/orders/o-1', alice)) await sleep(200);
    assert.equal(read.status, 200);
    assert.equal(read.body['customerId'], 'alice');
    assert.equal((await call(gateway, 'GET', '/orders/o-1', bob)).status, 403);
    assert.equal((await call(gateway, 'GET', '/orders/o-404', alice)).status, 404);
    let list = await call(gateway, 'GET', '/customers/alice/orders', alice);
    for (const deadline = Date.now() + 30_000; (list.body['orders'] as unknown[]).length === 0 && Date.now() < deadline; list = await call(gateway, 'GET', '/customers/alice/orders', alice)) await sleep(200);
    assert.deepEqual((list.body['orders'] as Array<{ orderId: string }>).map((o) => o.orderId), ['o-1']);
    assert.equal((await call(gateway, 'GET', '/customers/alice/orders', bob)).status, 403);
    assert.equal((await call(gateway, 'POST', '/orders/o-1/cancel', bob)).status, 403);
  });

  await t.test('GET /orders/:id/events streams each transition once and ends at the final status', async () => {
    const response = await fetch(`${gateway.url}/orders/o-1/events`, { headers: { authorization: alice } });
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/event-stream/);
    const statuses: OrderStatus[] = ['PENDING', 'RESERVED', 'PAID', 'SHIPPED', 'COMPLETED'];
    const producing = (async () => {
      for (let n = 2; n <= statuses.length; n++) {
        await sleep(200);
        await produce([orderRecord(input, orderView('o-1', 'alice', statuses.slice(0, n)))]);
      }
    })();
    const text = await response.text(); // the server ends the stream after the final transition
    await producing;
    const events = text.split('\n\n').filter((frame) => frame.startsWith('event: transition')).map((frame) => JSON.parse(frame.split('\ndata: ')[1] ?? '{}') as { index: number; status: string; final: boolean });
    assert.deepEqual(events.map((e) => [e.index, e.status, e.final]), statuses.map((s, i) => [i, s, s === 'COMPLETED']));
  });

  await t.test('on the topics: one command per accepted request, none from rejected ones', async () => {
    const orders = await commandsOn(topics.order, 1);
    assert.equal(orders.length, 1, 'one CreateOrder for two requests with the same key');
    assert.equal(orders[0]?.key, orderId);
    assert.deepEqual(orders[0]?.value, { type: 'CreateOrder', commandId: orderCommandId, orderId, customerId: 'alice', issuedAtMs: orders[0]?.value['issuedAtMs'], items: [item] });
    const inventory = await commandsOn(topics.inventory, 1);
    assert.deepEqual(inventory.map((c) => [c.key, c.value['type'], c.value['commandId'], c.value['restockQuantity']]), [['p-1', 'UpsertProduct', productCommandId, 10]]);
    const customers = await commandsOn(topics.customer, 1);
    assert.deepEqual(customers.map((c) => [c.key, c.value['type'], c.value['amountCents']]), [['alice', 'Deposit', 5_000]]);
  });
});
