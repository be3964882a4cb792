/**
 * Window stores, as Kafka Streams' `WindowStore`: values per (key, window start), kept for
 * `retentionMs` of stream time and then dropped a segment at a time. Reads may be
 * asynchronous (`Awaitable`), writes are synchronous (cached or buffered until `flush`),
 * and `prefetch` loads what a batch's keys will read, as for key-value stores.
 *
 * Iteration order: by key bytes, then window start, as Kafka Streams' RocksDB window store.
 * Precisely, by the stored bytes `key + 8-byte window start`: the two agree unless one key
 * is a prefix of another (`a` and `a\u0000…`), which then interleave.
 */

import type { Awaitable } from '../../common/awaitable.ts';
import type { KeyValue, StateStore } from './state-store.ts';
import type { ValueAndTimestamp } from './timestamped.ts';
import type { Windowed } from './windowed.ts';

export interface ReadOnlyWindowStore<K, V> {
  /** The value of `key` in the window starting at `windowStart`. */
  fetch(key: K, windowStart: number): Awaitable<V | undefined>;
  /** Windows of `key` whose start is in `[timeFrom, timeTo]`, by start time. */
  fetchRange(key: K, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<number, V>>;
  /** Windows of keys in `[keyFrom, keyTo]` (bounds optional) with start in `[timeFrom, timeTo]`. */
  fetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>>;
  fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>>;
  all(): AsyncIterable<KeyValue<Windowed<K>, V>>;
}

export interface WindowStore<K, V> extends StateStore, ReadOnlyWindowStore<K, V> {
  readonly retentionMs: number;
  readonly windowSizeMs: number;
  /** Writes (or with `value` null, deletes) the value of `key` in the window starting at `windowStart`. Writes older than retention are dropped. */
  put(key: K, value: V | null, windowStart: number): void;
  /**
   * Loads the windows of these keys with start in `[timeFrom, timeTo]` so the next fetches
   * of them answer synchronously. With `startsEveryMs` (fixed windows: starts are its
   * multiples) those starts are read as points, in one batched read, instead of one scan
   * per key.
   */
  prefetch(keys: readonly K[], timeFrom: number, timeTo: number, startsEveryMs?: number): Promise<void>;
}

/** A windowed KTable's store: values kept with the timestamp of the record that wrote them, as Kafka Streams' `TimestampedWindowStore`. */
export type TimestampedWindowStore<K, V> = WindowStore<K, ValueAndTimestamp<V>>;
