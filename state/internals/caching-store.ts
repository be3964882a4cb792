/**
 * The caching layer, as Kafka Streams' `CachingKeyValueStore` over its record cache: a
 * write-back cache keyed by the key bytes. Writes stay in the cache (dirty) and reach the
 * layers below only on `flush` (at commit) or when evicted, so many updates of one key
 * between commits go down, and to the changelog and the KTable's children, as one.
 *
 * Entries sit in a `Map` in roughly least-recently-used order: a touch moves an entry to
 * the young end only when it is in the older half, since a delete and re-insert on every
 * touch cost more than the exact order is worth. When the cache holds more than its bytes
 * bound, the oldest entries go: clean ones are dropped, dirty ones written down and passed
 * to the flush listener. Dirty entries are listed in the order of their last write, the
 * order the flush forwards them in (see `WriteOrder`).
 *
 * Callers that already know a key's `keyString` (the metered layer, which memoizes it per
 * key) pass it to `getKeyed`, `putKeyed` and `prefetchKeyed`, so a record's prefetch, get
 * and put share one string instead of decoding the key bytes three times. Reads that had to
 * wait for the backend, and prefetched keys (absent ones too), are kept as clean entries;
 * reads answered synchronously below are not, as asking again costs as little.
 *
 * Old values for the flush listener are the values below the cache before the first
 * unflushed write: known at once when the key was cached, read in one batch at flush
 * otherwise. An evicted entry whose old value needs a disk read starts that read and stays
 * until it is known (or until the flush), so the bound can be exceeded briefly.
 */

import { isPromise, type Awaitable } from '../../common/awaitable.ts';
import type { KeyValueBytesStore } from '../api/bytes-store.ts';
import type { RestoreRecord } from '../api/restorable.ts';
import type { KeyValue, RecordCacheBudget, StateStoreContext, StoreHeaders } from '../api/state-store.ts';
import type { CacheFlushEntry, FlushListenable } from '../api/timestamped.ts';
import { keyString } from './bytes.ts';
import { mergeWithOverlay, sortedOverlay } from './merge-iterator.ts';
import { WrappedBytesStore } from './wrapped-store.ts';
import { WriteOrder } from './write-order.ts';

/** Kafka Streams' default `statestore.cache.max.bytes`: the bound of a store without a thread's shared budget. */
export const DEFAULT_CACHE_MAX_BYTES = 10 * 1024 * 1024;
/** Rough cost of an entry beyond its bytes: the entry object, the map slot, the key string. */
const ENTRY_OVERHEAD = 96;
/** Writes that arrive while old values are read can need another read; this many rounds at most. */
const OLD_VALUE_ROUNDS = 3;
/** An eviction pass frees the cache down to this share of its bound. */
const EVICT_TO = 0.9;

const NO_STORE_HEADERS: StoreHeaders = Object.freeze([]);
const noHeaders = (): StoreHeaders => NO_STORE_HEADERS;

interface CacheEntry {
  readonly id: string;
  readonly key: Buffer;
  /** null: absent (deleted, or known absent below). */
  value: Buffer | null;
  dirty: boolean;
  old: Buffer | null;
  oldKnown: boolean;
  oldLoading: boolean;
  timestamp: number;
  /** The headers of the record that last wrote it (the record context a flush forwards with). */
  headers: StoreHeaders;
  size: number;
  /** `#inserted` when the entry last went into the map: how far it is from the young end. */
  position: number;
  /** Its slot in `#dirty` while dirty. */
  slot: number;
}

/** The key string of a key, computed once by a caller that passes it down with the key. */
export interface StringKeyedStore {
  getKeyed(id: string, key: Buffer): Awaitable<Buffer | undefined>;
  putKeyed(id: string, key: Buffer, value: Buffer | null, timestamp?: number): void;
  prefetchKeyed(ids: readonly string[], keys: readonly Buffer[]): Promise<void>;
}

export type FlushListener = (entries: readonly CacheFlushEntry<Buffer, Buffer>[]) => Awaitable<void>;

export class CachingKeyValueStore extends WrappedBytesStore implements FlushListenable<Buffer, Buffer>, StringKeyedStore {
  readonly #configuredMaxBytes: number | undefined;
  #maxBytes = DEFAULT_CACHE_MAX_BYTES;
  /** The thread's shared bound, when the store has no bound of its own (see `CacheBudget`). */
  #budget: RecordCacheBudget | undefined;
  readonly #entries = new Map<string, CacheEntry>();
  /** Map insertions so far (new entries and moves), the clock of `CacheEntry.position`. */
  #inserted = 0;
  readonly #dirty = new WriteOrder<CacheEntry>();
  #bytes = 0;
  #listener: FlushListener | undefined;
  #pendingEmits: Promise<void>[] = [];
  #sendOldValues = false;
  #clock: () => number = Date.now;
  #headers: () => StoreHeaders = noHeaders;

  constructor(inner: KeyValueBytesStore, maxBytes?: number) {
    super(inner);
    this.#configuredMaxBytes = maxBytes;
  }

  /** Bytes the cache holds, by its estimate; for tests and metrics. */
  get cachedBytes(): number {
    return this.#bytes;
  }

  override async init(context: StateStoreContext): Promise<void> {
    this.#maxBytes = this.#configuredMaxBytes ?? context.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES;
    this.#budget = this.#configuredMaxBytes === undefined ? context.cacheBudget : undefined;
    this.#clock = context.currentTimestampMs ?? Date.now;
    this.#headers = context.currentHeaders ?? noHeaders;
    await this.inner.init(context);
  }

  setFlushListener(listener: FlushListener, sendOldValues: boolean): boolean {
    this.#listener = listener;
    this.#sendOldValues = sendOldValues;
    return true;
  }

  override get(key: Buffer): Awaitable<Buffer | undefined> {
    return this.getKeyed(keyString(key), key);
  }

  getKeyed(id: string, key: Buffer): Awaitable<Buffer | undefined> {
    const entry = this.#entries.get(id);
    if (entry !== undefined) {
      this.#touch(id, entry);
      return entry.value ?? undefined;
    }
    const value = this.inner.get(key);
    if (!isPromise(value)) return value;
    return value.then((found) => {
      if (!this.#entries.has(id)) this.#addClean(id, key, found);
      return found;
    });
  }

  override async getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  override put(key: Buffer, value: Buffer | null, timestamp?: number): void {
    this.putKeyed(keyString(key), key, value, timestamp);
  }

  putKeyed(id: string, key: Buffer, value: Buffer | null, timestamp?: number): void {
    const size = key.length + (value === null ? 0 : value.length) + ENTRY_OVERHEAD;
    const time = timestamp ?? this.#clock();
    let entry = this.#entries.get(id);
    if (entry === undefined) {
      entry = { id, key, value, dirty: true, old: null, oldKnown: false, oldLoading: false, timestamp: time, headers: this.#headers(), size, position: ++this.#inserted, slot: 0 };
      this.#entries.set(id, entry);
      this.#grow(size);
      this.#dirty.write(entry, true);
    } else {
      const becameDirty = !entry.dirty;
      if (becameDirty) {
        entry.old = entry.value;
        entry.oldKnown = true;
        entry.dirty = true;
      }
      this.#grow(size - entry.size);
      entry.size = size;
      entry.value = value;
      entry.timestamp = time;
      entry.headers = this.#headers();
      this.#touch(id, entry);
      this.#dirty.write(entry, becameDirty);
    }
    if (this.#overBound()) this.#evict();
  }

  override range(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    const overlay = sortedOverlay(this.#dirtyEntries(), from, to);
    return mergeWithOverlay(overlay, this.inner.range(from, to));
  }

  override prefetch(keys: readonly Buffer[]): Promise<void> {
    return this.prefetchKeyed(keys.map(keyString), keys);
  }

  async prefetchKeyed(ids: readonly string[], keys: readonly Buffer[]): Promise<void> {
    const missing: Buffer[] = [];
    const missingIds: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as string;
      const entry = this.#entries.get(id);
      // Touched, as a get is: the batch is about to read these keys.
      if (entry !== undefined) this.#touch(id, entry);
      else {
        missing.push(keys[i] as Buffer);
        missingIds.push(id);
      }
    }
    if (missing.length === 0) return;
    const values = await this.inner.getMany(missing);
    for (let i = 0; i < missing.length; i++) {
      const id = missingIds[i] as string;
      if (!this.#entries.has(id)) this.#addClean(id, missing[i] as Buffer, values[i]);
    }
    if (this.#overBound()) this.#evict();
  }

  override async restoreBatch(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    // Restoring writes below the cache: whatever it holds for these keys is stale.
    for (const record of records) {
      const id = keyString(record.key);
      const entry = this.#entries.get(id);
      if (entry === undefined) continue;
      this.#entries.delete(id);
      this.#markClean(entry);
      this.#grow(-entry.size);
    }
    await this.inner.restoreBatch(records);
  }

  override async flush(): Promise<void> {
    if (this.#dirty.size > 0) {
      if (this.#listener !== undefined && this.#sendOldValues) await this.#loadOldValues();
      const flushed = this.#dirty.take();
      if (flushed.length > 0) await this.#writeDown(flushed);
    }
    // Emissions of evictions whose downstream went asynchronous finish before the commit.
    const pending = this.#pendingEmits;
    this.#pendingEmits = [];
    await Promise.all(pending);
    await this.inner.flush();
  }

  override async close(): Promise<void> {
    if (this.inner.isOpen()) await this.flush();
    this.#entries.clear();
    this.#dirty.clear();
    this.#grow(-this.#bytes);
    await this.inner.close();
  }

  /**
   * Moves an entry to the young end only when at least half the map's size in insertions
   * came after its own: one still in the younger half stays put. So right after a touch at
   * most about half the map is younger than the entry (eviction order is LRU only roughly),
   * and a map of up to three entries keeps exact LRU order.
   */
  #touch(id: string, entry: CacheEntry): void {
    if (this.#inserted - entry.position < this.#entries.size >> 1) return;
    this.#entries.delete(id);
    this.#entries.set(id, entry);
    entry.position = ++this.#inserted;
  }

  #addClean(id: string, key: Buffer, value: Buffer | undefined): void {
    const size = key.length + (value === undefined ? 0 : value.length) + ENTRY_OVERHEAD;
    this.#entries.set(id, { id, key, value: value ?? null, dirty: false, old: null, oldKnown: false, oldLoading: false, timestamp: 0, headers: NO_STORE_HEADERS, size, position: ++this.#inserted, slot: 0 });
    this.#grow(size);
    if (this.#overBound()) this.#evict();
  }

  #grow(bytes: number): void {
    this.#bytes += bytes;
    this.#budget?.add(bytes);
  }

  /** Past the thread's shared bound (evicting from this store, the one being written), or past its own. */
  #overBound(): boolean {
    return this.#budget === undefined ? this.#bytes > this.#maxBytes : this.#budget.exceeded && this.#bytes > 0;
  }

  #markClean(entry: CacheEntry): void {
    if (!entry.dirty) return;
    entry.dirty = false;
    entry.old = null;
    entry.oldKnown = false;
    this.#dirty.cleaned();
  }

  *#dirtyEntries(): Generator<readonly [string, CacheEntry]> {
    for (const entry of this.#dirty.entries()) yield [entry.id, entry];
  }

  #evict(): void {
    const needOld = this.#listener !== undefined && this.#sendOldValues;
    // Evicting a tenth below the bound makes eviction rare: each pass walks the map from its
    // oldest end, over the holes earlier deletions left, so one entry per put would be slow.
    const budget = this.#budget;
    const target = (budget?.maxBytes ?? this.#maxBytes) * EVICT_TO;
    const evicted: CacheEntry[] = [];
    for (const [id, entry] of this.#entries) {
      if ((budget?.usedBytes ?? this.#bytes) <= target) break;
      if (entry.dirty) {
        if (needOld && !entry.oldKnown && !this.#oldValueNow(entry)) continue;
        evicted.push(entry);
      }
      this.#entries.delete(id);
      this.#grow(-entry.size);
    }
    if (evicted.length > 0) {
      const emitted = this.#writeDown(evicted);
      if (emitted instanceof Promise) this.#pendingEmits.push(emitted);
    }
  }

  /** Learns the old value if the layer below answers synchronously; otherwise starts the read. */
  #oldValueNow(entry: CacheEntry): boolean {
    if (entry.oldLoading) return false;
    const old = this.inner.get(entry.key);
    if (!isPromise(old)) {
      entry.old = old ?? null;
      entry.oldKnown = true;
      return true;
    }
    entry.oldLoading = true;
    // Valid while the entry stays dirty: nothing of this key reaches the layer below until then.
    old.then(
      (value) => {
        entry.oldLoading = false;
        if (entry.dirty && !entry.oldKnown) {
          entry.old = value ?? null;
          entry.oldKnown = true;
        }
      },
      () => (entry.oldLoading = false),
    );
    return false;
  }

  async #loadOldValues(): Promise<void> {
    for (let round = 0; round < OLD_VALUE_ROUNDS; round++) {
      const unknown: CacheEntry[] = [];
      for (const entry of this.#dirty.entries()) if (!entry.oldKnown) unknown.push(entry);
      if (unknown.length === 0) return;
      const values = await this.inner.getMany(unknown.map((entry) => entry.key));
      unknown.forEach((entry, index) => {
        if (entry.dirty && !entry.oldKnown) {
          entry.old = values[index] ?? null;
          entry.oldKnown = true;
        }
      });
    }
  }

  /**
   * Writes entries to the layer below and hands them to the flush listener, returning what
   * it returned. They are clean before the listener runs, so a write the listener causes
   * makes its entry dirty again (listed anew) rather than being taken for flushed.
   */
  #writeDown(entries: readonly CacheEntry[]): Awaitable<void> {
    for (const entry of entries) this.inner.put(entry.key, entry.value, entry.timestamp);
    const listener = this.#listener;
    const sendOld = this.#sendOldValues;
    const changes = listener === undefined ? undefined : entries.map((entry) => ({ key: entry.key, newValue: entry.value ?? undefined, oldValue: sendOld ? (entry.old ?? undefined) : undefined, timestamp: entry.timestamp, headers: entry.headers }));
    for (const entry of entries) this.#markClean(entry);
    return listener === undefined ? undefined : listener(changes as CacheFlushEntry<Buffer, Buffer>[]);
  }
}
