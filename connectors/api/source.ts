/**
 * The source connector plugin contract, shaped like Kafka Connect's `SourceConnector` /
 * `SourceTask`: the worker splits the connector config into task configs, calls `poll`
 * in a loop, converts and transforms what it returns, produces it, and stores each
 * record's source offset in the offsets topic once the broker acknowledged the record
 * (keyed by connector name and source partition, as Connect does). A task resumes from
 * what `context.offsetStorageReader` answers.
 */

import type { ConfigDefinitionKey } from './config-def.ts';
import type { ConnectHeaders, ConnectSchema } from './connect-record.ts';

/** A source partition or offset: a small JSON object (Connect's `Map<String, ?>`). */
export type SourceMap = Readonly<Record<string, unknown>>;

export interface SourceRecord {
  /** Where the record comes from, e.g. `{ protocol: '1', table: 'shop.public.orders' }`. */
  readonly sourcePartition: SourceMap;
  /** How far into that partition the record is, e.g. `{ incrementing: 42 }`. */
  readonly sourceOffset: SourceMap;
  readonly topic: string;
  /** undefined: the producer's partitioner chooses from the key. */
  readonly kafkaPartition?: number;
  readonly keySchema: ConnectSchema | null;
  readonly key: unknown;
  readonly valueSchema: ConnectSchema | null;
  readonly value: unknown;
  /** ms since the epoch; undefined: the producer's time. */
  readonly timestamp?: number;
  readonly headers?: ConnectHeaders;
}

export interface OffsetStorageReader {
  /** The last committed offset of a source partition, or null when none was committed. */
  offset(partition: SourceMap): SourceMap | null;
}

export interface SourceTaskContext {
  readonly offsetStorageReader: OffsetStorageReader;
}

export interface SourceTask {
  start(config: Readonly<Record<string, string>>, context: SourceTaskContext): Promise<void>;
  /**
   * The next records, or an empty list when there are none yet. May wait (up to its poll
   * interval) for data; must return soon after `stop` is called.
   */
  poll(): Promise<readonly SourceRecord[]>;
  /** Called after offsets up to the records acknowledged so far were stored. */
  commit?(): Promise<void>;
  /** Signals the task to stop; a `poll` under way returns soon after. */
  stop(): Promise<void>;
}

export interface SourceConnectorPlugin {
  /** Fully qualified class name as Connect reports it, e.g. `io.kstreams.connect.jdbc.PostgresSourceConnector`. */
  readonly className: string;
  readonly aliases: readonly string[];
  readonly type: 'source';
  readonly version: string;
  readonly configDef: readonly ConfigDefinitionKey[];
  /** Per-key errors beyond the definitions (cross-field checks); empty when valid. */
  validate?(config: Readonly<Record<string, string>>): Readonly<Record<string, readonly string[]>>;
  /** At most `maxTasks` task configs. */
  taskConfigs(config: Readonly<Record<string, string>>, maxTasks: number): ReadonlyArray<Readonly<Record<string, string>>>;
  createTask(): SourceTask;
  /** KIP-618: whether the connector can give exactly-once delivery when the worker commits its offsets with its records. */
  readonly exactlyOnceSupport?: 'SUPPORTED' | 'UNSUPPORTED';
}
