/**
 * The sink connector plugin contract, shaped like Kafka Connect's `SinkConnector` /
 * `SinkTask`: the worker validates and splits the connector config into task configs,
 * runs each task on a consumer group member (`connect-<connector name>`), hands it
 * batches of converted, transformed records with `put`, and commits input offsets only
 * after `flush` has made everything before them durable in the target system.
 */

import type { SinkRecord } from './connect-record.ts';
import type { ConfigDefinitionKey } from './config-def.ts';

export interface TopicPartitionRef {
  readonly topic: string;
  readonly partition: number;
}

export interface SinkTaskContext {
  /** Asks the worker to commit offsets as soon as possible. */
  requestCommit(): void;
  /** Rewinds partitions (e.g. after a failed batch the task will retry). */
  offset(offsets: ReadonlyArray<TopicPartitionRef & { readonly offset: bigint }>): void;
  pause(partitions: readonly TopicPartitionRef[]): void;
  resume(partitions: readonly TopicPartitionRef[]): void;
  /** Reports a record the task could not write (malformed); routed to the DLQ under `errors.tolerance=all`, else fails the task. */
  errantRecordReporter(record: SinkRecord, error: Error): Promise<void>;
}

export interface SinkTask {
  start(config: Readonly<Record<string, string>>, context: SinkTaskContext): Promise<void>;
  open?(partitions: readonly TopicPartitionRef[]): Promise<void>;
  /** Writes (or buffers) a batch. A thrown error with `retriable: true` is retried with the worker's backoff. */
  put(records: readonly SinkRecord[]): Promise<void>;
  /** Makes everything `put` so far durable; the worker commits `offsets` (next offsets to read) afterwards. */
  flush(offsets: ReadonlyMap<string, bigint>): Promise<void>;
  close?(partitions: readonly TopicPartitionRef[]): Promise<void>;
  stop(): Promise<void>;
}

export interface SinkConnectorPlugin {
  /** Fully qualified class name as Connect reports it, e.g. `io.kstreams.connect.jdbc.PostgresSinkConnector`. */
  readonly className: string;
  /** Short aliases accepted in `connector.class`. */
  readonly aliases: readonly string[];
  readonly type: 'sink';
  readonly version: string;
  /** The connector's own keys, for `config/validate` and `connector-plugins/{plugin}/config`. */
  readonly configDef: readonly ConfigDefinitionKey[];
  /** Per-key errors beyond the definitions (cross-field checks); empty when valid. */
  validate?(config: Readonly<Record<string, string>>): Readonly<Record<string, readonly string[]>>;
  /** At most `maxTasks` task configs. */
  taskConfigs(config: Readonly<Record<string, string>>, maxTasks: number): ReadonlyArray<Readonly<Record<string, string>>>;
  createTask(): SinkTask;
}
