/**
 * The suppliers of window and session bytes stores behind `Stores`: they check the
 * durations once, when the topology is built, and make a segmented store per task whose
 * segments are RocksDB or in-memory key-value bytes stores.
 *
 * The segment interval is Kafka Streams': `max(retention / 2, 60 000 ms)`, so a store has
 * about three live segments and drops about half of its data at a time.
 */

import { KstError } from '../../common/errors.ts';
import type { KeyValueBytesStore } from '../api/bytes-store.ts';
import type { SessionBytesStoreSupplier, WindowBytesStoreSupplier } from '../api/segmented-bytes-store.ts';
import { SegmentedKeyValueBytesStore } from './segmented-bytes-store.ts';
import { SESSION_KEY_SCHEMA, windowKeySchema } from './window-key-schema.ts';

export const MIN_SEGMENT_INTERVAL_MS = 60_000;

export interface SegmentBackend {
  /** `rocksdb`, `in-memory`: the backend's name in metrics. */
  readonly metricsScope: string;
  readonly persistent: boolean;
  create(segmentName: string): KeyValueBytesStore;
}

export function segmentInterval(retentionMs: number): number {
  return Math.max(Math.floor(retentionMs / 2), MIN_SEGMENT_INTERVAL_MS);
}

function checkDuration(store: string, key: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new KstError('KST_CONFIG_INVALID', `${key} of store "${store}" must be a whole number of milliseconds, at least ${minimum} (got ${value})`, { key, value });
  }
}

export function windowSupplier(name: string, backend: SegmentBackend, retentionMs: number, windowSizeMs: number, retainDuplicates: boolean): WindowBytesStoreSupplier {
  checkDuration(name, 'windowSizeMs', windowSizeMs, 1);
  // As Kafka Streams: a window must stay in the store at least as long as it is open.
  checkDuration(name, 'retentionMs', retentionMs, windowSizeMs);
  const segmentIntervalMs = segmentInterval(retentionMs);
  const schema = windowKeySchema(retainDuplicates);
  return Object.freeze({
    name,
    metricsScope: backend.metricsScope,
    retentionMs,
    segmentIntervalMs,
    windowSizeMs,
    retainDuplicates,
    get: () => new SegmentedKeyValueBytesStore({ name, retentionMs, segmentIntervalMs, schema, persistent: backend.persistent, createSegment: backend.create }),
  });
}

export function sessionSupplier(name: string, backend: SegmentBackend, retentionMs: number): SessionBytesStoreSupplier {
  checkDuration(name, 'retentionMs', retentionMs, 0);
  const segmentIntervalMs = segmentInterval(retentionMs);
  return Object.freeze({
    name,
    metricsScope: backend.metricsScope,
    retentionMs,
    segmentIntervalMs,
    get: () => new SegmentedKeyValueBytesStore({ name, retentionMs, segmentIntervalMs, schema: SESSION_KEY_SCHEMA, persistent: backend.persistent, createSegment: backend.create }),
  });
}
