/**
 * The package's entry point: the DSL to build a topology, the client to run it, and the
 * serdes and stores it is built from.
 *
 * @example
 * ```ts
 * import { KafkaStreams, StreamsBuilder, Serdes } from 'kstreams-ts';
 * const builder = new StreamsBuilder({ defaultKeySerde: Serdes.String(), defaultValueSerde: Serdes.String() });
 * builder.stream('input').to('output');
 * const streams = new KafkaStreams(builder.build(), { 'application.id': 'copy', 'bootstrap.servers': '127.0.0.1:9092' });
 * await streams.start();
 * ```
 */

// The client and the DSL.
export * from './processors/client/index.ts';
export * from './processors/dsl/index.ts';
export { HandlerResponse, continueOnError, failOnError, type DeadLetter, type DeadLetterCallback, type DeserializationExceptionHandler, type ErrorHandlerContext, type ProcessingExceptionHandler } from './processors/runtime/exception-handlers.ts';

// The Processor API.
export { PunctuationType, taskIdToString, type Cancellable, type Processor, type ProcessorContext, type ProcessorSupplier, type Punctuator, type TaskId } from './processors/api/processor.ts';
export { NO_HEADERS, lastHeader, streamRecord, withHeaders, withKey, withTimestamp, withValue, type Headers, type RecordMetadata, type StreamRecord } from './processors/api/record.ts';

// Stores.
export { Stores } from './state/stores.ts';
export type { StateStore } from './state/api/state-store.ts';
export type { StoreBuilder } from './state/api/store-builder.ts';
export type { KeyValueStore, ReadOnlyKeyValueStore } from './state/api/key-value-store.ts';
export type { ReadOnlyWindowStore, TimestampedWindowStore, WindowStore } from './state/api/window-store.ts';
export type { ReadOnlySessionStore, SessionStore } from './state/api/session-store.ts';
export type { TimestampedKeyValueStore, ValueAndTimestamp } from './state/api/timestamped.ts';

// Serdes and the schema registry.
export { Serdes } from './schemas/serdes/serdes.ts';
export type { PreparableSerde, Serde, SerdeHeaders } from './schemas/serdes/serde.ts';
export type { JsonSerdeOptions, JsonValidator } from './schemas/serdes/json.ts';
export { AvroSerde, type AvroSerdeOptions } from './schemas/serdes/avro.ts';
export { RegistryClient, type CompatibilityResult, type RegistryClientOptions } from './schemas/registry/registry-client.ts';
export { MockSchemaRegistry } from './schemas/registry/mock-registry.ts';
export type { RegistryAuth } from './schemas/registry/registry-auth.ts';
export type { AvroSchema, AvroSchemaSource } from './schemas/registry/schema-source.ts';
export { topicNameStrategy, type CompatibilityLevel } from './schemas/registry/subject.ts';

// Errors: every error the engine throws is a KstError with a stable code (docs/errors.md).
export { KstError, isKstError, type ErrorCode, type Recovery } from './common/errors.ts';
