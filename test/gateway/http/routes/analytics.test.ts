import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { KstError } from '../../../../common/errors.ts';
import { createTokenVerifier, signToken } from '../../../../gateway/auth/jwt.ts';
import type { SalesQuery } from '../../../../gateway/queries/query-client.ts';
import { accessHook } from '../../../../gateway/http/access.ts';
import { errorHandler } from '../../../../gateway/http/http-errors.ts';
import { RateLimiter } from '../../../../gateway/http/rate-limiter.ts';
import { registerAnalyticsRoutes, type SalesReader } from '../../../../gateway/http/routes/analytics.ts';
import { SHARED_RESPONSE_SCHEMAS } from '../../../../gateway/http/response-schemas.ts';

const secret = 'analytics-route-secret-0123456789-abcd';
const admin = `Bearer ${await signToken({ sub: 'ops', role: 'admin' }, secret)}`;
const customer = `Bearer ${await signToken({ sub: 'alice', role: 'customer' }, secret)}`;
const NOW = Date.parse('2026-12-07T12:30:00Z');
const HOUR = 3_600_000;

function app(sales: SalesReader | undefined) {
  const api = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } } });
  api.setErrorHandler(errorHandler);
  for (const schema of SHARED_RESPONSE_SCHEMAS) api.addSchema(schema);
  api.addHook('onRequest', accessHook({ verify: createTokenVerifier({ secret, maxLifetimeS: 3_600 }), limiter: new RateLimiter({ burst: 100, perSecond: 1 }), publicPaths: new Set() }));
  registerAnalyticsRoutes(api, { now: () => NOW }, sales);
  return (url: string, authorization = admin) => api.inject({ method: 'GET', url, headers: { authorization } });
}

function recording() {
  const asked: SalesQuery[] = [];
  const reader: SalesReader = {
    getSales: async (query) => {
      asked.push(query);
      return [{ startMs: NOW - HOUR / 2, endMs: NOW + HOUR / 2, units: 5, revenueCents: 2_250, keys: 2, entries: [
        { key: 'p1', name: 'Tea', category: 'drinks', units: 3, revenueCents: 1_350 },
        { key: 'p2', name: '', category: '', units: 2, revenueCents: 900 },
      ] }];
    },
  };
  return { asked, reader };
}

test('GET /analytics/sales: an admin reads the windows; defaults are the last 24 hours by product, top 10; absent names are left out', async () => {
  const { asked, reader } = recording();
  const response = await app(reader)('/analytics/sales');
  assert.equal(response.statusCode, 200);
  assert.deepEqual(asked, [{ fromMs: NOW - 24 * HOUR, toMs: NOW, groupBy: 'product', top: 10 }]);
  assert.deepEqual(response.json(), {
    groupBy: 'product', fromMs: NOW - 24 * HOUR, toMs: NOW,
    windows: [{ startMs: NOW - HOUR / 2, endMs: NOW + HOUR / 2, units: 5, revenueCents: 2_250, keys: 2, entries: [
      { key: 'p1', name: 'Tea', category: 'drinks', units: 3, revenueCents: 1_350 },
      { key: 'p2', units: 2, revenueCents: 900 },
    ] }],
  });
});

test('from and to as epoch milliseconds or ISO 8601, groupBy and top are passed on', async () => {
  const { asked, reader } = recording();
  const call = app(reader);
  assert.equal((await call(`/analytics/sales?from=${NOW - HOUR}&to=2026-12-07T12:30:00Z&groupBy=category&top=3`)).statusCode, 200);
  assert.deepEqual(asked, [{ fromMs: NOW - HOUR, toMs: NOW, groupBy: 'category', top: 3 }]);
});

test('bad parameters answer 400 with a message naming the parameter, and nothing is queried', async () => {
  const { asked, reader } = recording();
  const call = app(reader);
  const cases: [string, RegExp][] = [
    ['/analytics/sales?groupBy=customer', /groupBy/],
    ['/analytics/sales?top=0', /top must be between 1 and 1000/],
    ['/analytics/sales?top=ten', /top/],
    ['/analytics/sales?from=yesterday', /from must be epoch milliseconds or an ISO 8601 time/],
    ['/analytics/sales?to=2026-13-45T99:99:99Z', /to must be epoch milliseconds/],
    [`/analytics/sales?from=${NOW}&to=${NOW - 1}`, /from .* must not be after/],
    [`/analytics/sales?from=0&to=${NOW}`, /spans more than 31 days/],
    ['/analytics/sales?window=1', /must NOT have additional properties|window/],
  ];
  for (const [url, message] of cases) {
    const response = await call(url);
    assert.equal(response.statusCode, 400, url);
    assert.equal(response.json().code, 'KST_GATEWAY_REQUEST_INVALID', url);
    assert.match(response.json().message, message, url);
  }
  assert.deepEqual(asked, []);
});

test('a customer is refused; without analytics endpoints, or while the service is unavailable, 503', async () => {
  const { reader } = recording();
  const refused = await app(reader)('/analytics/sales', customer);
  assert.equal(refused.statusCode, 403);
  assert.match(refused.json().message, /only an admin may read sales analytics/);
  assert.equal((await app(undefined)('/analytics/sales')).statusCode, 503);
  const down = await app({ getSales: async () => { throw new KstError('KST_QUERY_UNAVAILABLE', 'sales by product: no instance hosts store sales-by-product yet', {}); } })('/analytics/sales');
  assert.equal(down.statusCode, 503);
  assert.match(down.json().message, /no instance hosts/);
});
