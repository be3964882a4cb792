import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'undici';
import type { Accepted, QueryReader } from '../../../../gateway/http/context.ts';
import { IdempotencyCache } from '../../../../gateway/http/idempotency-cache.ts';
import { GatewayMetrics } from '../../../../gateway/http/metrics.ts';
import { RateLimiter } from '../../../../gateway/http/rate-limiter.ts';
import { buildHttpApi } from '../../../../gateway/http/server.ts';
import type { OrderView } from '../../../../topologies/ecommerce/contracts/views.ts';
import { bearer, verifier } from '../../support/tokens.ts';

const secret = 'order-events-secret-0123456789';
const pending: OrderView = { orderId: 'o-1', customerId: 'alice', status: 'PENDING', items: [{ productId: 'p-1', quantity: 1, unitPriceCents: 5 }], totalCents: 5, createdAtMs: 1, updatedAtMs: 1, history: [{ status: 'PENDING', atMs: 1 }] };

/** Over real HTTP (node sends a HEAD's headers only when the response ends; inject cannot show that). */
test('found by the fuzz: HEAD /orders/:id/events of an order still in flight answers its headers at once and watches nothing', async (t) => {
  let watches = 0;
  const queries: QueryReader = {
    getOrder: async () => pending,
    listCustomerOrders: async () => [],
    getProduct: async () => { throw new Error('not used'); },
    getCustomer: async () => { throw new Error('not used'); },
    getCart: async () => { throw new Error('not used'); },
    // Like the real watch of an order that is not final: it lasts until the client leaves.
    watchOrder: async (_id, { signal, onEvent }) => {
      watches++;
      onEvent({ index: 0, transition: { status: 'PENDING', atMs: 1 }, order: pending, final: false });
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      watches--;
    },
  };
  const app = buildHttpApi({
    commands: { publish: async () => undefined, close: async () => undefined },
    queries,
    idempotency: new IdempotencyCache<Accepted>({ maxEntries: 10, ttlMs: 60_000 }),
    metrics: new GatewayMetrics({ defaultMetrics: false }),
    sseHeartbeatMs: 1_000,
    sseAwaitCreationMs: 0,
    now: Date.now,
  }, { verify: verifier(secret), limiter: new RateLimiter({ burst: 100, perSecond: 1 }), bodyLimit: 65_536, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const client = new Client(url, { headersTimeout: 3_000 });
  t.after(async () => {
    await client.destroy();
    await app.close();
  });
  const authorization = await bearer('alice', 'customer', secret);

  const head = await client.request({ path: '/orders/o-1/events', method: 'HEAD', headers: { authorization } });
  await head.body.text();
  assert.equal(head.statusCode, 200);
  assert.match(String(head.headers['content-type']), /^text\/event-stream/);
  assert.equal(watches, 0, 'a HEAD opens no watch');
  assert.equal((await client.request({ path: '/orders/o-1/events', method: 'HEAD', headers: { authorization: await bearer('bob', 'customer', secret) } })).statusCode, 403, 'and is checked like the GET');

  assert.equal((await client.request({ path: '/health', method: 'GET' })).statusCode, 200, 'the connection the HEADs used answers the next request');

  // The GET still streams, until its client leaves.
  const streaming = new Client(url);
  const get = await streaming.request({ path: '/orders/o-1/events', method: 'GET', headers: { authorization } });
  assert.equal(get.statusCode, 200);
  let text = '';
  for await (const chunk of get.body) {
    text += String(chunk);
    if (text.includes('event: transition')) break;
  }
  assert.equal(watches, 1);
  await streaming.destroy();
  for (const deadline = Date.now() + 5_000; watches > 0; await sleep(20)) {
    if (Date.now() > deadline) assert.fail('the watch did not end within 5 s of the client leaving');
  }
});
