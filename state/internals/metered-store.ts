/**
 * The top layer of every key-value store, as Kafka Streams' `MeteredKeyValueStore`: it
 * turns typed keys and values into bytes with the store's serdes (the serde topic is the
 * changelog topic, as in Kafka Streams) and counts and times what goes through it. Below
 * it everything is bytes.
 *
 * `delete` and `putIfAbsent` read the previous value first; the write of `delete` happens
 * at once, that of `putIfAbsent` once the read answered (at once when cached).
 *
 * A record's key is read by the task's prefetch, then by the processor's get and put. So
 * that it is serialized once, not three times, the layer remembers the bytes (and, over a
 * cache, the cache's key string) of the last prefetched batch's keys and of the last key
 * used. Only strings and non-zero numbers are remembered: they cannot change after the call
 * (an object key could be mutated between a get and a put), and `===` tells them apart
 * (0 and -0 are equal to it but serialize differently as doubles). Serdes are pure, so a
 * remembered key's bytes are the bytes the serde would give again.
 */

import { isPromise, type Awaitable } from '../../common/awaitable.ts';
import { KstError } from '../../common/errors.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { KeyValueBytesStore } from '../api/bytes-store.ts';
import type { KeyValueStore } from '../api/key-value-store.ts';
import { changelogTopicName, type RestorableStore, type RestoreRecord } from '../api/restorable.ts';
import type { KeyValue, StateStoreContext } from '../api/state-store.ts';
import type { CacheFlushEntry, FlushListenable } from '../api/timestamped.ts';
import { keyString, notOpen } from './bytes.ts';
import { CachingKeyValueStore, type StringKeyedStore } from './caching-store.ts';
import { StoreMetrics } from './store-metrics.ts';

/** A key's bytes and, over a cache, its key string (else ''). */
interface KeyRef {
  readonly bytes: Buffer;
  readonly id: string;
}

const NO_REF: KeyRef = Object.freeze({ bytes: Buffer.alloc(0), id: '' });

function memoizable(key: unknown): boolean {
  return typeof key === 'string' || (typeof key === 'number' && key !== 0);
}

export class MeteredKeyValueStore<K, V> implements KeyValueStore<K, V>, FlushListenable<K, V>, RestorableStore {
  readonly #inner: KeyValueBytesStore;
  readonly #keySerde: Serde<K>;
  readonly #valueSerde: Serde<V>;
  readonly #backend: string;
  /** The inner store when it takes key strings from its caller (the cache). */
  readonly #keyed: StringKeyedStore | undefined;
  #topic = '';
  #metrics: StoreMetrics | undefined;
  /** The last prefetched batch's keys; see the file comment. */
  #batchKeys = new Map<unknown, KeyRef>();
  #lastKey: unknown = undefined;
  #lastRef: KeyRef = NO_REF;

  constructor(inner: KeyValueBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>, backend: string) {
    this.#inner = inner;
    this.#keyed = inner instanceof CachingKeyValueStore ? inner : undefined;
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
    this.#forgetKeys(); // their bytes were made for the old topic
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
    const ref = this.#ref(key);
    const keyed = this.#keyed;
    const bytes = keyed === undefined ? this.#inner.get(ref.bytes) : keyed.getKeyed(ref.id, ref.bytes);
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
    const ref = this.#ref(key);
    const keyed = this.#keyed;
    if (keyed === undefined) this.#inner.put(ref.bytes, this.#valueBytes(value));
    else keyed.putKeyed(ref.id, ref.bytes, this.#valueBytes(value));
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
    // Each distinct key once: a batch often repeats a key, and one read loads it.
    const batch = new Map<unknown, KeyRef>();
    const bytes: Buffer[] = [];
    const ids: string[] = [];
    for (const key of keys) {
      const remember = memoizable(key);
      if (remember && batch.has(key)) continue;
      const ref = this.#newRef(key);
      if (remember) batch.set(key, ref);
      bytes.push(ref.bytes);
      ids.push(ref.id);
    }
    this.#batchKeys = batch;
    const keyed = this.#keyed;
    await (keyed === undefined ? this.#inner.prefetch(bytes) : keyed.prefetchKeyed(ids, bytes));
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
      listener(entries.map((entry) => ({ key: this.#key(entry.key), newValue: this.#value(entry.newValue), oldValue: this.#value(entry.oldValue), timestamp: entry.timestamp, ...(entry.headers === undefined ? {} : { headers: entry.headers }) }))), sendOldValues);
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
      this.#forgetKeys();
    }
  }

  #open(): StoreMetrics {
    if (this.#metrics === undefined) throw notOpen(this.name);
    return this.#metrics;
  }

  #ref(key: K): KeyRef {
    if (!memoizable(key)) return this.#newRef(key);
    if (key === this.#lastKey) return this.#lastRef;
    const ref = this.#batchKeys.get(key) ?? this.#newRef(key);
    this.#lastKey = key;
    this.#lastRef = ref;
    return ref;
  }

  #newRef(key: K): KeyRef {
    const bytes = this.#keyBytes(key);
    return { bytes, id: this.#keyed === undefined ? '' : keyString(bytes) };
  }

  #forgetKeys(): void {
    this.#batchKeys = new Map();
    this.#lastKey = undefined;
    this.#lastRef = NO_REF;
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
