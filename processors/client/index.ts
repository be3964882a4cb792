/**
 * The streams client: `KafkaStreams` and what it is configured and observed with.
 *
 * @example
 * ```ts
 * import { KafkaStreams } from '../processors/client/index.ts';
 * const streams = new KafkaStreams(topology, { 'application.id': 'wordcount', 'bootstrap.servers': '127.0.0.1:9092' });
 * await streams.start();
 * ```
 */

export { KafkaStreams, type KafkaStreamsOptions, type StreamThreadExceptionResponse, type UncaughtExceptionHandler } from './kafka-streams.ts';
export { CLIENT_TRANSITIONS, type ClientState, type StateListener } from './client-state.ts';
export { parseStreamsConfig, streamsConfig, DEFAULT_COMMIT_INTERVAL_MS, type ProcessingGuarantee, type StreamsConfig, type StreamsConfigInput } from './streams-config.ts';
export type { StreamsMetadata, TaskMetadata, ThreadMetadata } from './streams-metadata.ts';
export type { TopologyModuleSpec, TopologySource } from './topology-source.ts';
export { StreamsRegistry } from './metrics.ts';
export { KAFKA_STREAMS_METRICS, type MetricMapping } from './metric-names.ts';
export { consoleLogger, silentLogger, type LogFields, type Logger } from '../../common/logger.ts';
export { DLQ_HEADERS } from '../runtime/thread/dead-letters.ts';
export { QueryableStoreTypes, type QueryableStoreType } from './queries/queryable-store-types.ts';
export type { HostAndPort, KeyQueryMetadata, LagInfo, StoreQueryParameters } from './queries/streams-queries.ts';
export type { KeySerializer } from './queries/store-routing.ts';
