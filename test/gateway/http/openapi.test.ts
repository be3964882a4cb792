/**
 * The OpenAPI document of the HTTP API, fetched from the app (injected requests, fake
 * commands and queries, the real access hook and routes): it is valid OpenAPI 3.1, lists
 * every registered route, asks for the bearer token exactly where the gateway does, and
 * its response schemas describe what the routes answer, dropping no field.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import packageJson from '../../../package.json' with { type: 'json' };
import { KstError } from '../../../common/errors.ts';
import { createTokenVerifier, signToken } from '../../../gateway/auth/jwt.ts';
import type { CommandSink } from '../../../gateway/commands/command-publisher.ts';
import type { Accepted, QueryReader } from '../../../gateway/http/context.ts';
import { IdempotencyCache } from '../../../gateway/http/idempotency-cache.ts';
import { GatewayMetrics } from '../../../gateway/http/metrics.ts';
import { BEARER_AUTH } from '../../../gateway/http/openapi.ts';
import { RateLimiter } from '../../../gateway/http/rate-limiter.ts';
import { PUBLIC_PATHS } from '../../../gateway/http/routes/ops.ts';
import { buildHttpApi } from '../../../gateway/http/server.ts';
import type { OrderItem } from '../../../topologies/ecommerce/contracts/commands.ts';
import type { CustomerView, OrderTransition, OrderView, ProductView } from '../../../topologies/ecommerce/contracts/views.ts';

const secret = 'openapi-test-secret-0123456789-abcdef';
const admin = `Bearer ${await signToken({ sub: 'ops', role: 'admin' }, secret)}`;

// Every optional field set (`Required`), so a field added to a view fails the typecheck here
// until it is filled in, and then this test if the response schema does not declare it.
const item: Required<OrderItem> = { productId: 'p-1', quantity: 2, unitPriceCents: 450 };
const transition: Required<OrderTransition> = { status: 'CANCELLED', atMs: 3, reason: 'changed my mind' };
const order: Required<OrderView> = {
  orderId: 'o-1', customerId: 'c-1', status: 'CANCELLED', items: [item], totalCents: 900, createdAtMs: 1, updatedAtMs: 3, reason: 'changed my mind',
  history: [{ status: 'PENDING', atMs: 1 }, transition],
};
const product: Required<ProductView> = { productId: 'p-1', name: 'Tea', priceCents: 450, available: 7, reserved: 2, sold: 1, updatedAtMs: 5, description: 'Green tea', category: 'drinks' };
const found = {
  total: 1,
  items: [product],
  facets: { categories: [{ value: 'drinks', count: 1 }], priceRanges: [{ to: 1_000, count: 1 }, { from: 1_000, to: 2_500, count: 0 }, { from: 2_500, count: 0 }], inStock: { inStock: 1, outOfStock: 0 } },
};
const customer: Required<CustomerView> = { customerId: 'c-1', name: 'Carol', email: 'c@x.org', balanceCents: 100, depositedCents: 1_000, updatedAtMs: 6 };

type Operation = {
  operationId?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string; required?: boolean }>;
  requestBody?: { required: boolean; content: Record<string, { schema: object }> };
  responses: Record<string, { content?: Record<string, { schema: object }> }>;
};
type Document = {
  openapi: string;
  info: { title: string; version: string };
  tags: Array<{ name: string }>;
  components: { securitySchemes: Record<string, Record<string, string>> };
  paths: Record<string, Record<string, Operation>>;
};

function gateway() {
  const sent: Array<{ commandId: string }> = [];
  const commands: CommandSink = { publish: async (_kind, _key, command) => void sent.push(command), close: async () => undefined };
  const queries: QueryReader = {
    getOrder: async (id) => {
      if (id !== order.orderId) throw new KstError('KST_QUERY_NOT_FOUND', `no order ${id}`, {});
      return order;
    },
    listCustomerOrders: async () => [order],
    getProduct: async () => product,
    getCustomer: async () => customer,
    getCart: async () => { throw new Error('not used'); },
    watchOrder: async () => undefined,
  };
  const app = buildHttpApi({
    commands,
    queries,
    idempotency: new IdempotencyCache<Accepted>({ maxEntries: 100, ttlMs: 60_000 }),
    metrics: new GatewayMetrics({ defaultMetrics: false }),
    sseHeartbeatMs: 1_000,
    sseAwaitCreationMs: 0,
    now: () => 42,
  }, { verify: createTokenVerifier({ secret, maxLifetimeS: 3_600 }), limiter: new RateLimiter({ burst: 10_000, perSecond: 1 }), bodyLimit: 65_536, logger: false, search: { search: async () => found } });
  // The routes are declared when the app loads, so this hook (inherited by the routes' plugin) sees them all.
  const routes: string[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  });
  const call = async (method: string, url: string, authorization?: string, body?: object) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers: { ...(authorization === undefined ? {} : { authorization }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    const json = String(response.headers['content-type']).startsWith('application/json');
    return { status: response.statusCode, headers: response.headers, body: (json ? JSON.parse(response.body) : response.body) as Record<string, unknown> };
  };
  const openapi = async (): Promise<Document> => {
    const response = await call('GET', '/openapi.json');
    assert.equal(response.status, 200, `GET /openapi.json without a token: ${JSON.stringify(response.body)}`);
    return response.body as unknown as Document;
  };
  return { app, sent, routes, call, openapi };
}

/** The documented operations as `METHOD /path/:param`, fastify's spelling. */
function operations(document: Document): Map<string, Operation> {
  const found = new Map<string, Operation>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) found.set(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`, operation);
  }
  return found;
}

test('GET /openapi.json answers, without a token, a valid OpenAPI 3.1 document of this version of the gateway', async () => {
  const { openapi } = gateway();
  const document = await openapi();
  const validator = new Validator();
  const result = await validator.validate(document);
  assert.equal(result.valid, true, `not valid OpenAPI: ${JSON.stringify(result.errors, null, 2)}`);
  assert.equal(validator.version, '3.1');
  assert.equal(document.openapi, '3.1.0');
  assert.equal(document.info.version, packageJson.version);
  assert.match(document.info.title, /gateway/);
  validator.resolveRefs(); // throws on a $ref that points nowhere
});

test('every registered route is documented: method, path parameters, body, a success and its error responses, tags and a unique operationId', async () => {
  const { app, routes, openapi } = gateway();
  await app.ready();
  const documented = operations(await openapi());
  assert.ok(routes.length >= 13, `routes seen: ${routes.join(', ')}`);
  assert.deepEqual([...documented.keys()].sort(), [...routes].sort());

  const document = await openapi();
  assert.equal(documented.get('POST /orders/:id/cancel')?.requestBody?.required, false, 'a cancel may come without a body');
  assert.equal(documented.get('POST /orders')?.requestBody?.required, true);
  assert.doesNotMatch(JSON.stringify(document), /x-optional-body/);
  const tags = new Set(document.tags.map((tag) => tag.name));
  const operationIds = new Set<string>();
  for (const [route, operation] of documented) {
    assert.ok(operation.operationId !== undefined && !operationIds.has(operation.operationId), `${route}: a unique operationId`);
    operationIds.add(operation.operationId);
    assert.ok((operation.tags ?? []).length > 0 && (operation.tags ?? []).every((tag) => tags.has(tag)), `${route}: tags declared at the top: ${operation.tags}`);
    for (const param of route.matchAll(/:(\w+)/g)) {
      assert.ok(operation.parameters?.some((p) => p.in === 'path' && p.name === param[1] && p.required === true), `${route}: path parameter ${param[1]}`);
    }
    if (/^(POST|PUT) /.test(route)) assert.ok(operation.requestBody?.content['application/json']?.schema, `${route}: a JSON request body`);
    const statuses = Object.keys(operation.responses);
    assert.ok(statuses.some((status) => /^2\d\d$/.test(status)), `${route}: a success response, got ${statuses}`);
    for (const status of statuses.filter((s) => /^[45]\d\d$/.test(s))) {
      assert.deepEqual(operation.responses[status]?.content?.['application/json']?.schema, { $ref: '#/components/schemas/Error' }, `${route} ${status}: the error body`);
    }
    if (route.startsWith('POST ') || route.startsWith('PUT ')) {
      assert.ok(operation.responses['202']?.content?.['application/json']?.schema !== undefined, `${route}: a 202 body`);
      for (const status of ['400', '401', '403', '429']) assert.ok(statuses.includes(status), `${route}: documents ${status}`);
    }
  }
});

test('the bearer scheme is required by exactly the operations the gateway refuses without a token', async () => {
  const { openapi, call } = gateway();
  const document = await openapi();
  const scheme = document.components.securitySchemes[BEARER_AUTH];
  assert.equal(scheme?.['type'], 'http');
  assert.equal(scheme?.['scheme'], 'bearer');
  assert.equal(scheme?.['bearerFormat'], 'JWT');
  let authenticated = 0;
  for (const [route, operation] of operations(document)) {
    const [method, path] = route.split(' ') as [string, string];
    const response = await call(method, path.replace(/:\w+/g, 'o-1'), undefined, method === 'GET' ? undefined : {});
    if (PUBLIC_PATHS.has(path)) {
      assert.deepEqual(operation.security, [], `${route} is public`);
      assert.equal(response.status, 200, `${route} answers without a token`);
    } else {
      assert.deepEqual(operation.security, [{ [BEARER_AUTH]: [] }], `${route} requires the bearer token`);
      assert.equal(response.status, 401, `${route} refuses a request without a token`);
      assert.ok(operation.responses['401'] !== undefined, `${route} documents its 401`);
      authenticated += 1;
    }
  }
  assert.equal(authenticated, 18);
});

test('responses are what the schemas say and lose no field: full views, 202 bodies with their ids, the error body', async () => {
  const { app, sent, call, openapi } = gateway();
  const document = await openapi();
  const validator = new Validator();
  await validator.validate(document);
  const resolved = validator.resolveRefs() as unknown as Document;
  const ajv = new Ajv2020({ strict: false });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  const check = async (method: string, url: string, route: string, expected: number, body?: object, caller: 'admin' | 'anonymous' = 'admin') => {
    const response = await call(method, url, caller === 'admin' ? admin : undefined, body);
    assert.equal(response.status, expected, `${method} ${url}: ${JSON.stringify(response.body)}`);
    const schema = resolved.paths[route]?.[method.toLowerCase()]?.responses[String(expected)]?.content?.['application/json']?.schema;
    assert.ok(schema !== undefined, `${method} ${route} documents ${expected}`);
    assert.ok(ajv.validate(schema, response.body), `${method} ${url} ${expected} matches its schema: ${ajv.errorsText()}`);
    return response;
  };

  assert.deepEqual((await check('GET', '/orders/o-1', '/orders/{id}', 200)).body, order);
  assert.deepEqual((await check('GET', '/customers/c-1/orders', '/customers/{id}/orders', 200)).body, { customerId: 'c-1', orders: [order] });
  assert.deepEqual((await check('GET', '/customers/c-1', '/customers/{id}', 200)).body, customer);
  assert.deepEqual((await check('GET', '/products/p-1', '/products/{id}', 200)).body, product);
  assert.deepEqual((await check('GET', '/products?q=tea&inStock=true', '/products', 200)).body, found);
  assert.deepEqual(Object.keys((await check('GET', '/health', '/health', 200)).body).sort(), ['status', 'uptimeMs']);

  const placed = await check('POST', '/orders', '/orders', 202, { customerId: 'c-1', items: [item] });
  assert.deepEqual(placed.body, { orderId: placed.body['orderId'], customerId: 'c-1', commandId: sent.at(-1)?.commandId });
  assert.equal(placed.headers['location'], `/orders/${String(placed.body['orderId'])}`);
  assert.deepEqual((await check('POST', '/orders/o-1/cancel', '/orders/{id}/cancel', 202)).body, { orderId: 'o-1', commandId: sent.at(-1)?.commandId });
  assert.deepEqual((await check('POST', '/customers', '/customers', 202, { customerId: 'c-2', name: 'Dan', email: 'd@x.org' })).body, { customerId: 'c-2', commandId: sent.at(-1)?.commandId });
  assert.deepEqual((await check('POST', '/customers/c-1/deposits', '/customers/{id}/deposits', 202, { amountCents: 500 })).body, { customerId: 'c-1', commandId: sent.at(-1)?.commandId, amountCents: 500 });
  assert.deepEqual((await check('PUT', '/products/p-1', '/products/{id}', 202, { restockQuantity: 3 })).body, { productId: 'p-1', commandId: sent.at(-1)?.commandId });
  assert.equal(sent.length, 5);

  const missing = await check('GET', '/orders/o-404', '/orders/{id}', 404);
  assert.deepEqual(missing.body, { statusCode: 404, error: 'Not Found', code: 'KST_QUERY_NOT_FOUND', message: 'no order o-404' });
  const invalid = await check('POST', '/orders', '/orders', 400, { items: [] });
  assert.equal(invalid.body['code'], 'KST_GATEWAY_REQUEST_INVALID');
  const anonymous = await check('GET', '/products/p-1', '/products/{id}', 401, undefined, 'anonymous');
  assert.equal(anonymous.headers['www-authenticate'], 'Bearer');

  const metrics = await call('GET', '/metrics');
  assert.match(String(metrics.body), /gateway_http_requests_total\{method="GET",route="\/orders\/:id",status="200"\} 1/);
  await app.close();
});
