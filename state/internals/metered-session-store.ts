/**
 * The top layer of session stores, as Kafka Streams' `MeteredSessionStore`: typed keys and
 * aggregates over store keys of `key + session end + session start`, with metrics. Stream
 * time and expiry go by session end, as in Kafka Streams: a session is kept while its end
 * is within retention of the latest end seen.
 */

import { then, type Awaitable } from '../../common/awaitable.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { KeyValueBytesStore } from '../api/bytes-store.ts';
import type { SegmentedBytesStore } from '../api/segmented-bytes-store.ts';
import type { SessionStore } from '../api/session-store.ts';
import type { KeyValue } from '../api/state-store.ts';
import type { TimeWindow, Windowed } from '../api/windowed.ts';
import { MeteredSegmentedStore } from './metered-segmented-store.ts';
import type { StoreMetrics } from './store-metrics.ts';
import { MAX_TIME, SESSION_KEY_SCHEMA, checkTime, clampTime, isEntryOf, sessionStartOf, sessionStoreKey } from './window-key-schema.ts';

export class MeteredSessionStore<K, V> extends MeteredSegmentedStore<K, V> implements SessionStore<K, V> {
  constructor(inner: KeyValueBytesStore, bottom: SegmentedBytesStore, keySerde: Serde<K>, valueSerde: Serde<V>, backend: string) {
    super(inner, bottom, SESSION_KEY_SCHEMA, keySerde, valueSerde, backend);
  }

  findSessions(key: K, earliestSessionEnd: number, latestSessionStart: number): AsyncIterable<KeyValue<Windowed<K>, V>> {
    const metrics = this.metrics('fetch');
    return this.#sessions(metrics, this.keyBytes(key), clampTime(this.liveFrom(earliestSessionEnd)), latestSessionStart);
  }

  fetchSession(key: K, sessionStart: number, sessionEnd: number): Awaitable<V | undefined> {
    const metrics = this.metrics('fetch');
    const keyBytes = this.keyBytes(key);
    if (!Number.isSafeInteger(sessionStart) || !Number.isSafeInteger(sessionEnd) || sessionStart < 0 || sessionEnd < sessionStart || this.bottom.isExpired(sessionEnd)) return undefined;
    const start = metrics.sampled() ? performance.now() : -1;
    return then(this.inner.get(sessionStoreKey(keyBytes, sessionStart, sessionEnd)), (bytes) => {
      if (start >= 0) metrics.observe('fetch', start);
      return this.value(bytes);
    });
  }

  fetch(key: K): AsyncIterable<KeyValue<Windowed<K>, V>> {
    const metrics = this.metrics('fetch');
    return this.#sessions(metrics, this.keyBytes(key), clampTime(this.liveFrom(0)), MAX_TIME);
  }

  put(session: Windowed<K>, aggregate: V): void {
    const metrics = this.metrics('put');
    const start = metrics.sampled() ? performance.now() : -1;
    const keyBytes = this.keyBytes(session.key);
    const { start: sessionStart, end: sessionEnd } = session.window;
    checkTime(this.name, 'sessionStart', sessionStart);
    checkTime(this.name, 'sessionEnd', sessionEnd);
    if (this.dropExpired(sessionEnd)) return;
    this.inner.put(sessionStoreKey(keyBytes, sessionStart, sessionEnd), this.valueBytes(aggregate));
    if (start >= 0) metrics.observe('put', start);
  }

  remove(session: Windowed<K>): void {
    this.metrics('remove');
    const keyBytes = this.keyBytes(session.key);
    checkTime(this.name, 'sessionStart', session.window.start);
    checkTime(this.name, 'sessionEnd', session.window.end);
    // An expired session is gone already; the segmented store ignores the write.
    this.inner.put(sessionStoreKey(keyBytes, session.window.start, session.window.end), null);
  }

  /** Sessions that may merge with records in `[timeFrom, timeTo]` end at or after `timeFrom`: those are loaded. */
  async prefetch(keys: readonly K[], timeFrom: number, _timeTo: number): Promise<void> {
    const metrics = this.metrics('prefetch');
    const start = performance.now();
    await this.bottom.prefetchRanges(keys.map((key) => this.keyBytes(key)), timeFrom, MAX_TIME);
    metrics.observe('prefetch', start);
  }

  protected windowOf(storeKey: Buffer): TimeWindow {
    return { start: sessionStartOf(storeKey), end: this.schema.timeOf(storeKey) };
  }

  async *#sessions(metrics: StoreMetrics, keyBytes: Buffer, earliestEnd: number, latestStart: number): AsyncGenerator<KeyValue<Windowed<K>, V>> {
    const started = performance.now();
    const from = sessionStoreKey(keyBytes, 0, earliestEnd);
    const to = sessionStoreKey(keyBytes, MAX_TIME, MAX_TIME);
    for await (const entry of this.inner.range(from, to)) {
      if (!isEntryOf(entry.key, keyBytes, this.schema) || sessionStartOf(entry.key) > latestStart) continue;
      const value = this.value(entry.value);
      if (value !== undefined) yield { key: this.windowedKey(entry.key), value };
    }
    metrics.observe('fetch', started);
  }
}
