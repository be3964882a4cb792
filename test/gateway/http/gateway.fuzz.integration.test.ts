/**
 * The gateway fuzz against the real servers: a gateway started from its config produces
 * to Kafka through the real command publisher (schemas in the registry) and reads through
 * gRPC from a streams application holding the orders, customer-orders, products and
 * customers stores. A bounded number of fuzzed requests go over HTTP, one at a time; around
 * each, the end offsets of the three command topics are read: they must not move for a
 * request that was not accepted and move by one on the route's topic for an accepted one
 * (none for a replay). After the gateway closed (its producer flushed), the topics hold
 * exactly the accepted commands. The per-answer rules are those of the unit fuzz
 * (`../support/fuzz-checks.ts`); fixed seed, replayed with FUZZ_SEED and FUZZ_PATH.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { Client } from 'undici';
import type { CommandKind } from '../../../gateway/commands/command-publisher.ts';
import { gatewayConfig } from '../../../gateway/config.ts';
import { startGateway } from '../../../gateway/gateway.ts';
import { productsIndex } from '../../../topologies/ecommerce/contracts/product-search-index.ts';
import { PartitionReader } from '../../../processors/kafka/index.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Consumed, Grouped, Materialized, StreamsBuilder, keyValue, type Topology } from '../../../processors/dsl/index.ts';
import { Stores } from '../../../topologies/ecommerce/contracts/stores.ts';
import type { CartView } from '../../../topologies/ecommerce/contracts/carts.ts';
import type { CustomerView, OrderView, ProductView } from '../../../topologies/ecommerce/contracts/views.ts';
import { bootstrap, clientConfig, createTopics, produce, uniqueName } from '../../processors/client/helpers.ts';
import { checkAnswer, fuzzParameters, type Answer, type Produced } from '../support/fuzz-checks.ts';
import { fuzzRequests, nearlyValidWrites, wellFormedRequests, type Caller, type FuzzRequest, type KnownIds } from '../support/fuzz-requests.ts';
import { orderRecord, orderView, startInstance } from '../support/orders-app.ts';
import { bearer, forgedTokens } from '../support/tokens.ts';

const secret = 'fuzz-integration-secret-0123456789';
const bodyLimit = 65_536;
const PARTITIONS = 2;
// o-1 and o-2 are final (their event streams end), o-3 is in flight (its stream runs until the client leaves).
const ids: KnownIds = { orders: ['o-1', 'o-2', 'o-3', 'o-404'], products: ['p-1', 'p-404'], customers: ['alice', 'bob', 'ops'], carts: ['cart-1', 'cart-2', 'cart-404'] };
const ANSWER_WITHIN_MS = 5_000;

const S = Serdes.String();

/** The stores the gateway reads, each from a topic of views (JSON). */
function viewsTopology(topics: { orders: string; products: string; customers: string; carts: string }): Topology {
  const builder = new StreamsBuilder();
  builder.table(topics.orders, Consumed.with(S, Serdes.JSON<OrderView>()), Materialized.as<string, OrderView>(Stores.orders))
    .groupBy((orderId, view) => keyValue(view.customerId, orderId), Grouped.with(S, S))
    .aggregate<string[]>(
      () => [],
      (_customer, orderId, list) => (list.includes(orderId) ? list : [...list, orderId]),
      (_customer, orderId, list) => list.filter((id) => id !== orderId),
      Materialized.as<string, string[]>(Stores.customerOrders).withKeySerde(S).withValueSerde(Serdes.JSON<string[]>()),
    );
  builder.table(topics.products, Consumed.with(S, Serdes.JSON<ProductView>()), Materialized.as<string, ProductView>(Stores.products));
  builder.table(topics.customers, Consumed.with(S, Serdes.JSON<CustomerView>()), Materialized.as<string, CustomerView>(Stores.customers));
  builder.table(topics.carts, Consumed.with(S, Serdes.JSON<CartView>()), Materialized.as<string, CartView>(Stores.carts));
  return builder.build();
}

const json = (topic: string, key: string, value: object) => ({ topic, key: Buffer.from(key), value: Buffer.from(JSON.stringify(value)) });

/** Sends over HTTP; every request must be answered (headers) within ANSWER_WITHIN_MS. */
async function send(client: Client, request: FuzzRequest): Promise<Answer> {
  // An undici client sends the path as generated (fetch would normalise it) and allows a GET body.
  const withBody = request.payload !== undefined && request.method !== 'HEAD';
  const response = await client.request({
    path: request.url,
    method: request.method as 'GET',
    headers: request.headers,
    ...(withBody ? { body: request.payload } : {}),
    headersTimeout: ANSWER_WITHIN_MS,
    bodyTimeout: 30_000,
  }).catch((error: unknown) => {
    throw new Error(`${request.method} ${request.url.slice(0, 200)}: no answer within ${ANSWER_WITHIN_MS} ms (${String(error)})`, { cause: error });
  });
  if (String(response.headers['content-type']).startsWith('text/event-stream')) {
    // An order's events: the stream of an order in flight does not end; leaving ends its watch.
    response.body.on('error', () => undefined); // the abort that leaving is
    response.body.destroy();
    return { status: response.statusCode, headers: {}, body: '' };
  }
  const body = await response.body.text();
  const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, value === undefined ? undefined : String(value)]));
  return { status: response.statusCode, headers, body };
}

/** Polls `read` until `ok`, failing with what it waited for. */
async function waitFor(what: string, read: () => Promise<Answer>, ok: (answer: Answer) => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: Answer | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (ok(last)) return;
    await sleep(200);
  }
  assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}; last answer ${last?.status} ${last?.body.slice(0, 200)}`);
}

test('fuzzed requests through a real gateway: the command topics move only for accepted requests', { timeout: 240_000 }, async (t) => {
  const prefix = `${uniqueName('kst-gwfuzz')}.`;
  const commandTopics: Record<CommandKind, string> = { order: `${prefix}orders.commands`, inventory: `${prefix}inventory.commands`, customer: `${prefix}customers.commands`, cart: `${prefix}carts.commands` };
  const views = { orders: uniqueName('kst-gwfuzz-orders'), products: uniqueName('kst-gwfuzz-products'), customers: uniqueName('kst-gwfuzz-customers'), carts: uniqueName('kst-gwfuzz-carts') };
  await createTopics([...Object.values(commandTopics), ...Object.values(views)].map((name) => ({ name, partitions: PARTITIONS })));
  await produce([
    orderRecord(views.orders, orderView('o-1', 'alice', ['PENDING', 'RESERVED', 'PAID', 'SHIPPED', 'COMPLETED'])),
    orderRecord(views.orders, orderView('o-2', 'bob', ['PENDING', 'CANCELLED'])),
    orderRecord(views.orders, orderView('o-3', 'alice', ['PENDING', 'RESERVED'])),
    json(views.products, 'p-1', { productId: 'p-1', name: 'Tea', priceCents: 450, available: 10, reserved: 0, sold: 0, updatedAtMs: 1 } satisfies ProductView),
    ...['alice', 'bob'].map((id, n) => json(views.carts, `cart-${n + 1}`, { cartId: `cart-${n + 1}`, customerId: id, status: 'OPEN', items: [{ productId: 'p-1', name: 'Tea', quantity: 1, unitPriceCents: 450, lineTotalCents: 450 }], itemCount: 1, totalCents: 450, createdAtMs: 1, updatedAtMs: 1 } satisfies CartView)),
    ...['alice', 'bob'].map((id) => json(views.customers, id, { customerId: id, name: id, email: `${id}@x.org`, balanceCents: 0, depositedCents: 0, updatedAtMs: 1 } satisfies CustomerView)),
  ]);
  const instance = await startInstance(viewsTopology(views), uniqueName('kst-gwfuzz-views'), { secret });
  const endpoint = instance.server.endpoint;
  const gateway = await startGateway(gatewayConfig.parse({
    'http.port': 0,
    'http.body.limit.bytes': bodyLimit,
    'jwt.secret': secret,
    'topic.prefix': prefix,
    'kafka.bootstrap.servers': bootstrap(),
    'registry.url': endpoints(loadStackConfig()).registryUrl,
    // An index of its own, never created: GET /products answers no products.
    'search.url': endpoints(loadStackConfig()).opensearchUrl,
    'search.index': productsIndex(prefix),
    'order.query.endpoints': endpoint,
    'inventory.query.endpoints': endpoint,
    'customer.query.endpoints': endpoint,
    'cart.query.endpoints': endpoint,
    'query.retries': 2,
    'query.backoff.ms': 50,
    'rate.limit.burst': 1_000_000,
    'sse.await.creation.ms': 0,
  }), { logger: false });
  const reader = new PartitionReader(clientConfig('kst-gwfuzz-offsets'));
  const client = new Client(gateway.url);
  let gatewayOpen = true;
  t.after(async () => {
    await client.close();
    await reader.close();
    if (gatewayOpen) await gateway.close();
    await instance.close();
  });

  const partitions = Object.values(commandTopics).flatMap((topic) => Array.from({ length: PARTITIONS }, (_, partition) => ({ topic, partition })));
  const ends = async (): Promise<Record<CommandKind, number>> => {
    const offsets = await reader.endOffsets(partitions);
    const total = (topic: string): number => offsets.filter((o) => o.topic === topic).reduce((sum, o) => sum + Number(o.offset), 0);
    return { order: total(commandTopics.order), inventory: total(commandTopics.inventory), customer: total(commandTopics.customer), cart: total(commandTopics.cart) };
  };

  const tokens: Record<Caller, string> = { alice: await bearer('alice', 'customer', secret), bob: await bearer('bob', 'customer', secret), ops: await bearer('ops', 'admin', secret) };
  const get = (path: string) => () => send(client, { route: { method: 'GET', url: path }, method: 'GET', url: path, headers: { authorization: tokens.ops } });
  for (const path of ['/orders/o-1', '/orders/o-2', '/orders/o-3', '/customers/alice/orders', '/products/p-1', '/customers/alice', '/customers/bob']) {
    await waitFor(`GET ${path} to answer 200 from the views application`, get(path), (a) => a.status === 200);
  }

  const expected: Record<CommandKind, number> = { order: 0, inventory: 0, customer: 0, cart: 0 };
  const tally = { accepted: 0, refused: 0 };
  const options = { tokens, forged: await forgedTokens(secret), ids, bodyLimit };
  const requests = fc.oneof({ weight: 2, arbitrary: fuzzRequests(options) }, { weight: 1, arbitrary: wellFormedRequests(options) }, { weight: 1, arbitrary: nearlyValidWrites(options) });
  await fc.assert(fc.asyncProperty(requests, async (request) => {
    const before = await ends();
    const answer = await send(client, request);
    const after = await ends();
    const produced: Produced[] = (Object.keys(after) as CommandKind[]).flatMap((kind) => Array.from({ length: after[kind] - before[kind] }, () => ({ kind })));
    checkAnswer(request, answer, produced);
    for (const p of produced) expected[p.kind]++;
    if (answer.status === 202) tally.accepted++;
    else tally.refused++;
  }), { ...fuzzParameters(800), endOnFailure: true });

  gatewayOpen = false;
  await gateway.close(); // flushes the producer: a late command would show now
  assert.deepEqual(await ends(), expected, 'the command topics hold exactly the accepted commands');
  assert.ok(tally.accepted > 0 && tally.refused > 0, `both sides were exercised (${JSON.stringify(tally)})`);
  assert.ok(Object.values(expected).every((n) => n > 0), `every command topic moved (${JSON.stringify(expected)})`);
});
