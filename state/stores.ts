/**
 * `Stores`, the factory of state stores, named and shaped after Kafka Streams' `Stores`:
 * a supplier picks the backend, a builder adds the serdes and the layers.
 *
 * | supplier | backend | reads |
 * |---|---|---|
 * | `persistentKeyValueStore` | RocksDB (`rocksdb-native`) | async unless cached or prefetched |
 * | `levelKeyValueStore` | LevelDB (`classic-level`) | async unless cached or prefetched |
 * | `inMemoryKeyValueStore` | a sorted map in memory | always synchronous |
 * | `persistentWindowStore`, `persistentSessionStore` | RocksDB, one per time segment | async unless cached or prefetched |
 * | `inMemoryWindowStore`, `inMemorySessionStore` | sorted maps, one per time segment | always synchronous |
 *
 * Caching and logging are on by default, as in Kafka Streams' DSL.
 *
 * @example
 * ```ts
 * const counts = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.String(), Serdes.Long());
 * const table = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('orders'), Serdes.String(), Serdes.JSON<Order>())
 *   .withCachingDisabled();
 * ```
 */

import { KstError } from '../common/errors.ts';
import type { Serde } from '../schemas/serdes/serde.ts';
import type { KeyValueBytesStore, KeyValueBytesStoreSupplier } from './api/bytes-store.ts';
import type { ValueAndTimestamp } from './api/timestamped.ts';
import { InMemoryKeyValueStore } from './backends/in-memory-store.ts';
import { LevelKeyValueStore } from './backends/level-store.ts';
import { RocksDBKeyValueStore } from './backends/rocksdb-store.ts';
import { valueAndTimestampSerde } from './internals/value-and-timestamp-serde.ts';
import { KeyValueStoreBuilder } from './key-value-store-builder.ts';
import type { SessionBytesStoreSupplier, WindowBytesStoreSupplier } from './api/segmented-bytes-store.ts';
import { sessionSupplier, windowSupplier, type SegmentBackend } from './internals/segmented-suppliers.ts';
import { SessionStoreBuilder } from './session-store-builder.ts';
import { WindowStoreBuilder } from './window-store-builder.ts';

/** Store names become folder and topic names: Kafka's legal topic characters only. */
const LEGAL_NAME = /^[a-zA-Z0-9._-]{1,200}$/;

function checkName(name: string): string {
  if (!LEGAL_NAME.test(name) || name === '.' || name === '..') {
    throw new KstError('KST_CONFIG_INVALID', `store name "${name}" must be 1 to 200 of [a-zA-Z0-9._-] and not "." or ".."`, { key: 'store.name', value: name });
  }
  return name;
}

function supplier(name: string, metricsScope: string, create: (name: string) => KeyValueBytesStore): KeyValueBytesStoreSupplier {
  checkName(name);
  return Object.freeze({ name, metricsScope, get: () => create(name) });
}

/** Segments of window and session stores are key-value bytes stores of these backends. */
const ROCKSDB_SEGMENTS: SegmentBackend = Object.freeze({ metricsScope: 'rocksdb', persistent: true, create: (n: string) => new RocksDBKeyValueStore(n) });
const IN_MEMORY_SEGMENTS: SegmentBackend = Object.freeze({ metricsScope: 'in-memory', persistent: false, create: (n: string) => new InMemoryKeyValueStore(n) });

export const Stores = Object.freeze({
  /** RocksDB, the default persistent backend. */
  persistentKeyValueStore: (name: string): KeyValueBytesStoreSupplier => supplier(name, 'rocksdb', (n) => new RocksDBKeyValueStore(n)),
  /** LevelDB through classic-level. */
  levelKeyValueStore: (name: string): KeyValueBytesStoreSupplier => supplier(name, 'level', (n) => new LevelKeyValueStore(n)),
  /** A sorted map in memory: synchronous reads; restored from the changelog's beginning. */
  inMemoryKeyValueStore: (name: string): KeyValueBytesStoreSupplier => supplier(name, 'in-memory', (n) => new InMemoryKeyValueStore(n)),

  keyValueStoreBuilder: <K, V>(bytesStore: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): KeyValueStoreBuilder<K, V> =>
    new KeyValueStoreBuilder(bytesStore, keySerde, valueSerde),

  /** Values are stored as `ValueAndTimestamp` (8-byte big-endian timestamp, then the value's bytes), as KTables keep them. */
  timestampedKeyValueStoreBuilder: <K, V>(bytesStore: KeyValueBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): KeyValueStoreBuilder<K, ValueAndTimestamp<V>> =>
    new KeyValueStoreBuilder(bytesStore, keySerde, valueAndTimestampSerde(valueSerde), true),

  /**
   * A RocksDB window store, segmented by window start (`max(retention / 2, 60 s)` per
   * segment). With `retainDuplicates` every put adds an entry, as stream-stream joins need.
   */
  persistentWindowStore: (name: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier =>
    windowSupplier(checkName(name), ROCKSDB_SEGMENTS, retentionMs, windowSizeMs, retainDuplicates),
  /** A window store in memory: synchronous reads; restored from the changelog. */
  inMemoryWindowStore: (name: string, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier =>
    windowSupplier(checkName(name), IN_MEMORY_SEGMENTS, retentionMs, windowSizeMs, retainDuplicates),
  windowStoreBuilder: <K, V>(bytesStore: WindowBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): WindowStoreBuilder<K, V> =>
    new WindowStoreBuilder(bytesStore, keySerde, valueSerde, false),
  /** Values as `ValueAndTimestamp`, as windowed KTables keep them. */
  timestampedWindowStoreBuilder: <K, V>(bytesStore: WindowBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): WindowStoreBuilder<K, ValueAndTimestamp<V>> =>
    new WindowStoreBuilder(bytesStore, keySerde, valueAndTimestampSerde(valueSerde), true),

  /** A RocksDB session store, segmented by session end. */
  persistentSessionStore: (name: string, retentionMs: number): SessionBytesStoreSupplier => sessionSupplier(checkName(name), ROCKSDB_SEGMENTS, retentionMs),
  /** A session store in memory: synchronous reads; restored from the changelog. */
  inMemorySessionStore: (name: string, retentionMs: number): SessionBytesStoreSupplier => sessionSupplier(checkName(name), IN_MEMORY_SEGMENTS, retentionMs),
  /** Session aggregates are plain values (no timestamp), as in Kafka Streams. */
  sessionStoreBuilder: <K, V>(bytesStore: SessionBytesStoreSupplier, keySerde: Serde<K>, valueSerde: Serde<V>): SessionStoreBuilder<K, V> =>
    new SessionStoreBuilder(bytesStore, keySerde, valueSerde),
});
