/**
 * Kafka client settings: one schema per client kind, keys named as the Java client names
 * them so operators can carry their habits over. Parsed once at the edge
 * (`kafkaClientConfig.parse(...)` or `.fromEnv(process.env, 'KAFKA')`); the clients
 * take the frozen result and only translate it into the library's option names here.
 *
 * @example
 * ```ts
 * const client = kafkaClientConfig.parse({ 'bootstrap.servers': '127.0.0.1:9092', 'client.id': 'orders' });
 * const consumerConfig = kafkaConsumerConfig.parse({ 'group.id': 'orders', 'isolation.level': 'read_committed' });
 * const consumer = new KafkaConsumer(client, consumerConfig, { assignor: allMembersRangeAssignor('orders') });
 * ```
 */

import { boolean, defineConfig, integer, list, oneOf, string, type ConfigOf } from '../../common/config.ts';
import type { BaseOptions } from '@platformatic/kafka';
import { securityFailure } from './errors.ts';
import { securityFields, toSecurityOptions } from './security-config.ts';
import { ISOLATION_LEVELS, OFFSET_RESET_POLICIES } from './types.ts';

export const kafkaClientConfig = defineConfig({
  'bootstrap.servers': list({ default: ['127.0.0.1:9092'], doc: 'Brokers to bootstrap from, as host:port; the rest of the cluster is discovered.' }),
  'client.id': string({ default: 'kstreams', pattern: /^[A-Za-z0-9._-]+$/, doc: 'Client id sent to the brokers (shows in quotas, logs and metrics).' }),
  'request.timeout.ms': integer({ default: 30_000, min: 100, doc: 'How long one request may wait for its answer.' }),
  'connect.timeout.ms': integer({ default: 5_000, min: 100, doc: 'How long opening one broker connection may take.' }),
  retries: integer({ default: 5, min: 0, doc: 'How often a retriable request is retried before the error surfaces.' }),
  'retry.backoff.ms': integer({ default: 250, min: 0, doc: 'Pause between two retries.' }),
  'metadata.max.age.ms': integer({ default: 30_000, min: 100, doc: 'How long cluster metadata (leaders, partition counts) is cached before a refresh.' }),
  ...securityFields,
});
export type KafkaClientConfig = ConfigOf<typeof kafkaClientConfig.fields>;

export const kafkaConsumerConfig = defineConfig({
  'group.id': string({ doc: 'Consumer group; for a streams application, its application.id.' }),
  'isolation.level': oneOf(ISOLATION_LEVELS, { default: 'read_uncommitted', doc: 'read_committed hides records of open and aborted transactions (needed for exactly-once).' }),
  'auto.offset.reset': oneOf(OFFSET_RESET_POLICIES, { default: 'latest', doc: 'Where to start a partition that has no committed offset; none fails instead.' }),
  'session.timeout.ms': integer({ default: 45_000, min: 1_000, doc: 'A member not heard from for this long is removed from the group.' }),
  'rebalance.timeout.ms': integer({ default: 60_000, min: 1_000, doc: 'How long the group waits for members to rejoin (and finish their revocation work) in a rebalance; at least session.timeout.ms.' }),
  'heartbeat.interval.ms': integer({ default: 3_000, min: 100, doc: 'Heartbeat period; at most a third of session.timeout.ms is sensible.' }),
  'fetch.max.wait.ms': integer({ default: 500, min: 0, doc: 'How long the broker may hold a fetch open waiting for fetch.min.bytes.' }),
  'fetch.min.bytes': integer({ default: 1, min: 0, doc: 'The broker answers a fetch once it has this many bytes (or fetch.max.wait.ms passed).' }),
  'fetch.max.bytes': integer({ default: 52_428_800, min: 1_024, doc: 'Upper bound of one fetch response, per broker.' }),
  'max.partition.fetch.bytes': integer({ default: 1_048_576, min: 1_024, doc: 'Upper bound of the data one partition contributes to a fetch response.' }),
});
export type KafkaConsumerConfig = ConfigOf<typeof kafkaConsumerConfig.fields>;

export const kafkaProducerConfig = defineConfig({
  'compression.type': oneOf(['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const, { default: 'none', doc: 'Compression of produced batches.' }),
  'enable.idempotence': boolean({ default: true, doc: 'Idempotent writes (acks=all, producer id and sequence numbers): retries never duplicate. Transactional producers are always idempotent.' }),
  'batch.size': integer({ default: 16_384, min: 1, doc: 'Bytes of one partition\'s batch in a produce request (a larger record gets a batch of its own); a request carries one batch per partition, and a send goes out as several requests when it holds more.' }),
  'transaction.timeout.ms': integer({ default: 60_000, min: 1_000, doc: 'Transactional producers only: how long the transaction coordinator lets a transaction stay open before it aborts it and fences the producer (its epoch is bumped). A crashed producer\'s open transaction holds read_committed consumers of its partitions back for at most this long, unless a new producer with the same transactional id fences it first. At most the broker\'s transaction.max.timeout.ms (15 min by default).' }),
  'max.request.size': integer({ default: 1_048_576, min: 1_024, doc: 'Bytes of one produce request, and so the largest record that can be sent: a larger one is handed to the production exception handler instead. Keep it at or below the topics\' max.message.bytes (broker default 1 MiB).' }),
});
export type KafkaProducerConfig = ConfigOf<typeof kafkaProducerConfig.fields>;

/** Translates our settings into the library's base options (the only place that knows both). */
export function toBaseOptions(config: KafkaClientConfig, clientIdSuffix?: string): BaseOptions {
  return {
    clientId: clientIdSuffix === undefined ? config['client.id'] : `${config['client.id']}-${clientIdSuffix}`,
    bootstrapBrokers: [...config['bootstrap.servers']],
    timeout: config['request.timeout.ms'],
    connectTimeout: config['connect.timeout.ms'],
    retries: config.retries,
    retryDelay: (client: object, _operationId: string, _attempt, _retries, error) => {
      // Refused credentials or an untrusted certificate do not heal by retrying, but the
      // library retries them (it does not look into a network error's cause). Closing the
      // client ends the pending retry at once with every error so far, so the caller gets
      // KST_KAFKA_AUTHENTICATION / KST_KAFKA_TLS in one attempt, not after every retry.
      if (securityFailure(error) !== undefined) queueMicrotask(() => void (client as { close(): Promise<void> }).close().catch(() => undefined));
      return config['retry.backoff.ms'];
    },
    metadataMaxAge: config['metadata.max.age.ms'],
    autocreateTopics: false,
    ...toSecurityOptions(config),
  };
}

/** Kafka's wire value of an isolation level. */
export function isolationLevelCode(level: KafkaConsumerConfig['isolation.level']): 0 | 1 {
  return level === 'read_committed' ? 1 : 0;
}
