/**
 * How a materialized KTable node writes its store and sends its changes downstream, as
 * Kafka Streams' `TimestampedTupleForwarder` with `TimestampedCacheFlushListener`. When
 * the store has a cache, changes leave when the cache flushes (at commit or eviction), so
 * many updates of one key between commits leave as one record; otherwise every write is
 * forwarded at once. Old values travel only when a downstream operator asked for them.
 */

import { then, type Awaitable } from '../../../common/awaitable.ts';
import type { ProcessorContext } from '../../api/processor.ts';
import { NO_HEADERS, withValue, type StreamRecord } from '../../api/record.ts';
import type { CacheFlushEntry, FlushListenable, TimestampedKeyValueStore, ValueAndTimestamp } from '../../../state/api/timestamped.ts';
import { change, type Change } from '../functions.ts';
import { sequence } from './forward-all.ts';

export interface TableEmitter<K, V> {
  /**
   * Stores `newValue` (null deletes) with the record's timestamp and forwards the change,
   * unless the store's cache will forward it on flush.
   */
  write(record: StreamRecord<K, unknown>, newValue: V | null, oldValue: V | null): Awaitable<void>;
}

function isFlushListenable<K, V>(store: object): store is FlushListenable<K, V> {
  return typeof (store as Partial<FlushListenable<K, V>>).setFlushListener === 'function';
}

function valueOf<V>(entry: ValueAndTimestamp<V> | undefined): V | null {
  return entry === undefined ? null : entry.value;
}

/**
 * @example
 * ```ts
 * const store = context.getStateStore<TimestampedKeyValueStore<string, number>>('counts');
 * const emitter = tableEmitter(context, store, sendOldValues);
 * return emitter.write(record, count + 1, count);
 * ```
 */
export function tableEmitter<K, V>(
  context: ProcessorContext<K, Change<V>>,
  store: TimestampedKeyValueStore<K, V>,
  sendOldValues: boolean,
): TableEmitter<K, V> {
  const onFlush = (entries: readonly CacheFlushEntry<K, ValueAndTimestamp<V>>[]): Awaitable<void> =>
    sequence(entries.map((entry) => () => context.forward({
      key: entry.key,
      value: change(valueOf(entry.newValue), sendOldValues ? valueOf(entry.oldValue) : null),
      timestamp: entry.timestamp,
      headers: entry.headers ?? NO_HEADERS,
    })));
  // The listener's result is returned so that a caching layer that awaits it keeps order.
  const cached = isFlushListenable<K, ValueAndTimestamp<V>>(store) && store.setFlushListener(onFlush, sendOldValues);
  return {
    write(record, newValue, oldValue) {
      const written = newValue === null ? store.delete(record.key) : store.put(record.key, { value: newValue, timestamp: record.timestamp });
      if (cached) return then(written, () => undefined);
      return then(written, () => context.forward(withValue(record, change(newValue, sendOldValues ? oldValue : null))));
    },
  };
}

