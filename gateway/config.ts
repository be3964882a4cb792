/**
 * The gateway's settings: one schema, validated once at start (`gatewayConfig.fromEnv`
 * reads `GATEWAY_HTTP_PORT`, `GATEWAY_JWT_SECRET`, `GATEWAY_JWKS_URL`, ...); a bad or missing
 * value stops the gateway with `KST_CONFIG_INVALID` naming the key and its variable. Rules
 * across keys (some key material is set; the development secret only on loopback) are
 * checked when the gateway starts (`gateway.ts`). `document()` renders the table for the README.
 *
 * @example
 * ```ts
 * const config = gatewayConfig.fromEnv(process.env, 'GATEWAY');
 * const gateway = await startGateway(config);
 * ```
 */

import { defineConfig, integer, list, oneOf, string, type ConfigOf, type Field } from '../common/config.ts';
import { KstError } from '../common/errors.ts';
import { prefixedSecurityFields } from '../processors/kafka/index.ts';
import { registryAuthFields } from '../schemas/registry/registry-auth.ts';
import { MIN_SECRET_BYTES, secretField } from './auth/settings.ts';

const ENDPOINTS = /^[^\s:,]+:\d{1,5}$/;

/** A list of host:port, empty unless `fallback` is given (then it must not be empty). */
function endpoints(doc: string, fallback?: string): Field<readonly string[]> {
  const base = list({ default: fallback === undefined ? [] : [fallback], doc });
  return Object.freeze({
    ...base,
    convert: (raw: unknown, key: string): readonly string[] => {
      const value = base.convert(raw, key);
      const bad = value.find((endpoint) => !ENDPOINTS.test(endpoint));
      if ((fallback !== undefined && value.length === 0) || bad !== undefined) throw new KstError('KST_CONFIG_INVALID', `config "${key}" must be a comma-separated list of host:port (got ${JSON.stringify(raw)})`, { key, value: raw });
      return value;
    },
  });
}

export const gatewayConfig = defineConfig({
  'http.host': string({ default: '127.0.0.1', doc: 'Interface the HTTP API binds to.' }),
  'http.port': integer({ default: 8080, min: 0, max: 65535, doc: 'Port of the HTTP API; 0 picks a free one.' }),
  'log.level': oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, { default: 'info', doc: 'Level of the JSON log lines (fastify\'s pino logger, with service and instance) on stdout.' }),
  'http.body.limit.bytes': integer({ default: 65_536, min: 1_024, doc: 'Largest request body accepted.' }),
  'kafka.bootstrap.servers': list({ default: ['127.0.0.1:9092'], doc: 'Brokers the commands are produced to.' }),
  // TLS and SASL of the command producer: GATEWAY_KAFKA_SECURITY_PROTOCOL, GATEWAY_KAFKA_SASL_JAAS_CONFIG, …
  ...prefixedSecurityFields('kafka.'),
  // Credentials and CA of a secured schema registry: GATEWAY_REGISTRY_BASIC_AUTH_USER_INFO, …
  ...registryAuthFields('registry.'),
  'registry.url': string({ default: 'http://127.0.0.1:8081/apis/ccompat/v7', pattern: /^https?:\/\//, doc: 'Confluent-compatible schema registry the command schemas are registered in.' }),
  'topic.prefix': string({ default: '', pattern: /^[A-Za-z0-9._-]+$/, doc: 'Prepended to every command topic (orders.commands → <prefix>orders.commands); for tests and shared clusters.' }),
  'jwt.secret': secretField(`HS256 secret bearer tokens are verified (and the gateway's service token signed) with; at least ${MIN_SECRET_BYTES} bytes. The public development secret is accepted only while http.host is loopback.`),
  'jwks.url': string({ default: '', doc: 'JWKS URL of an OpenID Connect provider (its jwks_uri): asymmetric tokens (RS256, ES256, EdDSA, ...) are verified against its keys.' }),
  'jwks.file': string({ default: '', doc: 'A JWKS file of public keys to verify asymmetric tokens with (instead of jwks.url).' }),
  'jwt.issuer': string({ default: '', doc: 'When set, tokens must carry this iss.' }),
  'jwt.audience': string({ default: '', doc: 'When set, tokens must carry this aud.' }),
  'jwt.max.lifetime.s': integer({ default: 3_600, min: 60, max: 2_592_000, doc: 'Longest token lifetime accepted: exp − iat (exp − now without iat); tokens without exp are refused.' }),
  'jwt.clock.skew.ms': integer({ default: 30_000, min: 0, doc: 'Clock difference tolerated on exp and nbf.' }),
  // Sign-in (POST /auth/*): off while auth.private.key.file is empty.
  'auth.private.key.file': string({ default: '', doc: 'PEM private key (Ed25519 → EdDSA, or RSA ≥ 2048 bits → RS256) the gateway signs the tokens of POST /auth/token with; empty: sign-in is off. Its public key is served at /.well-known/jwks.json.' }),
  'auth.issuer': string({ default: 'kstreams-gateway', doc: 'iss of the tokens the gateway issues (and checks on them).' }),
  'auth.access.token.lifetime.s': integer({ default: 300, min: 30, max: 3_600, doc: 'Lifetime of an issued access token; at most jwt.max.lifetime.s.' }),
  'auth.refresh.token.lifetime.s': integer({ default: 604_800, min: 300, max: 7_776_000, doc: 'Lifetime of a refresh token (a sign-in session); revocations are kept this long.' }),
  'auth.application.id': string({ default: 'gateway-auth', pattern: /^[A-Za-z0-9._-]+$/, doc: 'application.id (after topic.prefix) of the sign-in streams application every gateway instance runs (accounts and revocations as GlobalKTables).' }),
  'auth.state.dir': string({ default: '', doc: 'State folder of the sign-in streams application (its stores are in memory); empty: a fresh temporary folder.' }),
  'auth.max.failures.per.account': integer({ default: 5, min: 1, doc: 'Failed sign-ins one account may have within auth.failure.window.s before 429.' }),
  'auth.max.failures.per.address': integer({ default: 20, min: 1, doc: 'Failed sign-ins, refreshes and registrations one client address may make within auth.failure.window.s before 429.' }),
  'auth.failure.window.s': integer({ default: 900, min: 1, doc: 'Window of the sign-in attempt limits.' }),
  'auth.scrypt.cost': integer({ default: 32_768, min: 1_024, max: 1_048_576, doc: 'scrypt N (a power of two) of new password hashes; r = 8, p = 1.' }),
  'audit.postgres.url': string({ default: '', doc: 'postgres://user:password@host:port/database of the audit log (GET /orders/:id/audit, admins only); empty: the route answers 503.' }),
  'audit.table': string({ default: 'audit_log', pattern: /^[A-Za-z0-9_]+$/, doc: 'Table the audit-postgres sink appends every command and event to.' }),
  'search.url': string({ default: 'http://127.0.0.1:9200', pattern: /^https?:\/\/[^\s/]+/, doc: 'OpenSearch (or Elasticsearch) the products search read model is in (GET /products); user:password@ in the URL is sent as basic auth.' }),
  'search.index': string({ default: 'products', pattern: /^[a-z0-9][a-z0-9._-]*$/, doc: 'Index GET /products searches: the products-search sink\'s index (<topic.prefix>products, lower case).' }),
  'search.timeout.ms': integer({ default: 3_000, min: 100, max: 60_000, doc: 'Deadline of one search request to OpenSearch; past it GET /products answers 503.' }),
  'max.deposit.cents': integer({ default: 10_000_000, min: 1, max: 1_000_000_000_000, doc: 'Largest amount one POST /customers/:id/deposits may credit (admins only).' }),
  'sse.max.per.caller': integer({ default: 10, min: 1, doc: 'Event streams (GET /orders/:id/events) one caller may have open at once; more answer 429.' }),
  'sse.max.total': integer({ default: 1_000, min: 1, doc: 'Event streams open at once across all callers; more answer 429.' }),
  'rate.limit.burst': integer({ default: 100, min: 1, doc: 'Requests a caller may make at once (the token bucket\'s size).' }),
  'rate.limit.per.second': integer({ default: 50, min: 1, doc: 'Tokens a caller\'s bucket regains per second.' }),
  'rate.limit.max.callers': integer({ default: 100_000, min: 1, doc: 'Buckets kept; the least recently seen caller is forgotten beyond it.' }),
  'idempotency.max.entries': integer({ default: 10_000, min: 1, doc: 'Responses kept for Idempotency-Key replays; the oldest go first.' }),
  'idempotency.ttl.ms': integer({ default: 86_400_000, min: 1_000, doc: 'How long a response is replayed for its Idempotency-Key.' }),
  // Defaults: the platform's single-instance layout, one query port per service from 50051 in the order of ApplicationIds.
  'order.query.endpoints': endpoints('gRPC query servers of the order service (any instance answers any key).', '127.0.0.1:50051'),
  'inventory.query.endpoints': endpoints('gRPC query servers of the inventory service.', '127.0.0.1:50052'),
  'customer.query.endpoints': endpoints('gRPC query servers of the service that keeps the customers store (payment, which owns the balances).', '127.0.0.1:50053'),
  'analytics.query.endpoints': endpoints('gRPC query servers of the analytics service (GET /analytics/sales; any instance gathers every instance\'s windows).', '127.0.0.1:50057'),
  'cart.query.endpoints': endpoints('gRPC query servers of the cart service.', '127.0.0.1:50058'),
  'ops.endpoints': endpoints('gRPC query servers the ops page (GET /ops) starts from, one of each service at least; it finds the other instances from their host tables. Empty: the order, inventory, customer and cart query endpoints.'),
  'query.token': string({ default: '', doc: 'Bearer token (role service) sent to the query servers; empty: the gateway signs short-lived service tokens with jwt.secret itself.' }),
  'query.deadline.ms': integer({ default: 3_000, min: 100, doc: 'Deadline of one query call.' }),
  'query.retries': integer({ default: 6, min: 0, doc: 'Retries of a query answered UNAVAILABLE (rebalance, restoring, instance down), each on the next endpoint.' }),
  'query.backoff.ms': integer({ default: 100, min: 1, doc: 'First pause between query retries; doubles each time, up to 2 s.' }),
  'sse.heartbeat.ms': integer({ default: 15_000, min: 1_000, doc: 'Comment line sent on an idle event stream so proxies keep it open.' }),
  'sse.await.creation.ms': integer({ default: 10_000, min: 0, doc: 'How long GET /orders/:id/events waits for an order just submitted to appear.' }),
});

export type GatewayConfig = ConfigOf<typeof gatewayConfig.fields>;
