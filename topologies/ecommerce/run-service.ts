/**
 * Runs one e-commerce service as a `KafkaStreams` application: creates the platform
 * topics if missing (all with the same partition count, so they are co-partitioned),
 * registers the schemas, builds the service's topology and starts it under its own
 * application id. Undecodable records are skipped to the service's dead-letter topic
 * (`<prefix><application id>.dead-letters`) instead of stopping it.
 *
 * `createService` returns the client before `start()`, so a caller (the gRPC query
 * server) can hook into it first; `startService` also starts it.
 *
 * @example
 * ```ts
 * const service = await startService('order', { 'application.server': '127.0.0.1:50061' });
 * const orders = service.streams.store({ storeName: Stores.orders, queryableStoreType: QueryableStoreTypes.keyValueStore<string, OrderView>() });
 * await service.close();
 * ```
 */

import { join } from 'node:path';
import { isKstError } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import { startupMark } from '../../common/startup-trace.ts';
import { KafkaStreams } from '../../processors/client/index.ts';
import { KafkaAdmin, kafkaClientConfig, securitySettingsOf } from '../../processors/kafka/index.ts';
import { RegistryClient } from '../../schemas/registry/registry-client.ts';
import { registryAuthOf } from '../../schemas/registry/registry-auth.ts';
import type { Topology } from '../../processors/dsl/index.ts';
import { ApplicationIds, type ServiceName } from './contracts/stores.ts';
import { prefixedTopics, type TopicNames } from './contracts/topics.ts';
import { buildAnalyticsTopology, salesWindowsOf } from './analytics/analytics-topology.ts';
import { buildCartTopology } from './cart/cart-topology.ts';
import { buildCustomerTopology } from './customer/customer-topology.ts';
import { buildInventoryTopology } from './inventory/inventory-topology.ts';
import { buildNotificationTopology } from './notification/notification-topology.ts';
import { buildOrderTopology } from './order/order-topology.ts';
import { inlineFraudScorer, pooledFraudScorer, type FraudScorer } from './payment/fraud-scorer.ts';
import { buildPaymentTopology } from './payment/payment-topology.ts';
import { createEcommerceSerdes, type EcommerceSerdes } from './serdes.ts';
import { ecommerceServiceConfig, type EcommerceServiceConfig } from './service-config.ts';
import { SagaMetrics } from './observability/saga-metrics.ts';
import { buildShippingTopology } from './shipping/shipping-topology.ts';

export interface RunningService {
  readonly name: ServiceName;
  readonly applicationId: string;
  readonly topics: TopicNames;
  readonly streams: KafkaStreams;
  /** The topology the client runs (`topology.describe()` for the ops page). */
  readonly topology: Topology;
  /** Closes the client (and the fraud pool), waiting up to 30 s for a clean shutdown. */
  close(): Promise<void>;
}

/** The service's application id: its name in `ApplicationIds`, after the topic prefix. */
export function applicationIdOf(name: ServiceName, config: Pick<EcommerceServiceConfig, 'topic.prefix'>): string {
  return `${config['topic.prefix']}${ApplicationIds[name]}`;
}

export interface CreateServiceOptions {
  /** Where the engine logs (the process's JSON log); the engine's console default otherwise. */
  readonly logger?: Logger;
  /** Topics and schemas made ready ahead (a warm spare's `prepareService`). */
  readonly prepared?: Promise<PreparedService>;
}

/** The topology of one service, built from its config; the order saga reports its steps to `saga`. */
export function serviceTopology(name: ServiceName, config: EcommerceServiceConfig, serdes: EcommerceSerdes, scorer: FraudScorer, saga?: SagaMetrics): Topology {
  const options = { topics: prefixedTopics(config['topic.prefix']), serdes, storeKind: 'persistent' as const };
  switch (name) {
    case 'order': return buildOrderTopology({
      ...options, defaultDeadlineMs: config['order.deadline.ms'], deadlineCheckIntervalMs: config['order.deadline.check.interval.ms'], ...(saga === undefined ? {} : { onTransition: saga.observer }),
    });
    case 'inventory': return buildInventoryTopology(options);
    case 'payment': return buildPaymentTopology({
      ...options, scorer, fraudBatchSize: config['fraud.batch.size'], velocityWindowMs: config['fraud.velocity.window.ms'], velocityMaxOrders: config['fraud.velocity.max.orders'],
    });
    case 'shipping': return buildShippingTopology({
      ...options, dispatchDelayMs: config['shipping.dispatch.delay.ms'], deliveryDelayMs: config['shipping.delivery.delay.ms'], courierIntervalMs: config['shipping.courier.interval.ms'],
    });
    case 'notification': return buildNotificationTopology(options);
    case 'customer': return buildCustomerTopology(options);
    case 'analytics': return buildAnalyticsTopology({ ...options, windows: salesWindowsOf(config) });
    case 'cart': return buildCartTopology({ ...options, expiryMs: config['cart.expiry.ms'], expiryCheckIntervalMs: config['cart.expiry.check.interval.ms'] });
  }
}

/**
 * Creates the platform topics that do not exist yet, all with `topic.partitions` partitions;
 * brokers that do not answer are waited for, up to `waitForBrokersMs`.
 */
export async function ensurePlatformTopics(config: EcommerceServiceConfig, waitForBrokersMs = 120_000): Promise<void> {
  const admin = new KafkaAdmin(kafkaClientConfig.parse({ ...securitySettingsOf(config), 'bootstrap.servers': config['bootstrap.servers'], 'client.id': 'ecommerce-topics' }));
  const giveUpAt = Date.now() + waitForBrokersMs;
  try {
    const topics = Object.values(prefixedTopics(config['topic.prefix']));
    // A process started while the brokers are away (a broker restart) waits for them: exiting
    // instead made its supervisor restart it in a loop, and the growing backoff kept it down
    // well after the brokers were back (orders expired; see saga-chaos.serial.integration.test.ts).
    for (let attempt = 1; ; attempt++) {
      try {
        // A restart finds them all: one metadata request, no CreateTopics.
        const existing = new Set(await admin.listTopics());
        const missing = topics.filter((name) => !existing.has(name));
        // The templates topic is a table (the source connector writes every change of a row), and so is
        // the carts' catalog copy (the latest row of each product): compacted.
        const named = prefixedTopics(config['topic.prefix']);
        const tables = new Set([named.notificationTemplates, named.cartCatalog]);
        if (missing.length > 0) await admin.createTopics(missing.map((name) => ({ name, partitions: config['topic.partitions'], ...(tables.has(name) ? { configs: { 'cleanup.policy': 'compact' } } : {}) })), { ifNotExists: true });
        return;
      } catch (error) {
        if (!isKstError(error) || error.recovery !== 'retry' || Date.now() > giveUpAt) throw error;
        if (attempt === 1) process.stderr.write(`waiting for the brokers (${config['bootstrap.servers'].join(',')}): ${error.message}\n`);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/**
 * Registers every platform schema under its (prefixed) subject. A launcher calls it once
 * before starting processes side by side, so that they find the subjects in place instead
 * of all creating them at the same moment (which once failed starts with the registry's
 * 409 "A rule named 'COMPATIBILITY' already exists"; the registry client now retries it).
 */
export async function registerPlatformSchemas(config: EcommerceServiceConfig): Promise<void> {
  await createEcommerceSerdes(new RegistryClient({ url: config['schema.registry.url'], clientId: 'ecommerce-schemas', auth: registryAuthOf(config, 'schema.registry.') }), prefixedTopics(config['topic.prefix']));
}

/** What a service needs before its client exists: the platform topics in place and its serdes (schemas registered). */
export interface PreparedService {
  readonly serdes: EcommerceSerdes;
  /** The settings it was prepared with, but the per-run ones: usable only by a service with the same. */
  readonly basis: string;
}

/** The settings a preparation depends on: all but those a launcher gives each run. */
function basisOf(config: EcommerceServiceConfig): string {
  const { 'group.instance.id': _instance, 'application.server': _server, ...rest } = config;
  return JSON.stringify(rest);
}

/**
 * Ensures the platform topics and registers the schemas (side by side: a restart finds
 * both in place). A launcher's warm spare does it while it waits, so that its restart
 * does not (see `createService`'s `prepared`).
 */
export async function prepareService(name: ServiceName, input: Readonly<Record<string, unknown>> = {}): Promise<PreparedService> {
  const config = ecommerceServiceConfig.parse(input);
  const [, serdes] = await Promise.all([
    ensurePlatformTopics(config).then(() => startupMark('platform topics ensured')),
    createEcommerceSerdes(new RegistryClient({ url: config['schema.registry.url'], clientId: ApplicationIds[name], auth: registryAuthOf(config, 'schema.registry.') }), prefixedTopics(config['topic.prefix'])).then((created) => {
      startupMark('schemas registered');
      return created;
    }),
  ]);
  return { serdes, basis: basisOf(config) };
}

/**
 * Everything but `start()`: topics, schemas, topology, client. `options.prepared` (from
 * `prepareService`, done ahead) is used when it was prepared with the same settings and
 * succeeded; otherwise the preparation is done now.
 */
export async function createService(name: ServiceName, input: Readonly<Record<string, unknown>> = {}, options: CreateServiceOptions = {}): Promise<RunningService> {
  const config = ecommerceServiceConfig.parse(input);
  const topics = prefixedTopics(config['topic.prefix']);
  const ahead = await options.prepared?.catch(() => undefined);
  const { serdes } = ahead !== undefined && ahead.basis === basisOf(config) ? ahead : await prepareService(name, input);
  const scoreSettings = { iterations: config['fraud.score.iterations'], maxAmountCents: config['fraud.max.amount.cents'] };
  const scorer = name === 'payment' && config['fraud.pool.threads'] > 0
    ? pooledFraudScorer(scoreSettings, { threads: config['fraud.pool.threads'] })
    : inlineFraudScorer(scoreSettings);
  const applicationId = applicationIdOf(name, config);
  const saga = name === 'order' ? new SagaMetrics(options.logger) : undefined;
  const topology = serviceTopology(name, config, serdes, scorer, saga);
  const streams = new KafkaStreams(topology, {
    ...securitySettingsOf(config),
    'application.id': applicationId,
    'bootstrap.servers': config['bootstrap.servers'],
    'processing.guarantee': config['processing.guarantee'],
    'commit.interval.ms': config['commit.interval.ms'],
    'producer.batch.records': config['producer.batch.records'],
    'session.timeout.ms': config['session.timeout.ms'],
    ...(config['group.instance.id'] === '' ? {} : { 'group.instance.id': config['group.instance.id'] }),
    'heartbeat.interval.ms': config['heartbeat.interval.ms'],
    'num.standby.replicas': config['num.standby.replicas'],
    'state.dir': join(config['state.dir'], name),
    ...(config['application.server'] === '' ? {} : { 'application.server': config['application.server'] }),
    'default.deserialization.exception.handler': 'log-and-continue',
    'errors.dead.letter.queue.topic.name': `${applicationId}.dead-letters`,
  }, options.logger === undefined ? {} : { logger: options.logger });
  // One registry, so the process's /metrics serves the engine's metrics and the saga's.
  if (saga !== undefined) streams.metricsRegistry.registerMetric(saga.histogram);
  return {
    name,
    applicationId,
    topics,
    streams,
    topology,
    close: async () => {
      await streams.close({ timeoutMs: 30_000 });
      await scorer.close();
    },
  };
}

/** `createService`, then `start()`; resolves once the client runs (REBALANCING or RUNNING). */
export async function startService(name: ServiceName, input: Readonly<Record<string, unknown>> = {}, options: CreateServiceOptions = {}): Promise<RunningService> {
  const service = await createService(name, input, options);
  try {
    await service.streams.start();
  } catch (error) {
    await service.close().catch(() => undefined);
    throw error;
  }
  return service;
}
