/**
 * The gateway assembled from its config: the command publisher (schemas registered, Kafka
 * producer), the query client of the services' gRPC servers, what the ops page reads
 * (`ops/`: the instances over gRPC, group lag from Kafka), the HTTP API, listening.
 * `close()` stops taking requests, then closes the producer and the query channels.
 *
 * Before anything connects, the token settings are checked: some key material must be set
 * (`GATEWAY_JWT_SECRET`, `GATEWAY_JWKS_URL`, `GATEWAY_JWKS_FILE` or the sign-in key
 * `GATEWAY_AUTH_PRIVATE_KEY_FILE`), and the public development secret is refused unless the
 * gateway listens on loopback only. With a sign-in key, the gateway also runs its sign-in
 * state (`auth/sign-in.ts`) and verifies the tokens it issues itself; with
 * `GATEWAY_AUDIT_POSTGRES_URL` it answers `GET /orders/:id/audit` from the audit log, and `GET /products`
 * searches the products index at `GATEWAY_SEARCH_URL`. The gateway
 * calls the query servers as the platform's `service` identity: `GATEWAY_QUERY_TOKEN`, or
 * short-lived tokens it signs with the secret.
 *
 * @example
 * ```ts
 * const gateway = await startGateway(gatewayConfig.fromEnv(process.env, 'GATEWAY'));
 * console.log(`gateway listening on ${gateway.url}`);
 * process.on('SIGTERM', () => void gateway.close());
 * ```
 */

import type { FastifyInstance } from 'fastify';
import { KstError } from '../common/errors.ts';
import { ServiceTokens } from './auth/service-token.ts';
import { verifierFromSettings } from './auth/settings.ts';
import { startSignIn } from './auth/sign-in.ts';
import { AuditLog } from './audit/audit-log.ts';
import { ProductSearch } from './search/product-search.ts';
import { withIssuedTokens } from './auth/token-issuer.ts';
import { CommandPublisher, type CommandSink } from './commands/command-publisher.ts';
import { gatewayConfig, type GatewayConfig } from './config.ts';
import { StreamSlots } from './limits/stream-slots.ts';
import type { Accepted, QueryReader } from './http/context.ts';
import { IdempotencyCache } from './http/idempotency-cache.ts';
import { GatewayMetrics } from './http/metrics.ts';
import { RateLimiter } from './http/rate-limiter.ts';
import { kafkaClientConfig, unprefixedSecuritySettings } from '../processors/kafka/index.ts';
import { registryAuthOf } from '../schemas/registry/registry-auth.ts';
import { buildHttpApi, type GatewayLoggerOptions } from './http/server.ts';
import { KafkaGroupLag } from './ops/group-lag.ts';
import { OpsCollector, type OpsSource } from './ops/ops-collector.ts';
import { QueryClient } from './queries/query-client.ts';
import type { SalesReader } from './http/routes/analytics.ts';

export interface Gateway {
  /** `http://host:port` the API listens on. */
  readonly url: string;
  readonly port: number;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

export interface GatewayParts {
  /** Replaces the Kafka publisher (tests). */
  readonly commands?: CommandSink;
  /** Replaces the gRPC query client (tests). */
  readonly queries?: QueryReader & { close?: () => void };
  /** Replaces what the ops page reads (tests). */
  readonly ops?: OpsSource;
  readonly logger?: boolean | GatewayLoggerOptions;
}

/** Lifetime of the service tokens the gateway signs for itself, at most the configured maximum. */
const SERVICE_TOKEN_LIFETIME_S = 300;

const envName = (key: keyof GatewayConfig & string): string => gatewayConfig.envName(key, 'GATEWAY');

export async function startGateway(config: GatewayConfig, parts: GatewayParts = {}): Promise<Gateway> {
  const configured = verifierFromSettings({
    secret: config['jwt.secret'],
    jwksUrl: config['jwks.url'],
    jwksFile: config['jwks.file'],
    issuer: config['jwt.issuer'],
    audience: config['jwt.audience'],
    maxLifetimeS: config['jwt.max.lifetime.s'],
    clockSkewMs: config['jwt.clock.skew.ms'],
  }, { secret: envName('jwt.secret'), jwksUrl: envName('jwks.url'), jwksFile: envName('jwks.file'), host: envName('http.host') }, config['http.host'], ['customer', 'admin', 'service']);
  if (configured === undefined && config['auth.private.key.file'] === '') {
    throw new KstError('KST_CONFIG_INVALID', `the gateway verifies bearer tokens: set ${envName('jwt.secret')} (HS256, at least 32 bytes), ${envName('jwks.url')}, ${envName('jwks.file')} or ${envName('auth.private.key.file')} (its own sign-in)`, { key: envName('jwt.secret') });
  }
  const serviceToken = config['query.token'] !== '' ? config['query.token']
    : config['jwt.secret'] === '' ? undefined
      : new ServiceTokens({
        secret: config['jwt.secret'],
        subject: 'gateway',
        lifetimeS: Math.min(SERVICE_TOKEN_LIFETIME_S, config['jwt.max.lifetime.s']),
        issuer: config['jwt.issuer'],
        audience: config['jwt.audience'],
      });
  // Sign-in's key is checked, and its state restored, before the rest connects.
  const signIn = await startSignIn(config, envName);
  const verify = signIn === undefined ? configured as NonNullable<typeof configured> : withIssuedTokens(signIn.issuer, configured);
  const commands = parts.commands ?? await CommandPublisher.create({
    bootstrapServers: config['kafka.bootstrap.servers'],
    security: unprefixedSecuritySettings(config, 'kafka.'),
    registryUrl: config['registry.url'],
    registryAuth: registryAuthOf(config, 'registry.'),
    topicPrefix: config['topic.prefix'],
  }).catch(async (error: unknown) => {
    await signIn?.close().catch(() => undefined);
    throw error;
  });
  const queries = parts.queries ?? new QueryClient({
    endpoints: { order: config['order.query.endpoints'], inventory: config['inventory.query.endpoints'], customer: config['customer.query.endpoints'], analytics: config['analytics.query.endpoints'], cart: config['cart.query.endpoints'] },
    ...(serviceToken === undefined ? {} : { token: typeof serviceToken === 'string' ? serviceToken : () => serviceToken.current() }),
    deadlineMs: config['query.deadline.ms'],
    retries: config['query.retries'],
    backoffMs: config['query.backoff.ms'],
  });
  const token = serviceToken === undefined ? {} : { token: typeof serviceToken === 'string' ? serviceToken : () => serviceToken.current() };
  const opsSeeds = config['ops.endpoints'].length > 0 ? config['ops.endpoints']
    : [...config['order.query.endpoints'], ...config['inventory.query.endpoints'], ...config['customer.query.endpoints'], ...config['cart.query.endpoints']];
  const ops = parts.ops ?? new OpsCollector({
    seeds: opsSeeds,
    deadlineMs: config['query.deadline.ms'],
    ...token,
    lag: new KafkaGroupLag(kafkaClientConfig.parse({ ...unprefixedSecuritySettings(config, 'kafka.'), 'bootstrap.servers': [...config['kafka.bootstrap.servers']], 'client.id': 'kst-gateway-ops' })),
  });
  const audit = config['audit.postgres.url'] === '' ? undefined : new AuditLog({ url: config['audit.postgres.url'], table: config['audit.table'] });
  const app = buildHttpApi({
    commands,
    queries,
    ops,
    idempotency: new IdempotencyCache<Accepted>({ maxEntries: config['idempotency.max.entries'], ttlMs: config['idempotency.ttl.ms'] }),
    metrics: new GatewayMetrics(),
    sseHeartbeatMs: config['sse.heartbeat.ms'],
    sseAwaitCreationMs: config['sse.await.creation.ms'],
    now: Date.now,
  }, {
    verify,
    limiter: new RateLimiter({ burst: config['rate.limit.burst'], perSecond: config['rate.limit.per.second'], maxCallers: config['rate.limit.max.callers'] }),
    bodyLimit: config['http.body.limit.bytes'],
    maxDepositCents: config['max.deposit.cents'],
    streamSlots: new StreamSlots({ perCaller: config['sse.max.per.caller'], total: config['sse.max.total'] }),
    ...(signIn === undefined ? {} : { signIn }),
    ...(audit === undefined ? {} : { audit }),
    ...('getSales' in queries ? { sales: queries as SalesReader } : {}),
    search: new ProductSearch({ url: config['search.url'], index: config['search.index'], timeoutMs: config['search.timeout.ms'] }),
    ...(parts.logger === undefined ? {} : { logger: parts.logger }),
  });
  try {
    await app.listen({ host: config['http.host'], port: config['http.port'] });
  } catch (error) {
    await commands.close().catch(() => undefined);
    queries.close?.();
    await ops.close?.();
    await signIn?.close().catch(() => undefined);
    await audit?.close().catch(() => undefined);
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : config['http.port'];
  return {
    url: `http://${config['http.host']}:${port}`,
    port,
    app,
    async close() {
      await app.close();
      await commands.close();
      queries.close?.();
      await ops.close?.();
      await signIn?.close();
      await audit?.close();
    },
  };
}
