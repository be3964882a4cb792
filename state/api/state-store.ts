/**
 * What every state store is, whatever its shape (key-value, window, session) and
 * backend (RocksDB, Level, memory). Stores are a stack of layers built in one place
 * (`state/builder`): metered → caching → change-logging → bytes store.
 */

import type { Registry } from 'prom-client';

import type { StoreTransaction } from './store-transaction.ts';

/** Record headers as a store sees them (the Processor API's `Headers`), in order. */
export type StoreHeaders = ReadonlyArray<readonly [key: string, value: Buffer]>;

export interface StateStoreContext {
  readonly applicationId: string;
  /** The task's folder for persistent stores: `<state.dir>/<application.id>/<taskId>`. */
  readonly stateDir: string;
  /** Task id as `<subtopology>_<partition>`, the changelog partition is the task's partition. */
  readonly taskId: string;
  readonly partition: number;
  /** Where change-logging layers send their records; undefined when logging is disabled. */
  readonly changelog: ChangelogWriter | undefined;
  /**
   * The timestamp of the record being processed, stamped on changelog records and cache
   * entries (Kafka Streams takes it from the record context); `Date.now()` when absent.
   */
  readonly currentTimestampMs?: () => number;
  /**
   * The headers of the record being processed (empty in a punctuator): a cache keeps them
   * with an entry and hands them to its flush listener, as Kafka Streams' cache keeps the
   * record context. Empty when absent.
   */
  readonly currentHeaders?: () => StoreHeaders;
  /** Upper bound of a caching layer's record cache (`statestore.cache.max.bytes`); a builder's own setting wins. */
  readonly cacheMaxBytes?: number;
  /**
   * The stream thread's record cache budget, shared by all its caching stores (Kafka
   * Streams' `ThreadCache`); when set it replaces `cacheMaxBytes`, a builder's own setting still wins.
   */
  readonly cacheBudget?: RecordCacheBudget;
  /** Where metered layers register their metrics; prom-client's default registry when absent. */
  readonly metricsRegistry?: Registry;
  /** Under exactly-once: the task's store transaction (see `StoreTransaction`); absent otherwise. */
  readonly transaction?: StoreTransaction;
}

/** A bound shared by several caching stores; `CacheBudget` in `state/internals` is the implementation. */
export interface RecordCacheBudget {
  readonly maxBytes: number;
  readonly usedBytes: number;
  readonly exceeded: boolean;
  /** A store's entries grew (or shrank, negative) by `bytes`. */
  add(bytes: number): void;
}

/** Receives the store's changes for its changelog topic; sending is batched by the caller. */
export interface ChangelogWriter {
  /** Queues one change; `value` null is a delete (a tombstone on a compacted topic). */
  append(topic: string, partition: number, key: Buffer, value: Buffer | null, timestamp: number): void;
}

export interface StateStore {
  readonly name: string;
  /** True when the store keeps its data on disk and can restore from a checkpoint. */
  readonly persistent: boolean;
  init(context: StateStoreContext): Promise<void>;
  /** Writes cached and buffered changes down the layers and to the backend. */
  flush(): Promise<void>;
  close(): Promise<void>;
  isOpen(): boolean;
}

export interface KeyValue<K, V> {
  readonly key: K;
  readonly value: V;
}
