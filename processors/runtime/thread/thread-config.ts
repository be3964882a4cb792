/**
 * What one stream thread is started with. Plain data only (no functions, no class
 * instances), so the same object crosses to a worker thread unchanged; the Kafka client
 * settings are derived from it here, in one place.
 *
 * @example
 * ```ts
 * const settings: ThreadSettings = { applicationId: 'wordcount', processId, threadIndex: 1, ... };
 * const consumer = new KafkaConsumer(clientSettings(settings, 'consumer'), consumerSettings(settings), { assignor });
 * ```
 */

import { kafkaClientConfig, kafkaConsumerConfig, kafkaProducerConfig, type KafkaClientConfig, type KafkaConsumerConfig, type KafkaProducerConfig, type SecuritySettings } from '../../kafka/index.ts';

export interface ThreadSettings {
  readonly applicationId: string;
  readonly processId: string;
  /** 1-based, as Kafka Streams names its threads (`…-StreamThread-1`). */
  readonly threadIndex: number;
  readonly threadCount: number;
  /** Static membership: this thread's consumer's group.instance.id (`<group.instance.id>-<threadIndex>`). */
  readonly groupInstanceId: string | undefined;
  readonly bootstrapServers: readonly string[];
  /** TLS and SASL settings of every Kafka client of the thread (plain strings: they cross to worker threads). */
  readonly security: Partial<SecuritySettings>;
  /** Prefix of the client ids of this thread's Kafka clients. */
  readonly clientIdPrefix: string;
  readonly exactlyOnce: boolean;
  readonly commitIntervalMs: number;
  readonly stateDir: string;
  readonly endpoint: string | undefined;
  readonly numStandbyReplicas: number;
  /** `acceptable.recovery.lag`, `max.warmup.replicas`, `probing.rebalance.interval.ms` (KIP-441). */
  readonly warmup: { readonly acceptableLag: number; readonly maxWarmups: number; readonly probingIntervalMs: number };
  /** This thread's share of `cache.max.bytes.buffering`. */
  readonly cacheMaxBytes: number;
  readonly deserializationHandler: 'log-and-fail' | 'log-and-continue';
  readonly processingHandler: 'log-and-fail' | 'log-and-continue';
  readonly productionHandler: 'default' | 'log-and-continue';
  readonly deadLetterTopic: string | undefined;
  readonly maxPollRecords: number;
  /** `max.task.idle.ms`: how long a task waits for an empty, caught-up input partition; -1 never waits. */
  readonly maxTaskIdleMs: number;
  /** `buffered.records.per.partition`: fetching a partition pauses while its task buffers more. */
  readonly bufferedRecordsPerPartition: number;
  readonly pollMs: number;
  readonly sessionTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  readonly maxPollIntervalMs: number;
  readonly autoOffsetReset: 'earliest' | 'latest' | 'none';
  readonly requestTimeoutMs: number;
  /** The transactional producer's transaction.timeout.ms (exactly_once_v2). */
  readonly transactionTimeoutMs: number;
  readonly retries: number;
  readonly retryBackoffMs: number;
  readonly producerBatchRecords: number;
  /** The producer's `batch.size` and `max.request.size`. */
  readonly producerBatchBytes: number;
  readonly producerMaxRequestBytes: number;
  /** Partition counts of the topics the topology writes, for custom partitioners. */
  readonly partitionCounts: ReadonlyMap<string, number>;
  /** How often consumer lag is measured (end offsets are listed), in ms; 0 turns it off. */
  readonly lagIntervalMs: number;
}

export function threadName(settings: Pick<ThreadSettings, 'clientIdPrefix' | 'threadIndex'>): string {
  return `${settings.clientIdPrefix}-StreamThread-${settings.threadIndex}`;
}

/** Kafka client settings of one of the thread's clients. */
export function clientSettings(settings: ThreadSettings): KafkaClientConfig {
  return kafkaClientConfig.parse({
    ...settings.security,
    'bootstrap.servers': settings.bootstrapServers,
    'client.id': threadName(settings),
    'request.timeout.ms': settings.requestTimeoutMs,
    retries: settings.retries,
    'retry.backoff.ms': settings.retryBackoffMs,
  });
}

/** The group member's settings: group id = application id, read_committed under exactly-once. */
export function consumerSettings(settings: ThreadSettings): KafkaConsumerConfig {
  return kafkaConsumerConfig.parse({
    'group.id': settings.applicationId,
    'isolation.level': settings.exactlyOnce ? 'read_committed' : 'read_uncommitted',
    'auto.offset.reset': settings.autoOffsetReset,
    'session.timeout.ms': settings.sessionTimeoutMs,
    // Kafka Streams gives a member max.poll.interval.ms to finish its revocation work.
    'rebalance.timeout.ms': Math.max(settings.maxPollIntervalMs, settings.sessionTimeoutMs),
    'heartbeat.interval.ms': settings.heartbeatIntervalMs,
    'fetch.max.wait.ms': settings.pollMs,
  });
}

/** The thread's producer: idempotent (transactional under exactly-once), with the request bounds of the streams config. */
export function producerSettings(settings: ThreadSettings): KafkaProducerConfig {
  return kafkaProducerConfig.parse({
    'batch.size': settings.producerBatchBytes,
    'max.request.size': settings.producerMaxRequestBytes,
    'transaction.timeout.ms': settings.transactionTimeoutMs,
  });
}

/**
 * One transactional id per thread (exactly_once_v2), the same for every incarnation of
 * the thread, so the restarted thread's producer fences its predecessor's at once (and
 * aborts its open transaction) instead of waiting for the transaction timeout: from the
 * static member's instance id when there is one (it survives a lost state folder), else
 * from the process id kept in the state folder.
 */
export function transactionalId(settings: Pick<ThreadSettings, 'applicationId' | 'processId' | 'threadIndex' | 'groupInstanceId'>): string {
  if (settings.groupInstanceId !== undefined) return `${settings.applicationId}-${settings.groupInstanceId}`;
  return `${settings.applicationId}-${settings.processId}-${settings.threadIndex}`;
}
