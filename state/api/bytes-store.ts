/**
 * The bottom of a store's stack and the shape every layer below the metered one shares:
 * a key-value store of bytes, as Kafka Streams' `KeyValueStore<Bytes, byte[]>`. Keys order
 * by their bytes (unsigned, lexicographic, a prefix first).
 *
 * Writes never read: `put(key, null)` deletes without asking for the old value, so that
 * layers can write down a whole cache without a disk read per entry. Whoever needs the
 * previous value (`delete`, `putIfAbsent` of the typed store) reads it first.
 *
 * @example
 * ```ts
 * const store: KeyValueBytesStore = Stores.inMemoryKeyValueStore('counts').get();
 * await store.init(context);
 * store.put(Buffer.from('k'), Buffer.from('v'));
 * store.get(Buffer.from('k')); // <Buffer 76>, synchronously for the in-memory backend
 * ```
 */

import type { Awaitable } from '../../common/awaitable.ts';
import type { RestorableStore } from './restorable.ts';
import type { KeyValue, StateStore } from './state-store.ts';

/** One write; `value` null is a delete. `timestamp` is the record time the change carries to the changelog. */
export interface BytesWrite {
  readonly key: Buffer;
  readonly value: Buffer | null;
  readonly timestamp?: number;
}

export interface KeyValueBytesStore extends StateStore, RestorableStore {
  /** Answers synchronously when the value is in memory (in-memory backend, cache, write buffer, prefetch). */
  get(key: Buffer): Awaitable<Buffer | undefined>;
  /** One batched read of many keys, in the order given. */
  getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>>;
  /** `value` null deletes. `timestamp` is the record time, for the changelog. */
  put(key: Buffer, value: Buffer | null, timestamp?: number): void;
  putAll(writes: Iterable<BytesWrite>): void;
  /** Entries with `from <= key <= to` in byte order, unflushed writes included; either bound may be omitted. */
  range(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>>;
  all(): AsyncIterable<KeyValue<Buffer, Buffer>>;
  approximateNumEntries(): Promise<number>;
  /** Makes the following `get`s of these keys synchronous, with one batched read. */
  prefetch(keys: readonly Buffer[]): Promise<void>;
}

/**
 * Makes one bytes store per task, as Kafka Streams' `KeyValueBytesStoreSupplier`; the
 * `Stores` factory hands these to a store builder.
 */
export interface KeyValueBytesStoreSupplier {
  readonly name: string;
  /** The backend's name in metrics: `rocksdb`, `level`, `in-memory`. */
  readonly metricsScope: string;
  get(): KeyValueBytesStore;
}
