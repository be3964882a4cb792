/**
 * Typed key-value stores, as Kafka Streams' `KeyValueStore`. Reads may be asynchronous
 * (`Awaitable`): a read served by the cache or an in-memory backend returns the value
 * itself; a read that must go to disk returns a promise. Writes are synchronous: they
 * land in the cache or the store's write buffer and reach the backend on `flush`
 * (at commit), so the per-record path never waits on I/O.
 *
 * Ranges follow the byte order of the serialized keys, as in Kafka Streams.
 */

import type { KeyValue, StateStore } from './state-store.ts';

import type { Awaitable } from '../../common/awaitable.ts';
export type { Awaitable };

export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): Awaitable<V | undefined>;
  /** Entries with `from <= key <= to` in key byte order; either bound may be omitted. */
  range(from?: K, to?: K): AsyncIterable<KeyValue<K, V>>;
  all(): AsyncIterable<KeyValue<K, V>>;
  approximateNumEntries(): Promise<number>;
}

export interface KeyValueStore<K, V> extends StateStore, ReadOnlyKeyValueStore<K, V> {
  put(key: K, value: V): void;
  putAll(entries: Iterable<KeyValue<K, V>>): void;
  /** Returns the previous value; writes only when there was none. */
  putIfAbsent(key: K, value: V): Awaitable<V | undefined>;
  /** Returns the previous value. */
  delete(key: K): Awaitable<V | undefined>;
  /**
   * Loads the given keys into the store's cache so that the following `get`s of
   * those keys answer synchronously. The runtime calls it once per batch.
   */
  prefetch(keys: readonly K[]): Promise<void>;
}
