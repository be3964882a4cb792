import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTokenVerifier, signToken } from '../../../../gateway/auth/jwt.ts';
import type { CommandSink } from '../../../../gateway/commands/command-publisher.ts';
import type { Accepted, QueryReader } from '../../../../gateway/http/context.ts';
import { IdempotencyCache } from '../../../../gateway/http/idempotency-cache.ts';
import { GatewayMetrics } from '../../../../gateway/http/metrics.ts';
import { RateLimiter } from '../../../../gateway/http/rate-limiter.ts';
import { buildHttpApi } from '../../../../gateway/http/server.ts';

const secret = 'products-route-secret-0123456789-abcdef';
const admin = `Bearer ${await signToken({ sub: 'ops', role: 'admin' }, secret)}`;

function app() {
  const sent: Array<Record<string, unknown>> = [];
  const commands: CommandSink = { publish: async (_kind, _key, command) => void sent.push(command as unknown as Record<string, unknown>), close: async () => undefined };
  const unused = async (): Promise<never> => { throw new Error('not used'); };
  const queries: QueryReader = { getOrder: unused, listCustomerOrders: unused, getProduct: unused, getCustomer: unused, getCart: unused, watchOrder: unused };
  const api = buildHttpApi({
    commands, queries, idempotency: new IdempotencyCache<Accepted>({ maxEntries: 10, ttlMs: 60_000 }), metrics: new GatewayMetrics({ defaultMetrics: false }), sseHeartbeatMs: 1_000, sseAwaitCreationMs: 0, now: () => 42,
  }, { verify: createTokenVerifier({ secret, maxLifetimeS: 3_600 }), limiter: new RateLimiter({ burst: 1_000, perSecond: 1 }), bodyLimit: 65_536, logger: false });
  const put = (body: object) => api.inject({ method: 'PUT', url: '/products/p-1', headers: { authorization: admin, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
  return { sent, put };
}

test('PUT /products/:id carries description and category into UpsertProduct, and leaves them out when not given', async () => {
  const { sent, put } = app();
  assert.equal((await put({ name: 'Kettle', priceCents: 2_900, description: 'Brushed steel, 1.7 l', category: 'kitchen-tools' })).statusCode, 202);
  assert.deepEqual([sent[0]?.['description'], sent[0]?.['category']], ['Brushed steel, 1.7 l', 'kitchen-tools']);
  assert.equal((await put({ restockQuantity: 3 })).statusCode, 202);
  assert.ok(!('description' in (sent[1] ?? {})) && !('category' in (sent[1] ?? {})), 'absent keeps the current ones');
});

test('PUT /products/:id refuses an empty or over-long description and a category that is not lower-case hyphenated words, naming the field', async () => {
  const { sent, put } = app();
  for (const [body, field] of [
    [{ description: '' }, 'description'],
    [{ description: 'x'.repeat(2_001) }, 'description'],
    [{ category: 'Kitchen' }, 'category'],
    [{ category: 'garden tools' }, 'category'],
    [{ category: '-garden' }, 'category'],
    [{ category: 'a'.repeat(65) }, 'category'],
    [{ category: 7 }, 'category'],
  ] as const) {
    const response = await put(body);
    assert.equal(response.statusCode, 400, JSON.stringify(body));
    assert.equal(response.json().code, 'KST_GATEWAY_REQUEST_INVALID');
    assert.match(response.json().message, new RegExp(field), JSON.stringify(body));
  }
  assert.deepEqual(sent, []);
  assert.equal((await put({ description: 'x'.repeat(2_000), category: 'a'.repeat(64) })).statusCode, 202, 'the limits themselves are accepted');
});
