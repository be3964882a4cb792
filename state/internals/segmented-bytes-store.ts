/**
 * The segmented bytes store under window and session stores (see
 * `api/segmented-bytes-store.ts`), as Kafka Streams' `AbstractRocksDBSegmentedBytesStore`:
 * each store key goes to the segment of its time; a range over one key and a time span
 * reads one iterator per segment of the span, oldest first; other ranges merge all live
 * segments in key byte order. Stream time, retention and prefetched spans live here.
 *
 * After a persistent store reopens, stream time starts at the newest segment's start (a
 * lower bound of what it was, so nothing live is taken for expired) until puts move it on.
 */

import { KstError } from '../../common/errors.ts';
import type { Awaitable } from '../../common/awaitable.ts';
import type { BytesWrite, KeyValueBytesStore } from '../api/bytes-store.ts';
import type { RestoreRecord } from '../api/restorable.ts';
import type { SegmentedBytesStore } from '../api/segmented-bytes-store.ts';
import type { KeyValue, StateStoreContext } from '../api/state-store.ts';
import { keyString, notOpen } from './bytes.ts';
import { PrefetchedRanges } from './prefetched-ranges.ts';
import { Segments } from './segments.ts';
import { concatSorted, mergeSorted } from './sorted-merge.ts';
import { MAX_TIME, clampTime, writeTime, type KeySchema } from './window-key-schema.ts';

/** Prefetched entries kept at most, across keys; past it they are dropped and read again. */
const PREFETCH_LIMIT = 100_000;

export interface SegmentedStoreOptions {
  readonly name: string;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  readonly schema: KeySchema;
  readonly persistent: boolean;
  /** Makes the bytes store of one segment, named `<store>.<segment start>`. */
  readonly createSegment: (segmentName: string) => KeyValueBytesStore;
}

interface LoggedWrite {
  readonly base: string;
  readonly time: number;
  readonly key: Buffer;
  readonly value: Buffer | null;
}

export class SegmentedKeyValueBytesStore implements SegmentedBytesStore {
  readonly name: string;
  readonly persistent: boolean;
  readonly changelogTopic = undefined;
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  readonly #schema: KeySchema;
  readonly #segments: Segments;
  readonly #prefetched = new PrefetchedRanges(PREFETCH_LIMIT);
  #streamTime = -1;
  #dropped = 0;
  #open = false;
  /** Writes made while a prefetch reads, replayed into what it loaded; undefined when none reads. */
  #writeLog: LoggedWrite[] | undefined;
  #prefetching = 0;

  constructor(options: SegmentedStoreOptions) {
    this.name = options.name;
    this.persistent = options.persistent;
    this.retentionMs = options.retentionMs;
    this.segmentIntervalMs = options.segmentIntervalMs;
    this.#schema = options.schema;
    this.#segments = new Segments(options.name, options.segmentIntervalMs, options.createSegment);
  }

  get streamTimeMs(): number {
    return this.#streamTime;
  }

  get droppedRecords(): number {
    return this.#dropped;
  }

  async init(context: StateStoreContext): Promise<void> {
    const newest = await this.#segments.open(context, this.persistent);
    if (newest >= 0) this.#streamTime = newest * this.segmentIntervalMs;
    this.#open = true;
  }

  isOpen(): boolean {
    return this.#open;
  }

  observe(time: number): void {
    if (time <= this.#streamTime) return;
    this.#streamTime = time;
    // A segment goes once its last millisecond is expired.
    const minLiveId = this.#segments.segmentId(this.#expiredUpTo() + 1);
    if (this.#segments.retireBefore(minLiveId).length > 0) this.#prefetched.forgetBefore(minLiveId * this.segmentIntervalMs, this.#schema.timeOf);
  }

  isExpired(time: number): boolean {
    return time <= this.#expiredUpTo();
  }

  recordDropped(): void {
    this.#dropped++;
  }

  get(key: Buffer): Awaitable<Buffer | undefined> {
    const time = this.#timeOf(key);
    if (this.isExpired(time)) return undefined;
    const id = keyString(key);
    const known = this.#prefetched.lookup(id.slice(0, id.length - this.#schema.suffixBytes), time, id);
    if (known !== undefined) return known ?? undefined;
    const segment = this.#segments.get(this.#segments.segmentId(time));
    return segment === undefined ? undefined : segment.get(key);
  }

  getMany(keys: readonly Buffer[]): Promise<Array<Buffer | undefined>> {
    return Promise.all(keys.map((key) => this.get(key)));
  }

  put(key: Buffer, value: Buffer | null): void {
    const time = this.#timeOf(key);
    this.observe(time);
    if (this.isExpired(time)) {
      this.#dropped++;
      return;
    }
    this.#segments.getOrCreate(this.#segments.segmentId(time)).put(key, value);
    const id = keyString(key);
    const base = id.slice(0, id.length - this.#schema.suffixBytes);
    this.#prefetched.write(base, time, key, value);
    this.#writeLog?.push({ base, time, key, value });
  }

  putAll(writes: Iterable<BytesWrite>): void {
    for (const write of writes) this.put(write.key, write.value);
  }

  range(from?: Buffer, to?: Buffer): AsyncIterable<KeyValue<Buffer, Buffer>> {
    if (!this.#open) throw notOpen(this.name);
    const suffix = this.#schema.suffixBytes;
    const floor = this.#expiredUpTo() + 1;
    const live = (entry: KeyValue<Buffer, Buffer>): boolean => this.#schema.timeOf(entry.key) >= floor;
    const single = from !== undefined && to !== undefined && from.length === to.length && from.length >= suffix && from.compare(to, 0, from.length - suffix, 0, from.length - suffix) === 0;
    if (!single) return filtered(mergeSorted(this.#segments.sorted().map((segment) => segment.range(from, to))), live);
    const low = Math.max(this.#schema.timeOf(from), floor);
    const high = Math.min(this.#schema.timeOf(to), MAX_TIME);
    if (low > high) return fromArray([]);
    // Only this key's entries: longer keys that share its bytes would break the order across segments.
    const length = from.length;
    const own = (entry: KeyValue<Buffer, Buffer>): boolean => entry.key.length === length && live(entry);
    const base = keyString(from.subarray(0, from.length - suffix));
    if (this.#prefetched.covers(base, low, high)) return filtered(fromArray(this.#prefetched.range(base, from, to)), own);
    const segments = this.#segments.between(this.#segments.segmentId(low), this.#segments.segmentId(high));
    return filtered(concatSorted(segments.map((segment) => segment.range(from, to))), own);
  }

  all(): AsyncIterable<KeyValue<Buffer, Buffer>> {
    return this.range();
  }

  async approximateNumEntries(): Promise<number> {
    if (!this.#open) throw notOpen(this.name);
    let count = 0;
    for (const segment of this.#segments.sorted()) {
      await segment.ready;
      count += await segment.store.approximateNumEntries();
    }
    return count;
  }

  async prefetch(keys: readonly Buffer[]): Promise<void> {
    if (!this.#open) throw notOpen(this.name);
    const bySegment = new Map<number, Buffer[]>();
    for (const key of keys) {
      const time = this.#timeOf(key);
      if (this.isExpired(time)) continue;
      const id = this.#segments.segmentId(time);
      if (this.#segments.get(id) === undefined) continue;
      const list = bySegment.get(id);
      if (list === undefined) bySegment.set(id, [key]);
      else list.push(key);
    }
    await Promise.all([...bySegment].map(async ([id, segmentKeys]) => {
      const segment = this.#segments.get(id);
      if (segment === undefined) return;
      await segment.ready;
      await segment.store.prefetch(segmentKeys);
    }));
  }

  async prefetchRanges(keys: readonly Buffer[], timeFrom: number, timeTo: number): Promise<void> {
    if (!this.#open) throw notOpen(this.name);
    const low = Math.max(clampTime(timeFrom), this.#expiredUpTo() + 1);
    const high = clampTime(timeTo);
    if (low > high) return;
    const missing = keys.filter((key) => !this.#prefetched.covers(keyString(key), low, high));
    if (missing.length === 0) return;
    this.#prefetching++;
    this.#writeLog ??= [];
    const log = this.#writeLog;
    const logStart = log.length;
    try {
      const segments = this.#segments.between(this.#segments.segmentId(low), this.#segments.segmentId(high));
      const loaded = await Promise.all(missing.map(async (key) => {
        const from = this.#bound(key, low, 0x00);
        const to = this.#bound(key, high, 0xff);
        const entries: Array<KeyValue<Buffer, Buffer>> = [];
        for (const segment of segments) {
          for await (const entry of segment.range(from, to)) {
            if (entry.key.length === from.length) entries.push(entry);
          }
        }
        return entries;
      }));
      missing.forEach((key, index) => this.#prefetched.add(keyString(key), low, high, loaded[index] as Array<KeyValue<Buffer, Buffer>>));
      for (const write of log.slice(logStart)) this.#prefetched.write(write.base, write.time, write.key, write.value);
    } finally {
      if (--this.#prefetching === 0) this.#writeLog = undefined;
    }
  }

  async restoreBatch(records: ReadonlyArray<RestoreRecord>): Promise<void> {
    if (!this.#open) throw notOpen(this.name);
    for (const record of records) this.put(record.key, record.value);
    if (this.persistent) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.#open) throw notOpen(this.name);
    await this.#segments.flush();
  }

  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    this.#prefetched.clear();
    await this.#segments.close();
  }

  #expiredUpTo(): number {
    return this.#streamTime < 0 ? -1 : this.#streamTime - this.retentionMs;
  }

  #timeOf(key: Buffer): number {
    if (!this.#open) throw notOpen(this.name);
    if (key.length < this.#schema.suffixBytes) {
      throw new KstError('KST_STORE_WINDOWED_KEY_INVALID', `state store "${this.name}" got a ${key.length}-byte key; its keys end with ${this.#schema.suffixBytes} bytes of time`, { store: this.name, length: key.length });
    }
    return this.#schema.timeOf(key);
  }

  /** The user key, the time, then the rest of the suffix filled with `fill` (0x00 below, 0xff above). */
  #bound(key: Buffer, time: number, fill: number): Buffer {
    const bytes = Buffer.alloc(key.length + this.#schema.suffixBytes, fill);
    key.copy(bytes, 0);
    writeTime(bytes, key.length, time);
    return bytes;
  }
}

async function* filtered(source: AsyncIterable<KeyValue<Buffer, Buffer>>, keep: (entry: KeyValue<Buffer, Buffer>) => boolean): AsyncGenerator<KeyValue<Buffer, Buffer>> {
  for await (const entry of source) if (keep(entry)) yield entry;
}

async function* fromArray(entries: ReadonlyArray<KeyValue<Buffer, Buffer>>): AsyncGenerator<KeyValue<Buffer, Buffer>> {
  yield* entries;
}

