/**
 * KTables keep each value with the timestamp of the record that wrote it, as Kafka
 * Streams' `TimestampedKeyValueStore`; on disk the value is the 8-byte big-endian
 * timestamp followed by the value bytes.
 */

import type { Awaitable } from '../../common/awaitable.ts';
import type { KeyValueStore } from './key-value-store.ts';
import type { StoreHeaders } from './state-store.ts';

export interface ValueAndTimestamp<V> {
  readonly value: V;
  readonly timestamp: number;
}

export type TimestampedKeyValueStore<K, V> = KeyValueStore<K, ValueAndTimestamp<V>>;

/** One entry a caching layer writes down on flush or eviction. */
export interface CacheFlushEntry<K, V> {
  readonly key: K;
  /** Undefined when the entry was deleted. */
  readonly newValue: V | undefined;
  /** The value before the first change since the last flush; only when old values are sent. */
  readonly oldValue: V | undefined;
  readonly timestamp: number;
  /** The headers of the record that last wrote the entry (its record context); absent from a store without them. */
  readonly headers?: StoreHeaders;
}

/**
 * A store whose caching layer can tell the DSL what it flushes: KTables forward their
 * changes from here, so that many updates of one key between commits leave as one record
 * (Kafka Streams' record cache). The cache awaits what the listener returns before the
 * flush completes, so a downstream that had to wait keeps its order. Returns false when the store has no cache, in which
 * case the caller forwards every change itself.
 */
export interface FlushListenable<K, V> {
  setFlushListener(listener: (entries: readonly CacheFlushEntry<K, V>[]) => Awaitable<void>, sendOldValues: boolean): boolean;
}
