/**
 * The configuration of one e-commerce service process, validated once at start: invalid
 * values fail naming the key (and, from the environment, the variable). Every key reads
 * from `ECOMMERCE_<KEY>` (dots and dashes as underscores), e.g.
 * `ECOMMERCE_BOOTSTRAP_SERVERS`, `ECOMMERCE_APPLICATION_SERVER`, `ECOMMERCE_TOPIC_PREFIX`.
 *
 * @example
 * ```ts
 * const config = ecommerceServiceConfig.fromEnv(process.env, ENV_PREFIX, { 'application.server': '127.0.0.1:50061' });
 * config['processing.guarantee']; // 'exactly_once_v2' unless set
 * ```
 */

import { fileURLToPath } from 'node:url';
import { defineConfig, integer, list, oneOf, string, type ConfigOf } from '../../common/config.ts';
import { LOG_LEVELS } from './observability/service-log.ts';
import { securityFields } from '../../processors/kafka/index.ts';
import { registryAuthFields } from '../../schemas/registry/registry-auth.ts';

export const ENV_PREFIX = 'ECOMMERCE';

/**
 * `.stack/state` of this checkout, next to the local stack's data: state belongs with the
 * cluster it was restored from, and a folder in the system temp folder was shared by every
 * checkout on the machine (each folder also records its cluster and is wiped when opened
 * against another).
 */
export const DEFAULT_STATE_DIR = fileURLToPath(new URL('../../.stack/state', import.meta.url));

const fields = {
  'bootstrap.servers': list({ default: ['127.0.0.1:9092'], doc: 'Kafka brokers, host:port, comma-separated.' }),
  'schema.registry.url': string({ default: 'http://127.0.0.1:8081/apis/ccompat/v7', pattern: /^https?:\/\/\S+$/, doc: 'Base URL of the Confluent-compatible schema registry API.' }),
  'state.dir': string({ default: DEFAULT_STATE_DIR, doc: 'Root folder of the services\' local state (<state.dir>/<service>); by default under the local stack\'s data folder of this checkout, never a folder other checkouts share.' }),
  'application.server': string({ default: '', pattern: /^([^\s:]+:\d{1,5})?$/, doc: 'host:port where this instance answers interactive queries (its gRPC query server); empty for none.' }),
  'processing.guarantee': oneOf(['at_least_once', 'exactly_once_v2'] as const, { default: 'exactly_once_v2', doc: 'Exactly-once keeps the saga\'s state, outputs and offsets in one transaction.' }),
  'commit.interval.ms': integer({ default: 100, min: 0, doc: 'How often each service commits.' }),
  'producer.batch.records': integer({ default: 5_000, min: 1, doc: 'Output records buffered before a send; under exactly-once they reach the broker inside the open transaction, before the commit.' }),
  'group.instance.id': string({ default: '', pattern: /^[A-Za-z0-9._-]*$/, doc: 'Static membership: this process\'s stable id in its service\'s group (the launcher gives <service>-<index>); a restart within session.timeout.ms takes its old place and tasks without a rebalance. Empty: a dynamic member.' }),
  'session.timeout.ms': integer({ default: 20_000, min: 6_000, doc: 'A process not heard from for this long leaves its group: how long a crashed process\'s partitions wait for it. With group.instance.id a restart within it costs no rebalance, so it must exceed a restart (a few seconds); below order.deadline.ms, a process gone for good hands its partitions over before the orders waiting on it expire.' }),
  'heartbeat.interval.ms': integer({ default: 3_000, min: 100, doc: 'Heartbeat period of the group members; lower than session.timeout.ms.' }),
  'num.standby.replicas': integer({ default: 0, min: 0, doc: 'Standby copies of each stateful task on other instances, kept warm from the changelogs: a failover then restores (almost) nothing. The platform launcher sets 1 when it runs 2 or more instances of a service.' }),
  'topic.prefix': string({ default: '', pattern: /^[a-zA-Z0-9._-]*$/, doc: 'Put before every topic name and application id (tests give each run its own).' }),
  'topic.partitions': integer({ default: 3, min: 1, doc: 'Partitions of the platform topics when a service creates them; all alike, so they are co-partitioned.' }),
  // Measured under chaos (saga-chaos.serial.integration.test.ts, loaded 2-core machine): a zombie's partitions move after the
  // session timeout plus a rebalance and a restore (~30 s), a broker restart keeps a step waiting ~30-40 s; at 30 s ~8 % of orders expired.
  'order.deadline.ms': integer({ default: 60_000, min: 1, doc: 'How long an order step (inventory, payment) may take when the order does not say. Well above session.timeout.ms: a step whose service stalls (a zombie, a broker restart) must outlast the session timeout plus the rebalance and state restore that hand its partitions over.' }),
  'order.deadline.check.interval.ms': integer({ default: 1_000, min: 1, doc: 'How often the order service looks for steps past their deadline.' }),
  'shipping.dispatch.delay.ms': integer({ default: 2_000, min: 0, doc: 'Simulated courier: from payment to dispatch.' }),
  'shipping.delivery.delay.ms': integer({ default: 3_000, min: 0, doc: 'Simulated courier: from dispatch to delivery.' }),
  'shipping.courier.interval.ms': integer({ default: 500, min: 1, doc: 'How often the courier looks for due shipments.' }),
  'fraud.pool.threads': integer({ default: 2, min: 0, doc: 'Worker threads scoring fraud (piscina); 0 scores in the stream thread.' }),
  'fraud.score.iterations': integer({ default: 2_000, min: 1, doc: 'SHA-256 rounds per fraud score: its CPU cost.' }),
  'fraud.max.amount.cents': integer({ default: 1_000_000, min: 1, doc: 'Orders of this amount or more are refused as fraud.' }),
  'fraud.velocity.window.ms': integer({ default: 60_000, min: 1, doc: 'The sliding window of the per-customer velocity rule.' }),
  'fraud.velocity.max.orders': integer({ default: 5, min: 1, doc: 'Orders a customer may place within the window; the next is refused.' }),
  'fraud.batch.size': integer({ default: 64, min: 1, doc: 'Orders scored together at most.' }),
  'analytics.window.size.ms': integer({ default: 3_600_000, min: 1_000, doc: 'Analytics: size of the tumbling sales windows (an hour).' }),
  'analytics.window.grace.ms': integer({ default: 300_000, min: 0, doc: 'Analytics: how long after its end a sales window still takes late sales, before its final result leaves; below analytics.window.size.ms.' }),
  'analytics.window.retention.ms': integer({ default: 604_800_000, min: 1_000, doc: 'Analytics: how long sales windows stay queryable (GET /analytics/sales); at least size plus grace.' }),
  'cart.expiry.ms': integer({ default: 1_800_000, min: 1, doc: 'A cart without a command (add, remove, checkout) for this long expires: the cart service marks it EXPIRED and empties it.' }),
  'cart.expiry.check.interval.ms': integer({ default: 1_000, min: 1, doc: 'How often the cart service looks for carts past their expiry (a wall-clock punctuator).' }),
  'metrics.host': string({ default: '127.0.0.1', pattern: /^[^\s/]+$/, doc: 'Address the Prometheus metrics server (GET /metrics) binds.' }),
  'metrics.port': integer({ default: 0, min: 0, max: 65_535, doc: 'Port of the Prometheus metrics server; 0 binds a free one, which the process prints (`<application id> metrics on http://host:port/metrics`). The platform launcher gives each process its own (PLATFORM_METRICS_BASE_PORT).' }),
  'log.level': oneOf(LOG_LEVELS, { default: 'info', doc: 'Level of the JSON log lines on stdout: fatal, error, warn, info, debug (each order step with its orderId), trace or silent.' }),
  // Credentials and CA of a secured schema registry (ECOMMERCE_SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO, …).
  ...registryAuthFields('schema.registry.'),
  // TLS and SASL of the service's Kafka clients (ECOMMERCE_SECURITY_PROTOCOL, ECOMMERCE_SASL_JAAS_CONFIG, …).
  ...securityFields,
};

export const ecommerceServiceConfig = defineConfig(fields);

export type EcommerceServiceConfig = ConfigOf<typeof fields>;
