/**
 * What the metered layers of window and session stores share, as Kafka Streams'
 * `MeteredWindowStore` and `MeteredSessionStore` do: serdes (the serde topic is the
 * changelog topic), metrics, the plumbing of init, flush, close and restore, and the flush
 * listener, whose entries this layer turns from store keys into `Windowed` keys.
 *
 * It keeps a handle on the bottom (segmented) store besides the stack it writes through:
 * expiry is decided there from stream time, which every put advances at once (a
 * write-back cache would otherwise delay it), and prefetching a time span reads it there,
 * as a cache knows only whole keys.
 */

import type { Awaitable } from '../../common/awaitable.ts';
import { KstError } from '../../common/errors.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { KeyValueBytesStore } from '../api/bytes-store.ts';
import { changelogTopicName, type RestorableStore, type RestoreRecord } from '../api/restorable.ts';
import type { SegmentedBytesStore } from '../api/segmented-bytes-store.ts';
import type { StateStore, StateStoreContext } from '../api/state-store.ts';
import type { CacheFlushEntry, FlushListenable } from '../api/timestamped.ts';
import type { TimeWindow, Windowed } from '../api/windowed.ts';
import { notOpen } from './bytes.ts';
import { StoreMetrics, type StoreOperation } from './store-metrics.ts';
import { baseKey, type KeySchema } from './window-key-schema.ts';

export abstract class MeteredSegmentedStore<K, V> implements StateStore, RestorableStore, FlushListenable<Windowed<K>, V> {
  /** The top of the byte layers: caching → change-logging → segmented. */
  protected readonly inner: KeyValueBytesStore;
  protected readonly bottom: SegmentedBytesStore;
  protected readonly schema: KeySchema;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  readonly #backend: string;
  #topic = '';
  #metrics: StoreMetrics | undefined;

  constructor(inner: KeyValueBytesStore, bottom: SegmentedBytesStore, schema: KeySchema, keySerde: Serde<K>, valueSerde: Serde<V>, backend: string) {
    this.inner = inner;
    this.bottom = bottom;
    this.schema = schema;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#backend = backend;
  }

  get name(): string {
    return this.inner.name;
  }

  get persistent(): boolean {
    return this.inner.persistent;
  }

  get changelogTopic(): string | undefined {
    return this.inner.changelogTopic;
  }

  get retentionMs(): number {
    return this.bottom.retentionMs;
  }

  /** Writes dropped because their window had expired, since the store was built. */
  get droppedRecords(): number {
    return this.bottom.droppedRecords;
  }

  async init(context: StateStoreContext): Promise<void> {
    this.#topic = changelogTopicName(context.applicationId, this.name);
    await this.inner.init(context);
    this.#metrics = StoreMetrics.register(context.metricsRegistry, { store: this.name, task: context.taskId, backend: this.#backend });
  }

  isOpen(): boolean {
    return this.inner.isOpen();
  }

  async restoreBatch(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    const metrics = this.metrics('restore');
    metrics.restoredRecords += records.length;
    const start = performance.now();
    await this.inner.restoreBatch(records);
    metrics.droppedRecords = this.bottom.droppedRecords;
    metrics.observe('restore', start);
  }

  setFlushListener(listener: (entries: readonly CacheFlushEntry<Windowed<K>, V>[]) => Awaitable<void>, sendOldValues: boolean): boolean {
    const cache = this.inner as Partial<FlushListenable<Buffer, Buffer>>;
    if (typeof cache.setFlushListener !== 'function') return false;
    return cache.setFlushListener((entries) =>
      listener(entries.map((entry) => ({ key: this.windowedKey(entry.key), newValue: this.value(entry.newValue), oldValue: this.value(entry.oldValue), timestamp: entry.timestamp, ...(entry.headers === undefined ? {} : { headers: entry.headers }) }))), sendOldValues);
  }

  async flush(): Promise<void> {
    const metrics = this.metrics('flush');
    const start = performance.now();
    await this.inner.flush();
    metrics.droppedRecords = this.bottom.droppedRecords;
    metrics.observe('flush', start);
  }

  async close(): Promise<void> {
    try {
      await this.inner.close();
    } finally {
      this.#metrics?.unregister();
      this.#metrics = undefined;
    }
  }

  /** The window a store key stands for. */
  protected abstract windowOf(storeKey: Buffer): TimeWindow;

  /** Counts one operation; throws when the store is not open. */
  protected metrics(operation: StoreOperation): StoreMetrics {
    if (this.#metrics === undefined) throw notOpen(this.name);
    this.#metrics.counts[operation]++;
    return this.#metrics;
  }

  /** Drops a put whose window expired (counted); advances stream time otherwise. Returns true when dropped. */
  protected dropExpired(time: number): boolean {
    this.bottom.observe(time);
    if (!this.bottom.isExpired(time)) return false;
    this.bottom.recordDropped();
    (this.#metrics as StoreMetrics).droppedRecords = this.bottom.droppedRecords;
    return true;
  }

  /** The earliest live time: a cache above the segmented store may still hold expired entries, which reads skip. */
  protected liveFrom(time: number): number {
    const streamTime = this.bottom.streamTimeMs;
    return streamTime < 0 ? time : Math.max(time, streamTime - this.bottom.retentionMs + 1);
  }

  protected keyBytes(key: K): Buffer {
    const bytes = key === null || key === undefined ? null : this.#keySerde.serialize(this.#topic, key);
    if (bytes === null) throw new KstError('KST_STORE_NULL_KEY', `state store "${this.name}" cannot hold a null key`, { store: this.name });
    return bytes;
  }

  /** A null or undefined value is a delete, as `put(key, null)` is in Kafka Streams. */
  protected valueBytes(value: V | null): Buffer | null {
    return value === null || value === undefined ? null : this.#valueSerde.serialize(this.#topic, value);
  }

  protected value(bytes: Buffer | undefined): V | undefined {
    return bytes === undefined ? undefined : (this.#valueSerde.deserialize(this.#topic, bytes) ?? undefined);
  }

  protected windowedKey(storeKey: Buffer): Windowed<K> {
    return { key: this.#keySerde.deserialize(this.#topic, baseKey(storeKey, this.schema)) as K, window: this.windowOf(storeKey) };
  }
}
