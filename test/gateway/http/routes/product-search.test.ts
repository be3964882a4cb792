import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { createTokenVerifier, signToken } from '../../../../gateway/auth/jwt.ts';
import { accessHook } from '../../../../gateway/http/access.ts';
import { errorHandler } from '../../../../gateway/http/http-errors.ts';
import { RateLimiter } from '../../../../gateway/http/rate-limiter.ts';
import { SHARED_RESPONSE_SCHEMAS } from '../../../../gateway/http/response-schemas.ts';
import { registerProductSearchRoutes } from '../../../../gateway/http/routes/product-search.ts';
import type { ProductSearcher } from '../../../../gateway/search/product-search.ts';
import type { ProductQuery, SearchResult } from '../../../../gateway/search/search-query.ts';

const secret = 'search-route-secret-0123456789-abcdefgh';
const customer = `Bearer ${await signToken({ sub: 'alice', role: 'customer' }, secret)}`;

const answer: SearchResult = {
  total: 1,
  items: [{ productId: 'p-1', name: 'Tea', priceCents: 450, available: 3, reserved: 0, sold: 0, updatedAtMs: 5, description: 'Green tea', category: 'drinks' }],
  facets: { categories: [{ value: 'drinks', count: 1 }], priceRanges: [{ to: 1_000, count: 1 }, { from: 1_000, count: 0 }], inStock: { inStock: 1, outOfStock: 0 } },
};

function app(search: ProductSearcher | undefined) {
  // As the gateway's server: schemas coerce nothing.
  const api = Fastify({ logger: false, ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } } });
  api.setErrorHandler(errorHandler);
  for (const schema of SHARED_RESPONSE_SCHEMAS) api.addSchema(schema);
  api.addHook('onRequest', accessHook({ verify: createTokenVerifier({ secret, maxLifetimeS: 3_600 }), limiter: new RateLimiter({ burst: 100, perSecond: 1 }), publicPaths: new Set() }));
  registerProductSearchRoutes(api, search);
  return (url: string, authorization: string | null = customer) => api.inject({ method: 'GET', url, headers: authorization === null ? {} : { authorization } });
}

function recording(): { searcher: ProductSearcher; asked: ProductQuery[] } {
  const asked: ProductQuery[] = [];
  return { asked, searcher: { search: async (query) => { asked.push(query); return answer; } } };
}

test('GET /products: any authenticated caller searches; numbers and booleans are read from the query text; the answer comes back whole', async () => {
  const { searcher, asked } = recording();
  const call = app(searcher);
  const ok = await call('/products?q=%20green%20tea%20&category=drinks&minPrice=100&maxPrice=900&inStock=true&size=5&from=10');
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json(), answer);
  assert.deepEqual(asked, [{ q: 'green tea', category: 'drinks', minPrice: 100, maxPrice: 900, inStock: true, size: 5, from: 10 }]);
  await call('/products');
  assert.deepEqual(asked.at(-1), { size: 20, from: 0 }, 'defaults: the first 20, no text, no filter');
  await call('/products?inStock=false');
  assert.deepEqual(asked.at(-1), { inStock: false, size: 20, from: 0 });
  assert.equal((await call('/products', null)).statusCode, 401);
  assert.equal(asked.length, 3, 'an anonymous caller searched nothing');
});

test('GET /products: bad parameters are 400 naming the parameter, and nothing is searched', async () => {
  const { searcher, asked } = recording();
  const call = app(searcher);
  const cases: Array<[string, RegExp]> = [
    ['/products?minPrice=abc', /minPrice/],
    ['/products?maxPrice=-1', /maxPrice/],
    ['/products?inStock=yes', /inStock/],
    ['/products?size=101', /size/],
    ['/products?from=10000&size=1', /from \+ size/],
    ['/products?category=Not%20A%20Category', /category/],
    ['/products?q=', /q/],
    ['/products?q=%20%20', /q must hold a word/],
    [`/products?q=${'a'.repeat(201)}`, /q/],
    ['/products?minPrice=500&maxPrice=100', /minPrice \(500\) must not be above maxPrice \(100\)/],
    ['/products?colour=red', /colour|additional/],
  ];
  for (const [url, message] of cases) {
    const response = await call(url);
    assert.equal(response.statusCode, 400, `${url}: ${response.body}`);
    assert.equal(response.json().code, 'KST_GATEWAY_REQUEST_INVALID', url);
    assert.match(response.json().message, message, url);
  }
  assert.deepEqual(asked, []);
});

test('GET /products: without a search index configured, 503 with Retry-After', async () => {
  const response = await app(undefined)('/products?q=tea');
  assert.equal(response.statusCode, 503);
  assert.equal(response.json().code, 'KST_GATEWAY_SEARCH_UNAVAILABLE');
  assert.ok(Number(response.headers['retry-after']) > 0);
});
