/**
 * The gateway assembled from its config: the command publisher (schemas registered, Kafka
 * producer), the query client of the services' gRPC servers, the HTTP API, listening.
 * `close()` stops taking requests, then closes the producer and the query channels.
 *
 * @example
 * ```ts
 * const gateway = await startGateway(gatewayConfig.fromEnv(process.env, 'GATEWAY'));
 * console.log(`gateway listening on ${gateway.url}`);
 * process.on('SIGTERM', () => void gateway.close());
 * ```
 */

import type { FastifyInstance } from 'fastify';
import { verifyJwt } from './auth/jwt.ts';
import { CommandPublisher, type CommandSink } from './commands/command-publisher.ts';
import type { GatewayConfig } from './config.ts';
import type { Accepted, QueryReader } from './http/context.ts';
import { IdempotencyCache } from './http/idempotency-cache.ts';
import { GatewayMetrics } from './http/metrics.ts';
import { RateLimiter } from './http/rate-limiter.ts';
import { unprefixedSecuritySettings } from '../processors/kafka/index.ts';
import { buildHttpApi } from './http/server.ts';
import { QueryClient } from './queries/query-client.ts';

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
  readonly logger?: boolean | { level: string };
}

export async function startGateway(config: GatewayConfig, parts: GatewayParts = {}): Promise<Gateway> {
  const optional = (value: string): string | undefined => (value === '' ? undefined : value);
  const commands = parts.commands ?? await CommandPublisher.create({
    bootstrapServers: config['kafka.bootstrap.servers'],
    security: unprefixedSecuritySettings(config, 'kafka.'),
    registryUrl: config['registry.url'],
    topicPrefix: config['topic.prefix'],
  });
  const queries = parts.queries ?? new QueryClient({
    endpoints: { order: config['order.query.endpoints'], inventory: config['inventory.query.endpoints'], customer: config['customer.query.endpoints'] },
    ...(config['query.token'] === '' ? {} : { token: config['query.token'] }),
    deadlineMs: config['query.deadline.ms'],
    retries: config['query.retries'],
    backoffMs: config['query.backoff.ms'],
  });
  const issuer = optional(config['jwt.issuer']);
  const audience = optional(config['jwt.audience']);
  const verify = (token: string) => verifyJwt(token, {
    secret: config['jwt.secret'],
    clockSkewMs: config['jwt.clock.skew.ms'],
    ...(issuer === undefined ? {} : { issuer }),
    ...(audience === undefined ? {} : { audience }),
  });
  const app = buildHttpApi({
    commands,
    queries,
    idempotency: new IdempotencyCache<Accepted>({ maxEntries: config['idempotency.max.entries'], ttlMs: config['idempotency.ttl.ms'] }),
    metrics: new GatewayMetrics(),
    sseHeartbeatMs: config['sse.heartbeat.ms'],
    sseAwaitCreationMs: config['sse.await.creation.ms'],
    now: Date.now,
  }, {
    verify,
    limiter: new RateLimiter({ burst: config['rate.limit.burst'], perSecond: config['rate.limit.per.second'], maxCallers: config['rate.limit.max.callers'] }),
    bodyLimit: config['http.body.limit.bytes'],
    ...(parts.logger === undefined ? {} : { logger: parts.logger }),
  });
  try {
    await app.listen({ host: config['http.host'], port: config['http.port'] });
  } catch (error) {
    await commands.close().catch(() => undefined);
    queries.close?.();
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
    },
  };
}
