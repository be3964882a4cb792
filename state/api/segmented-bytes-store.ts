/**
 * The bytes store under window and session stores, as Kafka Streams'
 * `SegmentedBytesStore`: a key-value bytes store whose keys carry a time (see
 * `internals/window-key-schema.ts`), cut into segments of `segmentIntervalMs` by that time.
 * Because it is a `KeyValueBytesStore` over those keys, the key-value caching and
 * change-logging layers stack on it unchanged, and the changelog key is the store key.
 *
 * Retention follows stream time, which the store learns from the times of the keys put
 * into it (as Kafka Streams does), not from the record being processed: a restore, which
 * has no record context, then rebuilds the same state. An entry whose time is at or
 * before `streamTime - retentionMs` is expired: puts of it are dropped and counted, reads
 * do not see it, and a segment whose whole interval expired is deleted.
 *
 * @example
 * ```ts
 * const bytes = Stores.persistentWindowStore('clicks', 86_400_000, 60_000, false).get();
 * await bytes.init(context);
 * bytes.put(windowStoreKey(Buffer.from('user-1'), 1_700_000_040_000), Buffer.from('3'));
 * bytes.streamTimeMs; // 1_700_000_040_000
 * ```
 */

import type { KeyValueBytesStore } from './bytes-store.ts';

export interface SegmentedBytesStore extends KeyValueBytesStore {
  readonly retentionMs: number;
  readonly segmentIntervalMs: number;
  /** The largest entry time seen so far; -1 before the first. */
  readonly streamTimeMs: number;
  /** Puts dropped because they were expired when they reached the store (or a layer above asked it to count one). */
  readonly droppedRecords: number;
  /** Advances stream time to `time` if later; layers above call it so a write-back cache does not delay expiry. */
  observe(time: number): void;
  /** True when an entry of this time is expired at the current stream time. */
  isExpired(time: number): boolean;
  /** Counts a put a layer above dropped as expired. */
  recordDropped(): void;
  /**
   * Reads every entry of these user keys (`base` bytes, without the suffix) with a time in
   * `[timeFrom, timeTo]`, one scan per key per segment, so that afterwards `get`s and
   * single-key `range`s inside that span need no I/O (gets answer synchronously).
   */
  prefetchRanges(keys: readonly Buffer[], timeFrom: number, timeTo: number): Promise<void>;
}

interface SegmentedSupplier {
  readonly name: string;
  /** The backend's name in metrics: `rocksdb`, `in-memory`. */
  readonly metricsScope: string;
  readonly retentionMs: number;
  /** `max(retentionMs / 2, 60 000)`, as Kafka Streams. */
  readonly segmentIntervalMs: number;
  get(): SegmentedBytesStore;
}

/** Makes one window bytes store per task, as Kafka Streams' `WindowBytesStoreSupplier`. */
export interface WindowBytesStoreSupplier extends SegmentedSupplier {
  readonly windowSizeMs: number;
  /** Every put adds an entry (a 4-byte sequence number in the key), as stream-stream joins need. */
  readonly retainDuplicates: boolean;
}

/** Makes one session bytes store per task, as Kafka Streams' `SessionBytesStoreSupplier`. */
export type SessionBytesStoreSupplier = SegmentedSupplier;
