/**
 * Fuzz of the HTTP API (every route of `gateway/http/routes/` through `server.ts`) with the
 * fastify app in process: a recording command sink stands where the Kafka publisher goes,
 * and fake readers answer the GET routes (found, not found, unavailable), since what is
 * checked is the HTTP layer: no 5xx but 503, JSON 4xx with a message, nothing produced for
 * a request that is not accepted (see `../support/fuzz-checks.ts`). Fixed seed; a failure
 * prints it with the path that replays it (FUZZ_SEED, FUZZ_PATH).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { KstError } from '../../../common/errors.ts';
import type { CommandSink } from '../../../gateway/commands/command-publisher.ts';
import type { Accepted, GatewayContext, QueryReader } from '../../../gateway/http/context.ts';
import { IdempotencyCache } from '../../../gateway/http/idempotency-cache.ts';
import { GatewayMetrics } from '../../../gateway/http/metrics.ts';
import { RateLimiter } from '../../../gateway/http/rate-limiter.ts';
import { buildHttpApi } from '../../../gateway/http/server.ts';
import type { CartView } from '../../../topologies/ecommerce/contracts/carts.ts';
import type { CustomerView, OrderView, ProductView } from '../../../topologies/ecommerce/contracts/views.ts';
import { checkAnswer, fuzzParameters, type Answer, type Produced } from '../support/fuzz-checks.ts';
import { fuzzRequests, nearlyValidWrites, routeModels, withHeader, withPlausibleBody, type Caller, type FuzzRequest, type KnownIds } from '../support/fuzz-requests.ts';
import { bearer, forgedTokens, verifier } from '../support/tokens.ts';

const secret = 'fuzz-unit-secret-0123456789';
const bodyLimit = 65_536;
const ids: KnownIds = { orders: ['o-1', 'o-2', 'o-busy', 'o-404'], products: ['p-1', 'p-2', 'p-busy'], customers: ['alice', 'bob', 'ops', 'c-busy'], carts: ['cart-1', 'cart-2', 'cart-busy', 'cart-404'] };

const orderOf = (orderId: string, customerId: string): OrderView => ({
  orderId, customerId, status: 'PENDING', items: [{ productId: 'p-1', quantity: 1, unitPriceCents: 450 }], totalCents: 450, createdAtMs: 1, updatedAtMs: 1, history: [{ status: 'PENDING', atMs: 1 }],
});
const unavailable = (what: string) => new KstError('KST_QUERY_UNAVAILABLE', `${what}: rebalancing`, {});
const notFound = (what: string) => new KstError('KST_QUERY_NOT_FOUND', `no ${what}`, {});

const queries: QueryReader = {
  getOrder: async (id) => {
    if (id === 'o-busy') throw unavailable(id);
    if (id === 'o-1' || id === 'o-2') return orderOf(id, id === 'o-1' ? 'alice' : 'bob');
    throw notFound(`order ${id}`);
  },
  listCustomerOrders: async (id) => {
    if (id === 'c-busy') throw unavailable(id);
    return id === 'alice' ? [orderOf('o-1', 'alice')] : [];
  },
  getProduct: async (id) => {
    if (id === 'p-busy') throw unavailable(id);
    if (id !== 'p-1') throw notFound(`product ${id}`);
    return { productId: id, name: 'Tea', priceCents: 450, available: 10, reserved: 0, sold: 0, updatedAtMs: 1 } satisfies ProductView;
  },
  getCustomer: async (id) => {
    if (id === 'c-busy') throw unavailable(id);
    if (id !== 'alice' && id !== 'bob') throw notFound(`customer ${id}`);
    return { customerId: id, name: id, email: `${id}@x.org`, balanceCents: 0, depositedCents: 0, updatedAtMs: 1 } satisfies CustomerView;
  },
  getCart: async (id) => {
    if (id === 'cart-busy') throw unavailable(id);
    if (id !== 'cart-1' && id !== 'cart-2') throw notFound(`cart ${id}`);
    return { cartId: id, customerId: id === 'cart-1' ? 'alice' : 'bob', status: 'OPEN', items: [{ productId: 'p-1', name: 'Tea', quantity: 1, unitPriceCents: 450, lineTotalCents: 450 }], itemCount: 1, totalCents: 450, createdAtMs: 1, updatedAtMs: 1 } satisfies CartView;
  },
  watchOrder: async (id, { onEvent }) => {
    const order = await queries.getOrder(id);
    onEvent({ index: 0, transition: { status: 'PENDING', atMs: 1 }, order, final: true });
  },
};

/** The app, with what a run changes: its commands, whether producing fails, a fresh idempotency cache. */
function fuzzApp() {
  const state = { produced: [] as Produced[], failing: false, idempotency: new IdempotencyCache<Accepted>({ maxEntries: 100, ttlMs: 60_000 }) };
  const commands: CommandSink = {
    publish: async (kind, _key, command) => {
      if (state.failing) throw new KstError('KST_GATEWAY_COMMAND_FAILED', `producing ${command.type} failed: broker away`, { type: command.type });
      state.produced.push({ kind, command: command as unknown as Record<string, unknown> });
    },
    close: async () => undefined,
  };
  const context: GatewayContext = {
    commands,
    queries,
    get idempotency() {
      return state.idempotency;
    },
    metrics: new GatewayMetrics({ defaultMetrics: false }),
    sseHeartbeatMs: 1_000,
    sseAwaitCreationMs: 0,
    now: () => 1_767_225_600_000,
    ops: { collect: async () => ({ atMs: 1_767_225_600_000, services: [], unreachable: [] }) },
  };
  // The audit log (GET /orders/:id/audit): no rows, or an unreachable database while producing fails.
  const audit = { byOrder: async () => (state.failing ? Promise.reject(new KstError('KST_GATEWAY_AUDIT_UNAVAILABLE', 'the audit log is unreachable', {})) : []) };
  // Sales analytics (GET /analytics/sales): no windows, or an analytics service that does not answer while producing fails.
  const sales = { getSales: async () => (state.failing ? Promise.reject(new KstError('KST_QUERY_UNAVAILABLE', 'the analytics service does not answer', {})) : []) };
  // The catalog search (GET /products): no products, or an unreachable index while producing fails.
  const search = { search: async () => (state.failing ? Promise.reject(new KstError('KST_GATEWAY_SEARCH_UNAVAILABLE', 'the search index is unreachable', {})) : { total: 0, items: [], facets: { categories: [], priceRanges: [], inStock: { inStock: 0, outOfStock: 0 } } }) };
  const app = buildHttpApi(context, { verify: verifier(secret), limiter: new RateLimiter({ burst: 1_000_000_000, perSecond: 1 }), bodyLimit, logger: false, audit, sales, search });
  const send = async (request: FuzzRequest): Promise<Answer> => {
    const response = await app.inject({ method: request.method as 'GET', url: request.url, headers: request.headers, ...(request.payload === undefined ? {} : { payload: request.payload }) });
    const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, value === undefined ? undefined : String(value)]));
    return { status: response.statusCode, headers, body: response.body };
  };
  return { app, state, send };
}

async function callerTokens(): Promise<Record<Caller, string>> {
  return { alice: await bearer('alice', 'customer', secret), bob: await bearer('bob', 'customer', secret), ops: await bearer('ops', 'admin', secret) };
}

/** Route paths with methods from fastify's route tree (`printRoutes({ commonPrefix: false })`). */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[└├]── (\S*)(?: \(([^)]*)\))?/.exec(line);
    if (match === null) continue;
    const depth = (match[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(match[2] ?? '');
    for (const method of (match[3] ?? '').split(', ').filter((m) => m !== '' && m !== 'HEAD')) routes.push(`${method} ${stack.join('')}`);
  }
  return routes.sort();
}

test('every route the app serves has a fuzz model', async () => {
  const { app } = fuzzApp();
  // Routes are declared in a plugin (after the OpenAPI generator): the tree is complete once the app is ready.
  await app.ready();
  const modelled = routeModels(ids).map((r) => `${r.method} ${r.url}`).sort();
  assert.deepEqual(registeredRoutes(app.printRoutes({ commonPrefix: false })), modelled);
});

test('fuzzed requests to every route: no 5xx but 503, JSON 4xx with a message, nothing produced unless accepted', { timeout: 60_000 }, async () => {
  const { state, send } = fuzzApp();
  const requests = fuzzRequests({ tokens: await callerTokens(), forged: await forgedTokens(secret), ids, bodyLimit });
  const seen = new Map<string, Set<number>>();
  const note = (request: FuzzRequest, status: number): void => {
    const key = request.method === request.route.method ? `${request.route.method} ${request.route.url}` : 'other method';
    seen.set(key, (seen.get(key) ?? new Set()).add(status));
    seen.set('any', (seen.get('any') ?? new Set()).add(status));
  };
  // A run: a few requests against a fresh idempotency cache, maybe all writes with one key,
  // then maybe the first again (a replay) or the first with another body (a conflict when
  // it has a key), maybe with producing failing.
  const runs = fc.record({
    requests: fc.array(requests, { minLength: 1, maxLength: 3 }),
    oneKey: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    again: fc.constantFrom('none', 'same', 'other body'),
    failing: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  }).chain((run) => withPlausibleBody(run.requests[0] as FuzzRequest).map((other) => ({ ...run, other })));
  await fc.assert(fc.asyncProperty(runs, async ({ requests: generated, oneKey, again, other, failing }) => {
    state.idempotency = new IdempotencyCache<Accepted>({ maxEntries: 100, ttlMs: 60_000 });
    state.failing = failing;
    const keyed = (r: FuzzRequest): FuzzRequest => (oneKey && r.route.produces !== undefined ? withHeader(r, 'idempotency-key', 'one-key') : r);
    const sequence = generated.map(keyed);
    const first = sequence[0] as FuzzRequest;
    const repeatFirst = again === 'same';
    const answers: Answer[] = [];
    for (const request of again === 'none' ? sequence : [...sequence, again === 'same' ? first : keyed(other)]) {
      const before = state.produced.length;
      const answer = await send(request);
      checkAnswer(request, answer, state.produced.slice(before));
      note(request, answer.status);
      answers.push(answer);
    }
    const [original, copy] = [answers[0], answers[answers.length - 1]];
    if (repeatFirst && first.headers['idempotency-key'] !== undefined && original?.status === 202 && copy?.status === 202) {
      assert.equal(copy.headers['idempotent-replayed'], 'true', 'the same request with the same key is a replay');
      assert.equal(copy.body, original.body, 'a replay answers the first answer');
    }
  }), fuzzParameters(1000));

  // The generators reach every route and both sides of its checks.
  const statuses = (key: string) => [...(seen.get(key) ?? [])].sort();
  for (const route of routeModels(ids)) {
    const key = `${route.method} ${route.url}`;
    // A route without an id in its path has nothing for a request to get wrong but the token.
    const wanted = route.produces !== undefined ? [202, 400] : route.public === true ? [200] : route.url.includes(':') ? [200, 400, 401] : [200, 401];
    for (const status of wanted) assert.ok(statuses(key).includes(status), `${key} answered ${status} at least once (saw ${statuses(key).join(', ')})`);
  }
  for (const status of [401, 403, 404, 413, 415, 422, 503]) assert.ok(statuses('any').includes(status), `some request answered ${status} (saw ${statuses('any').join(', ')})`);
});

test('writes wrong in one place only (a bound, a type, a field): refused with nothing produced, or accepted with a well-formed command', async () => {
  const { state, send } = fuzzApp();
  const requests = nearlyValidWrites({ tokens: await callerTokens(), forged: {}, ids, bodyLimit });
  const statuses = new Set<number>();
  await fc.assert(fc.asyncProperty(requests, async (request) => {
    state.idempotency = new IdempotencyCache<Accepted>({ maxEntries: 100, ttlMs: 60_000 });
    state.failing = false;
    const before = state.produced.length;
    const answer = await send(request);
    checkAnswer(request, answer, state.produced.slice(before));
    statuses.add(answer.status);
  }), fuzzParameters(800));
  assert.ok(statuses.has(400) && statuses.has(202), `both refused and accepted (saw ${[...statuses].join(', ')})`);
});

test('the same write with the same Idempotency-Key sent at once from many clients produces one command', async () => {
  const { state, send } = fuzzApp();
  const requests = fuzzRequests({ tokens: await callerTokens(), forged: {}, ids, bodyLimit, routes: routeModels(ids).filter((r) => r.produces !== undefined) });
  const accepted = fc.tuple(requests, fc.integer({ min: 2, max: 8 })).filter(([r]) => r.method === r.route.method && r.headers['idempotency-key'] !== undefined);
  let concurrentAccepted = 0;
  await fc.assert(fc.asyncProperty(accepted, async ([request, copies]) => {
    state.idempotency = new IdempotencyCache<Accepted>({ maxEntries: 100, ttlMs: 60_000 });
    state.failing = false;
    const before = state.produced.length;
    const answers = await Promise.all(Array.from({ length: copies }, () => send(request)));
    const produced = state.produced.slice(before);
    const statuses = new Set(answers.map((a) => a.status));
    assert.equal(statuses.size, 1, `the copies got one answer: ${[...statuses].join(', ')}`);
    if (answers[0]?.status === 202) {
      concurrentAccepted++;
      assert.equal(produced.length, 1, `${copies} copies of one request produced ${produced.length} commands`);
      assert.equal(new Set(answers.map((a) => a.body)).size, 1, 'every copy got the same answer');
    } else {
      assert.equal(produced.length, 0);
    }
  }), fuzzParameters(150));
  assert.ok(concurrentAccepted > 0, 'some concurrent copies were accepted');
});

test('found by the fuzz: ids up to 128 characters reach their routes, encoded or not; a URL the router refuses answers in the API\'s error shape', async () => {
  const { state, send } = fuzzApp();
  const ops = (await callerTokens()).ops;
  const request = (method: string, url: string, payload?: object): FuzzRequest => ({
    route: routeModels(ids)[0] as FuzzRequest['route'], method, url,
    headers: { authorization: ops, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
  for (const id of ['c'.repeat(128), 'c:'.repeat(64)]) {
    const path = `/customers/${encodeURIComponent(id)}`;
    const deposit = await send(request('POST', `${path}/deposits`, { amountCents: 5 }));
    assert.equal(deposit.status, 202, `${path}: ${deposit.body}`);
    assert.equal(state.produced.at(-1)?.command?.['customerId'], id);
    assert.equal((await send(request('GET', path))).status, 404, 'read, and not found by the fake');
  }
  for (const url of [`/customers/${'c'.repeat(385)}`, '/customers/%E0%A4%A']) {
    const refused = await send(request('GET', url));
    assert.ok(refused.status === 400 || refused.status === 414, `${url}: ${refused.status}`);
    assert.equal(JSON.parse(refused.body).code, 'KST_GATEWAY_REQUEST_INVALID');
  }
});
