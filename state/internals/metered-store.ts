/**
 * The top layer of every key-value store, as Kafka Streams' `MeteredKeyValueStore`: it
 * turns typed keys and values into bytes with the store's serdes (the serde topic is the
 * changelog topic, as in Kafka Streams) and counts and times what goes through it. Below
 * it everything is bytes.
 *
 * `delete` and `putIfAbsent` read the previous value first; the write of `delete` happens
 * at once, that of `putIfAbsent` once the read answered (at once when cached).
 */

import { isPromise, type Awaitable } from '../../common/awaitable.ts';
import { KstError } from '../../common/errors.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { KeyValueBytesStore } from '../api/bytes-store.ts';
import type { KeyValueStore } from '../api/key-value-store.ts';
import { changelogTopicName, type RestorableStore, type RestoreRecord } from '../api/restorable.ts';
import type { KeyValue, StateStoreContext } from '../api/state-store.ts';
import type { CacheFlushEntry, FlushListenable } from '../api/timestamped.ts';
import { notOpen } from './bytes.ts';
import { StoreMetrics } from './store-metrics.ts';

export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V>, FlushListenable<K, V>, RestorableStore {
  readonly #inner: KeyValueBytesStore;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  readonly #backend: string;
  #topic = '';
  #metrics: StoreMetrics | undefined;

  constructor(inner: KeyValueBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>, backend: string) {
    this.#inner = inner;
    this.#keySerde = keySerde;
    this.#valueSerde = valueSerde;
    this.#backend = backend;
  }

  get name(): string {
    return this.#inner.name;
  }

  get persistent(): boolean {
    return this.#inner.persistent;
  }

  get changelogTopic(): string | undefined {
    return this.#inner.changelogTopic;
  }

  async init(context: StateStoreContext): Promise<void> {
    this.#topic = changelogTopicName(context.applicationId, this.name);
    await this.#inner.init(context);
    this.#metrics = StoreMetrics.register(context.metricsRegistry, { store: this.name, task: context.taskId, backend: this.#backend });
  }

  isOpen(): boolean {
    return this.#inner.isOpen();
  }

  get(key: K): Awaitable<V | undefined> {
    const metrics = this.#open();
    metrics.counts.get++;
    const start = metrics.sampled() ? performance.now() : -1;
    const bytes = this.#inner.get(this.#keyBytes(key));
    if (!isPromise(bytes)) {
      if (start >= 0) metrics.observe('get', start);
      return this.#value(bytes);
    }
    return bytes.then((found) => {
      if (start >= 0) metrics.observe('get', start);
      return this.#value(found);
    });
  }

  put(key: K, value: V): void {
    const metrics = this.#open();
    metrics.counts.put++;
    const start = metrics.sampled() ? performance.now() : -1;
    this.#inner.put(this.#keyBytes(key), this.#valueBytes(value));
    if (start >= 0) metrics.observe('put', start);
  }

  putAll(entries: Iterable<KeyValue<K, V>>): void {
    for (const entry of entries) this.put(entry.key, entry.value);
  }

  putIfAbsent(key: K, value: V): Awaitable<V | undefined> {
    this.#open().counts.put_if_absent++;
    const keyBytes = this.#keyBytes(key);
    const write = (previous: Buffer | undefined): V | undefined => {
      if (previous !== undefined) return this.#value(previous);
      this.#inner.put(keyBytes, this.#valueBytes(value));
      return undefined;
    };
    const previous = this.#inner.get(keyBytes);
    return isPromise(previous) ? previous.then(write) : write(previous);
  }

  delete(key: K): Awaitable<V | undefined> {
    this.#open().counts.delete++;
    const keyBytes = this.#keyBytes(key);
    const previous = this.#inner.get(keyBytes);
    this.#inner.put(keyBytes, null);
    return isPromise(previous) ? previous.then((found) => this.#value(found)) : this.#value(previous);
  }

  async *range(from?: K, to?: K): AsyncGenerator<KeyValue<K, V>> {
    const metrics = this.#open();
    metrics.counts.range++;
    const start = performance.now();
    const low = from === undefined ? undefined : this.#keyBytes(from);
    const high = to === undefined ? undefined : this.#keyBytes(to);
    for await (const entry of this.#inner.range(low, high)) {
      const value = this.#value(entry.value);
      if (value !== undefined) yield { key: this.#key(entry.key), value };
    }
    metrics.observe('range', start);
  }

  all(): AsyncIterable<KeyValue<K, V>> {
    return this.range();
  }

  approximateNumEntries(): Promise<number> {
    this.#open();
    return this.#inner.approximateNumEntries();
  }

  async prefetch(keys: readonly K[]): Promise<void> {
    const metrics = this.#open();
    metrics.counts.prefetch++;
    const start = performance.now();
    await this.#inner.prefetch(keys.map((key) => this.#keyBytes(key)));
    metrics.observe('prefetch', start);
  }

  async restoreBatch(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    const metrics = this.#open();
    metrics.counts.restore++;
    metrics.restoredRecords += records.length;
    const start = performance.now();
    await this.#inner.restoreBatch(records);
    metrics.observe('restore', start);
  }

  setFlushListener(listener: (entries: readonly CacheFlushEntry<K, V>[]) => Awaitable<void>, sendOldValues: boolean): boolean {
    const cache = this.#inner as Partial<FlushListenable<Buffer, Buffer>>;
    if (typeof cache.setFlushListener !== 'function') return false;
    return cache.setFlushListener((entries) =>
      listener(entries.map((entry) => ({ key: this.#key(entry.key), newValue: this.#value(entry.newValue), oldValue: this.#value(entry.oldValue), timestamp: entry.timestamp }))), sendOldValues);
  }

  async flush(): Promise<void> {
    const metrics = this.#open();
    metrics.counts.flush++;
    const start = performance.now();
    await this.#inner.flush();
    metrics.observe('flush', start);
  }

  async close(): Promise<void> {
    try {
      await this.#inner.close();
    } finally {
      this.#metrics?.unregister();
      this.#metrics = undefined;
    }
  }

  #open(): StoreMetrics {
    if (this.#metrics === undefined) throw notOpen(this.name);
    return this.#metrics;
  }

  #keyBytes(key: K): Buffer {
    const bytes = key === null || key === undefined ? null : this.#keySerde.serialize(this.#topic, key);
    if (bytes === null) throw new KstError('KST_STORE_NULL_KEY', `state store "${this.name}" cannot hold a null key`, { store: this.name });
    return bytes;
  }

  /** A null or undefined value is a delete, as `put(key, null)` is in Kafka Streams. */
  #valueBytes(value: V): Buffer | null {
    return value === null || value === undefined ? null : this.#valueSerde.serialize(this.#topic, value);
  }

  #key(bytes: Buffer): K {
    return this.#keySerde.deserialize(this.#topic, bytes) as K;
  }

  #value(bytes: Buffer | undefined): V | undefined {
    return bytes === undefined ? undefined : (this.#valueSerde.deserialize(this.#topic, bytes) ?? undefined);
  }
}
