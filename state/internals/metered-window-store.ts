/**
 * The top layer of window stores, as Kafka Streams' `MeteredWindowStore`: typed keys and
 * values over store keys of `key + window start (+ sequence number)`, with metrics.
 *
 * With `retainDuplicates` every put adds an entry under a fresh sequence number and a null
 * put is ignored, as in Kafka Streams; the counter starts at a random point below 2^31 so
 * that a restarted task does not write over the duplicates it wrote before (Kafka Streams
 * starts at 0 and can). A point `fetch` then answers the earliest duplicate.
 */

import { then, type Awaitable } from '../../common/awaitable.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { KeyValueBytesStore } from '../api/bytes-store.ts';
import type { SegmentedBytesStore } from '../api/segmented-bytes-store.ts';
import type { KeyValue } from '../api/state-store.ts';
import type { WindowStore } from '../api/window-store.ts';
import type { TimeWindow, Windowed } from '../api/windowed.ts';
import { MeteredSegmentedStore } from './metered-segmented-store.ts';
import { MAX_TIME, baseKey, checkTime, clampTime, isEntryOf, upperBoundOf, windowKeySchema, windowStoreKey } from './window-key-schema.ts';

const MAX_SEQ = 0xffffffff;
/** More window starts than this per key in one batch's span: one scan per key is cheaper than the points. */
const MAX_POINT_STARTS = 8;

/** The multiples of `every` in `[from, to]`; undefined when there are too many to read as points. */
function windowStarts(from: number, to: number, every: number): number[] | undefined {
  if (!(every > 0)) return undefined;
  const starts: number[] = [];
  for (let time = Math.ceil(Math.max(0, from) / every) * every; time <= to; time += every) {
    if (starts.length === MAX_POINT_STARTS) return undefined;
    starts.push(time);
  }
  return starts;
}

export class MeteredWindowStore<K, V> extends MeteredSegmentedStore<K, V> implements WindowStore<K, V> {
  readonly windowSizeMs: number;
  readonly retainDuplicates: boolean;
  #seq: number;

  constructor(inner: KeyValueBytesStore, bottom: SegmentedBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>, backend: string, windowSizeMs: number, retainDuplicates: boolean) {
    super(inner, bottom, windowKeySchema(retainDuplicates), keySerde, valueSerde, backend);
    this.windowSizeMs = windowSizeMs;
    this.retainDuplicates = retainDuplicates;
    this.#seq = retainDuplicates ? Math.floor(Math.random() * 2 ** 31) : 0;
  }

  fetch(key: K, windowStart: number): Awaitable<V | undefined> {
    const metrics = this.metrics('fetch');
    const keyBytes = this.keyBytes(key);
    if (!Number.isSafeInteger(windowStart) || windowStart < 0 || this.bottom.isExpired(windowStart)) return undefined;
    const start = metrics.sampled() ? performance.now() : -1;
    const found = this.retainDuplicates ? this.#firstDuplicate(keyBytes, windowStart) : this.inner.get(windowStoreKey(keyBytes, windowStart));
    return then(found, (bytes) => {
      if (start >= 0) metrics.observe('fetch', start);
      return this.value(bytes);
    });
  }

  async *fetchRange(key: K, timeFrom: number, timeTo: number): AsyncGenerator<KeyValue<number, V>> {
    const metrics = this.metrics('fetch');
    const keyBytes = this.keyBytes(key);
    const from = clampTime(this.liveFrom(timeFrom));
    const to = clampTime(timeTo);
    if (from > to) return;
    const started = performance.now();
    for await (const entry of this.inner.range(this.#storeKey(keyBytes, from, 0), this.#storeKey(keyBytes, to, MAX_SEQ))) {
      if (!isEntryOf(entry.key, keyBytes, this.schema)) continue;
      const time = this.schema.timeOf(entry.key);
      if (time < from || time > to) continue;
      const value = this.value(entry.value);
      if (value !== undefined) yield { key: time, value };
    }
    metrics.observe('fetch', started);
  }

  fetchKeyRange(keyFrom: K | undefined, keyTo: K | undefined, timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    this.metrics('range');
    return this.#scan(keyFrom === undefined ? undefined : this.keyBytes(keyFrom), keyTo === undefined ? undefined : this.keyBytes(keyTo), timeFrom, timeTo);
  }

  fetchAll(timeFrom: number, timeTo: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    this.metrics('range');
    return this.#scan(undefined, undefined, timeFrom, timeTo);
  }

  all(): AsyncIterable<KeyValue<Windowed<K>, V>> {
    this.metrics('range');
    return this.#scan(undefined, undefined, 0, MAX_TIME);
  }

  put(key: K, value: V | null, windowStart: number): void {
    const metrics = this.metrics('put');
    const start = metrics.sampled() ? performance.now() : -1;
    const keyBytes = this.keyBytes(key);
    checkTime(this.name, 'windowStart', windowStart);
    if (this.dropExpired(windowStart)) return;
    const bytes = this.valueBytes(value);
    if (bytes === null && this.retainDuplicates) return;
    this.inner.put(windowStoreKey(keyBytes, windowStart, this.retainDuplicates ? this.#nextSeq() : undefined), bytes);
    if (start >= 0) metrics.observe('put', start);
  }

  async prefetch(keys: readonly K[], timeFrom: number, timeTo: number, startsEveryMs?: number): Promise<void> {
    const metrics = this.metrics('prefetch');
    const start = performance.now();
    const points = startsEveryMs === undefined || this.retainDuplicates ? undefined : windowStarts(timeFrom, timeTo, startsEveryMs);
    if (points === undefined) {
      await this.bottom.prefetchRanges(keys.map((key) => this.keyBytes(key)), timeFrom, timeTo);
    } else {
      // A batched point read costs a fraction of a RocksDB iterator per key and segment.
      const storeKeys: Buffer[] = [];
      for (const key of keys) {
        const keyBytes = this.keyBytes(key);
        for (const windowStart of points) storeKeys.push(windowStoreKey(keyBytes, windowStart));
      }
      await this.bottom.prefetch(storeKeys);
    }
    metrics.observe('prefetch', start);
  }

  protected windowOf(storeKey: Buffer): TimeWindow {
    const start = this.schema.timeOf(storeKey);
    return { start, end: start + this.windowSizeMs };
  }

  /** Entries of keys in `[keyFrom, keyTo]` with start in `[timeFrom, timeTo]`, in store key order. */
  async *#scan(keyFrom: Buffer | undefined, keyTo: Buffer | undefined, timeFrom: number, timeTo: number): AsyncGenerator<KeyValue<Windowed<K>, V>> {
    const from = clampTime(this.liveFrom(timeFrom));
    const to = clampTime(timeTo);
    if (from > to) return;
    // The bare lower key sorts before all its entries; the upper one padded with 0xff after all of them.
    const high = keyTo === undefined ? undefined : upperBoundOf(keyTo, this.schema);
    for await (const entry of this.inner.range(keyFrom, high)) {
      if (entry.key.length < this.schema.suffixBytes) continue;
      const time = this.schema.timeOf(entry.key);
      if (time < from || time > to) continue;
      const base = baseKey(entry.key, this.schema);
      if ((keyFrom !== undefined && Buffer.compare(base, keyFrom) < 0) || (keyTo !== undefined && Buffer.compare(base, keyTo) > 0)) continue;
      const value = this.value(entry.value);
      if (value !== undefined) yield { key: this.windowedKey(entry.key), value };
    }
  }

  async #firstDuplicate(keyBytes: Buffer, windowStart: number): Promise<Buffer | undefined> {
    for await (const entry of this.inner.range(windowStoreKey(keyBytes, windowStart, 0), windowStoreKey(keyBytes, windowStart, MAX_SEQ))) {
      if (isEntryOf(entry.key, keyBytes, this.schema)) return entry.value;
    }
    return undefined;
  }

  #storeKey(keyBytes: Buffer, time: number, seq: number): Buffer {
    return windowStoreKey(keyBytes, time, this.retainDuplicates ? seq : undefined);
  }

  #nextSeq(): number {
    this.#seq = this.#seq === MAX_SEQ ? 0 : this.#seq + 1;
    return this.#seq;
  }
}
