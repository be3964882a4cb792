/**
 * The last stage of the client's configuration: from the parsed `StreamsConfig` to what
 * each of its threads is started with — a stream thread's plain-data `ThreadSettings`
 * (it may cross to a worker thread), and the global stream thread's Kafka client.
 *
 * @example
 * ```ts
 * const settings = threadSettings(config, processId, 1, partitionCounts);
 * const client = globalThreadClient(config, processId);
 * ```
 */

import { kafkaClientConfig, securitySettingsOf, type KafkaClientConfig } from '../kafka/index.ts';
import type { ThreadSettings } from '../runtime/thread/thread-config.ts';
import type { StreamsConfig } from './streams-config.ts';

/** How often consumer lag is measured. */
const LAG_INTERVAL_MS = 30_000;

export function threadSettings(config: StreamsConfig, processId: string, index: number, partitionCounts: ReadonlyMap<string, number>): ThreadSettings {
  const applicationId = config['application.id'];
  const threads = config['num.stream.threads'];
  return {
    applicationId,
    processId,
    threadIndex: index,
    groupInstanceId: config['group.instance.id'] === '' ? undefined : `${config['group.instance.id']}-${index}`,
    threadCount: threads,
    bootstrapServers: config['bootstrap.servers'],
    security: securitySettingsOf(config),
    clientIdPrefix: clientIdPrefix(config, processId),
    exactlyOnce: config['processing.guarantee'] === 'exactly_once_v2',
    commitIntervalMs: config['commit.interval.ms'],
    stateDir: config['state.dir'],
    endpoint: config['application.server'] || undefined,
    numStandbyReplicas: config['num.standby.replicas'],
    warmup: { acceptableLag: config['acceptable.recovery.lag'], maxWarmups: config['max.warmup.replicas'], probingIntervalMs: config['probing.rebalance.interval.ms'] },
    cacheMaxBytes: Math.floor(config['cache.max.bytes.buffering'] / threads),
    deserializationHandler: config['default.deserialization.exception.handler'],
    processingHandler: config['processing.exception.handler'],
    productionHandler: config['production.exception.handler'],
    deadLetterTopic: config['errors.dead.letter.queue.topic.name'] || undefined,
    maxPollRecords: config['max.poll.records'],
    maxTaskIdleMs: config['max.task.idle.ms'],
    bufferedRecordsPerPartition: config['buffered.records.per.partition'],
    pollMs: config['poll.ms'],
    sessionTimeoutMs: config['session.timeout.ms'],
    heartbeatIntervalMs: config['heartbeat.interval.ms'],
    maxPollIntervalMs: config['max.poll.interval.ms'],
    autoOffsetReset: config['auto.offset.reset'],
    requestTimeoutMs: config['request.timeout.ms'],
    transactionTimeoutMs: config['transaction.timeout.ms'],
    retries: config.retries,
    retryBackoffMs: config['retry.backoff.ms'],
    producerBatchRecords: config['producer.batch.records'],
    producerBatchBytes: config['producer.batch.size'],
    producerMaxRequestBytes: config['producer.max.request.size'],
    partitionCounts,
    lagIntervalMs: LAG_INTERVAL_MS,
  };
}

/** The global stream thread's Kafka client, named as Kafka Streams names the thread (`…-GlobalStreamThread`). */
export function globalThreadClient(config: StreamsConfig, processId: string): KafkaClientConfig {
  return kafkaClientConfig.parse({
    ...securitySettingsOf(config),
    'bootstrap.servers': config['bootstrap.servers'],
    'client.id': `${clientIdPrefix(config, processId)}-GlobalStreamThread`,
    'request.timeout.ms': config['request.timeout.ms'],
    retries: config.retries,
    'retry.backoff.ms': config['retry.backoff.ms'],
  });
}

function clientIdPrefix(config: StreamsConfig, processId: string): string {
  return config['client.id'] || `${config['application.id']}-${processId}`;
}
