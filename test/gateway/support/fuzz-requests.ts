/**
 * Requests for fuzzing the gateway's HTTP API, route by route: each route of
 * `gateway/http/routes/` has a model (method, path, what it produces, a plausible body)
 * from which requests are generated valid and invalid alike: bodies mutated or not JSON,
 * odd content types, path ids with odd characters or too long, query strings, odd or
 * forged `Authorization` and `Idempotency-Key` headers, other methods, unknown paths.
 *
 * A generated request says who it is from when its token is valid (`caller`), so a check
 * can tell what the gateway may answer. Besides the hostile requests, `wellFormedRequests`
 * and `nearlyValidWrites` (one defect in the body) reach the handlers more often.
 *
 * @example
 * ```ts
 * const requests = fuzzRequests({ tokens: { alice, bob, ops }, forged: await forgedTokens(secret), ids, bodyLimit: 65_536 });
 * await fc.assert(fc.asyncProperty(requests, async (r) => checkAnswer(r, await send(r), produced())), fuzzParameters(500));
 * ```
 */

import fc from 'fast-check';
import type { Role } from '../../../gateway/auth/jwt.ts';
import type { CommandKind } from '../../../gateway/commands/command-publisher.ts';
import { mutated, nearlyValid, oddValue, toJsonText } from './fuzz-values.ts';

export type Caller = 'alice' | 'bob' | 'ops';
export const CALLERS: Readonly<Record<Caller, { readonly subject: string; readonly role: Role }>> = {
  alice: { subject: 'alice', role: 'customer' },
  bob: { subject: 'bob', role: 'customer' },
  ops: { subject: 'ops', role: 'admin' },
};

export interface RouteModel {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** fastify's route path, `:id` for the id (and `:productId` for a cart's product). */
  readonly url: string;
  /** The command stream a 202 of this route produced to. */
  readonly produces?: CommandKind;
  /** A plausible body; absent for reads. */
  readonly body?: fc.Arbitrary<unknown>;
  /** A write that may come without a body. */
  readonly bodyOptional?: boolean;
  /** Answered without a token. */
  readonly public?: boolean;
}

/** Ids the fakes or the test data know, by what they name. */
export interface KnownIds {
  readonly orders: readonly string[];
  readonly products: readonly string[];
  readonly customers: readonly string[];
  /** Carts; `cart-1` when not given. */
  readonly carts?: readonly string[];
}

export interface FuzzRequest {
  readonly route: RouteModel;
  readonly method: string;
  /** Path and query string, as sent. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string;
  /** Who a valid token says is calling; undefined when the token must be refused. */
  readonly caller?: Caller;
  /** The id in the path, decoded, when the path is the route's. */
  readonly pathId?: string;
}

const SHORT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,15}$/;

function plausibleId(known: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.stringMatching(SHORT_ID) });
}

/** Every route, with a plausible body for each write. */
export function routeModels(ids: KnownIds): readonly RouteModel[] {
  const customerId = fc.oneof(fc.constantFrom('alice', 'bob', 'ops'), plausibleId(ids.customers));
  // Mostly priced: whether a client may (or must) send unitPriceCents is the pricing rules' call.
  const priced = fc.record({ productId: plausibleId(ids.products), quantity: fc.integer({ min: 1, max: 5 }), unitPriceCents: fc.integer({ min: 1, max: 10_000 }) });
  const item = fc.oneof({ weight: 4, arbitrary: priced }, { weight: 1, arbitrary: priced.map(({ productId, quantity }) => ({ productId, quantity })) });
  const shortText = fc.oneof(fc.string({ minLength: 1, maxLength: 30 }), fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme' }));
  return [
    { method: 'GET', url: '/health', public: true },
    { method: 'GET', url: '/metrics', public: true },
    { method: 'GET', url: '/openapi.json', public: true },
    { method: 'GET', url: '/ops', public: true },
    { method: 'GET', url: '/ops/ops.js', public: true },
    { method: 'GET', url: '/ops/ops.css', public: true },
    { method: 'GET', url: '/ops/snapshot' },
    { method: 'POST', url: '/orders', produces: 'order', body: fc.record({ customerId, items: fc.array(item, { minLength: 1, maxLength: 3 }), deadlineMs: fc.integer({ min: 1, max: 86_400_000 }) }, { requiredKeys: ['items'] }) },
    { method: 'POST', url: '/orders/:id/cancel', produces: 'order', bodyOptional: true, body: fc.record({ reason: shortText }, { requiredKeys: [] }) },
    { method: 'GET', url: '/orders/:id' },
    { method: 'GET', url: '/orders/:id/events' },
    { method: 'GET', url: '/orders/:id/audit' },
    { method: 'POST', url: '/customers', produces: 'customer', body: fc.record({ customerId, name: shortText, email: fc.emailAddress() }, { requiredKeys: ['name', 'email'] }) },
    { method: 'POST', url: '/customers/:id/deposits', produces: 'customer', body: fc.record({ amountCents: fc.integer({ min: 1, max: 1_000_000 }) }) },
    { method: 'GET', url: '/customers/:id' },
    { method: 'GET', url: '/customers/:id/orders' },
    { method: 'PUT', url: '/products/:id', produces: 'inventory', body: fc.record({ name: shortText, priceCents: fc.integer({ min: 1, max: 100_000 }), restockQuantity: fc.integer({ min: 0, max: 1_000 }), description: shortText, category: fc.constantFrom('kitchen', 'garden-tools', 'Kitchen', 'a b', '') }, { requiredKeys: [] }) },
    { method: 'GET', url: '/products/:id' },
    { method: 'GET', url: '/analytics/sales' },
    { method: 'POST', url: '/carts/:id/items', produces: 'cart', body: fc.record({ productId: plausibleId(ids.products), quantity: fc.integer({ min: 1, max: 5 }) }) },
    { method: 'DELETE', url: '/carts/:id/items/:productId', produces: 'cart' },
    { method: 'POST', url: '/carts/:id/checkout', produces: 'cart', bodyOptional: true, body: fc.constant({}) },
    { method: 'GET', url: '/carts/:id' },
    { method: 'GET', url: '/products' },
  ];
}

/** Ids fastify must refuse or take apart: odd characters raw or escaped, lengths past 128. */
const oddPathId: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('..', '.', '%', '%zz', '%00', '%2F', 'a%2Fb', 'a/b', '%C0%AF', '%E0%A4%A', '%ff', '%u0041', 'a;b', '%20', '*', '~x', '@', "'", '(', '!', '%25', 'a?b', '-x', '_x', 'x'.repeat(100), 'x'.repeat(101), 'x'.repeat(128), 'x'.repeat(129), 'x'.repeat(5_000)),
  // Valid ids that grow when percent-encoded (':' is %3A).
  fc.integer({ min: 1, max: 64 }).map((n) => encodeURIComponent('a:'.repeat(n))),
  fc.string({ unit: 'binary', maxLength: 30 }).map(encodeURIComponent),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 10 }).map(encodeURIComponent),
);

/** Paths next to the real ones. */
const strayPath: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('/', '//orders', '/ORDERS', '/orders/', '/orders//cancel', '/orders/o-1/x', '/health/', '/health/..', '/health%2F..%2Forders', '/metrics/../orders', '/%68ealth', '/customers/alice/deposits/x', '/products', '/admin', '/.env'),
  fc.webPath().map((path) => (path.startsWith('/') ? path : `/${path}`)),
);

const query: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.webQueryParameters().map((q) => `?${q}`) },
  { weight: 2, arbitrary: fc.constantFrom('?a=%zz', '?__proto__[role]=admin', '?a=1&a=2', '?&&&=', '?%00', '?customerId=bob', `?${'q'.repeat(5_000)}`, '?') },
);

/** Characters a header value may hold on the wire (tab, printable ASCII, Latin-1). */
const headerChar = fc.oneof(fc.constant('\t'), fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)));
const headerText = (maxLength: number) => fc.string({ unit: headerChar, maxLength });

function authorization(tokens: Readonly<Record<Caller, string>>, forged: Readonly<Record<string, string>>): fc.Arbitrary<{ header?: string; caller?: Caller }> {
  const callers = Object.keys(tokens) as Caller[];
  const valid = fc.constantFrom(...callers).chain((caller) => {
    const token = tokens[caller].replace(/^Bearer /, '');
    return fc.constantFrom(`Bearer ${token}`, `bearer ${token}`, `Bearer   ${token}`).map((header) => ({ header, caller }));
  });
  const refused = fc.oneof(
    fc.constant({}),
    fc.constantFrom(...Object.values(forged), 'Bearer forged').map((header) => ({ header })),
    fc.constantFrom(...callers).chain((caller) => {
      const token = tokens[caller].replace(/^Bearer /, '');
      return fc.constantFrom(`Basic ${token}`, `Bearer ${token} ${token}`, `Bearer ${token}x`, `Bearer ${token.slice(0, -2)}`, `Bearer ${token.replace('.', '..')}`, `Bearer${token}`, token);
    }).map((header) => ({ header })),
    fc.constantFrom('', 'Bearer', 'Bearer ', 'Bearer .', 'Bearer ..', 'Bearer a.b.c', 'Bearer e30.e30.e30', 'Basic YTpi', 'Bearer null', `Bearer ${'A'.repeat(8_000)}`).map((header) => ({ header })),
    headerText(60).map((garbage) => ({ header: garbage })),
    headerText(60).map((garbage) => ({ header: `Bearer ${garbage}` })),
  );
  return fc.oneof({ weight: 8, arbitrary: valid }, { weight: 2, arbitrary: refused });
}

/** Few valid keys, so retries (same request) and conflicts (another request) happen. */
const idempotencyKey: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 5, arbitrary: fc.constant(undefined) },
  { weight: 3, arbitrary: fc.constantFrom('k-1', 'k-2', 'retry-me') },
  { weight: 2, arbitrary: fc.oneof(fc.constantFrom('', ' ', '\t', 'é', 'a b', 'x'.repeat(255), 'x'.repeat(256), '~'.repeat(10_000)), headerText(40)) },
);

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constant(undefined),
      fc.constantFrom('application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=utf-16', 'application/json;;', 'application/jsonx', 'application/vnd.api+json', 'text/plain', 'text/json', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', '*/*', ''),
      headerText(30),
    ),
  },
);

const otherHeaders: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 7, arbitrary: fc.constant({}) },
  {
    weight: 3,
    arbitrary: fc.dictionary(
      fc.constantFrom('last-event-id', 'x-forwarded-for', 'accept', 'accept-encoding', 'content-encoding', 'x-request-id', 'x-customer-id', 'x-role', 'origin', 'cookie'),
      // 20 000 characters: past node's 16 KiB header limit over HTTP (431).
      fc.oneof(fc.constantFrom('-1', '1e9', '99999999999999999999', 'gzip', 'deflate', 'admin', '*/*', 'NaN', 'x'.repeat(20_000)), headerText(40)),
      { maxKeys: 3 },
    ),
  },
);

/** A body as it goes on the wire: JSON of a (maybe mutated) body, broken JSON, or too much. */
function payload(route: RouteModel, bodyLimit: number): fc.Arbitrary<string | undefined> {
  const body = route.body ?? oddValue;
  const json = mutated(body).map(toJsonText);
  return fc.oneof(
    { weight: route.body === undefined ? 1 : 14, arbitrary: json },
    { weight: route.body === undefined || route.bodyOptional === true ? 8 : 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: json.chain((text) => fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n))) },
    { weight: 1, arbitrary: fc.constantFrom('', '{', 'null', '[]', '"x"', 'undefined', 'NaN', '{"a":1}{"b":2}', '{"a":1,}', "{'a':1}", 'items=1&x=2', '<xml/>', '\u0000', '{"__proto__":{"role":"admin"}}', '{"constructor":{"prototype":{"role":"admin"}}}', '{"amountCents":5,"amountCents":-5}') },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
    { weight: 1, arbitrary: fc.constantFrom(`{"name":"${'x'.repeat(bodyLimit)}"}`, `${'['.repeat(20_000)}${']'.repeat(20_000)}`, `{"items":${'['.repeat(5_000)}${']'.repeat(5_000)}}`) },
  );
}

export interface FuzzRequestOptions {
  /** `Bearer <token>` of each caller. */
  readonly tokens: Readonly<Record<Caller, string>>;
  /** `Authorization` values that must be refused. */
  readonly forged: Readonly<Record<string, string>>;
  readonly ids: KnownIds;
  readonly bodyLimit: number;
  /** Only these routes (default: all). */
  readonly routes?: readonly RouteModel[];
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function pathFor(route: RouteModel, ids: KnownIds): fc.Arbitrary<{ path: string; pathId?: string }> {
  const stray = strayPath.map((path) => ({ path }));
  if (!route.url.includes(':id')) return fc.oneof({ weight: 9, arbitrary: fc.constant({ path: route.url }) }, { weight: 1, arbitrary: stray });
  const known = route.url.startsWith('/orders') ? ids.orders : route.url.startsWith('/products') ? ids.products : route.url.startsWith('/carts') ? (ids.carts ?? ['cart-1']) : ids.customers;
  const id = fc.oneof({ weight: 7, arbitrary: plausibleId(known).map(encodeURIComponent) }, { weight: 3, arbitrary: oddPathId });
  const own = fc.tuple(id, plausibleId(ids.products)).map(([value, productId]) => {
    const pathId = decoded(value);
    return { path: route.url.replace(':id', value).replace(':productId', encodeURIComponent(productId)), ...(pathId === undefined ? {} : { pathId }) };
  });
  return fc.oneof({ weight: 9, arbitrary: own }, { weight: 1, arbitrary: stray });
}

function describe(request: Omit<FuzzRequest, typeof fc.toStringMethod>): string {
  const cut = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text);
  return `${request.method} ${cut(request.url)} ${cut(JSON.stringify(request.headers))}${request.payload === undefined ? '' : ` body ${cut(JSON.stringify(request.payload))}`}`;
}

function described(request: Omit<FuzzRequest, typeof fc.toStringMethod>): FuzzRequest {
  return { ...request, [fc.toStringMethod]: () => describe(request) } as FuzzRequest;
}

/** The request with another body: a plausible one of its route, as JSON. */
export function withPlausibleBody(request: FuzzRequest): fc.Arbitrary<FuzzRequest> {
  const body = request.route.body;
  if (body === undefined) return fc.constant(request);
  return body.map((value) => described({ ...request, headers: { ...request.headers, 'content-type': 'application/json' }, payload: toJsonText(value) }));
}

/** The request with one header set. */
export function withHeader(request: FuzzRequest, name: string, value: string): FuzzRequest {
  return described({ ...request, headers: { ...request.headers, [name]: value } });
}

/** The body with its customerId (if it names one) the caller's own. */
function ownedBy(body: unknown, subject: string): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !Object.hasOwn(body, 'customerId')) return body;
  return { ...body, customerId: subject };
}

/** A well-formed request from a valid caller: the route's method, a known id, a plausible (or nearly valid) body, JSON. */
function plausibleRequest(route: RouteModel, options: FuzzRequestOptions, nearly = false): fc.Arbitrary<FuzzRequest> {
  const known = route.url.startsWith('/orders') ? options.ids.orders : route.url.startsWith('/products') ? options.ids.products : route.url.startsWith('/carts') ? (options.ids.carts ?? ['cart-1']) : options.ids.customers;
  return fc.record({
    caller: fc.constantFrom(...(Object.keys(options.tokens) as Caller[])),
    id: fc.constantFrom(...known),
    productId: fc.constantFrom(...options.ids.products),
    key: route.body === undefined ? fc.constant(undefined) : fc.option(fc.stringMatching(/^[\x21-\x7e]{1,40}$/), { nil: undefined }),
    body: route.body === undefined ? fc.constant(undefined) : nearly ? nearlyValid(route.body) : fc.oneof({ weight: 2, arbitrary: route.body }, { weight: 1, arbitrary: nearlyValid(route.body) }),
    own: fc.boolean(),
    // fastify answers HEAD for every GET route.
    method: route.method === 'GET' ? fc.constantFrom('GET', 'GET', 'HEAD') : fc.constant(route.method),
  }).map(({ caller, id, productId, key, body: value, own, method }) => {
    const body = value === undefined ? undefined : toJsonText(own ? ownedBy(value, CALLERS[caller].subject) : value);
    return described({
      route,
      method,
      url: route.url.replace(':id', encodeURIComponent(id)).replace(':productId', encodeURIComponent(productId)),
      headers: { authorization: options.tokens[caller], ...(key === undefined ? {} : { 'idempotency-key': key }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { payload: body }),
      caller,
      ...(route.url.includes(':id') ? { pathId: id } : {}),
    });
  });
}

/** A write from a valid caller, well-formed but for one place in its body. */
export function nearlyValidWrites(options: FuzzRequestOptions): fc.Arbitrary<FuzzRequest> {
  const writes = (options.routes ?? routeModels(options.ids)).filter((route) => route.body !== undefined);
  return fc.constantFrom(...writes).chain((route) => plausibleRequest(route, options, true));
}

/** A well-formed request to any route from a valid caller (a GET maybe as HEAD). */
export function wellFormedRequests(options: FuzzRequestOptions): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...(options.routes ?? routeModels(options.ids))).chain((route) => plausibleRequest(route, options));
}

/** One request to one of the routes, valid or not: a quarter well-formed, the rest hostile in some way. */
export function fuzzRequests(options: FuzzRequestOptions): fc.Arbitrary<FuzzRequest> {
  const routes = options.routes ?? routeModels(options.ids);
  return fc.constantFrom(...routes).chain((route) => fc.oneof({ weight: 3, arbitrary: hostileRequest(route, options) }, { weight: 1, arbitrary: plausibleRequest(route, options) }));
}

function hostileRequest(route: RouteModel, options: FuzzRequestOptions): fc.Arbitrary<FuzzRequest> {
  const otherMethod = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
  return fc.record({
    method: fc.oneof({ weight: 9, arbitrary: fc.constant(route.method) }, { weight: 1, arbitrary: otherMethod }),
    path: pathFor(route, options.ids),
    query,
    auth: authorization(options.tokens, options.forged),
    key: route.body === undefined ? fc.constant(undefined) : idempotencyKey,
    type: contentType,
    other: otherHeaders,
    payload: payload(route, options.bodyLimit),
  }).map(({ method, path: { path, pathId }, query: q, auth, key, type, other, payload: body }) => {
    const headers: Record<string, string> = { ...other };
    if (auth.header !== undefined) headers['authorization'] = auth.header;
    if (key !== undefined) headers['idempotency-key'] = key;
    if (body !== undefined && type !== undefined) headers['content-type'] = type;
    return described({ route, method, url: `${path}${q}`, headers, ...(body === undefined ? {} : { payload: body }), ...(auth.caller === undefined ? {} : { caller: auth.caller }), ...(pathId === undefined ? {} : { pathId }) });
  });
}
