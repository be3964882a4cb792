/**
 * `KTable.suppress`, as Kafka Streams' `KTableSuppressProcessor`: every change is put in
 * the buffer, then everything due is sent, oldest first. Due means, with `T` the task's
 * stream time:
 * - until window closes: the window's end plus grace is at or before `T` (for windows
 *   whose end is inclusive, sessions and sliding windows, strictly before: a record at the
 *   end could still change them). Tombstones are not sent: a final result was never sent
 *   for a window that vanished (Kafka's `safeToDropTombstones`).
 * - until time limit: the key's first buffered update is `limit` or more behind `T`.
 * Over its bound the buffer sends its oldest keys early, or fails the task.
 */

import { isPromise, then, type Awaitable } from '../../../common/awaitable.ts';
import { KstError } from '../../../common/errors.ts';
import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import type { TimestampedKeyValueStore } from '../../../state/api/timestamped.ts';
import { change, type Change } from '../functions.ts';
import type { BufferConfig } from '../options/suppressed.ts';
import { SuppressBuffer, type Buffered } from './suppress-buffer.ts';

export interface SuppressOptions<K> {
  readonly storeName: string;
  readonly processorName: string;
  readonly buffer: BufferConfig;
  /** How long after its buffer time a key is due: grace, or the time limit. */
  readonly delayMs: number;
  /** A key's buffer time: its window's end (plus one when inclusive), or the record's timestamp. */
  readonly timeOf: (key: K, timestamp: number) => number;
  /** A key's identity, its serialized bytes. */
  readonly idOf: (key: K) => string;
  readonly dropTombstones: boolean;
  readonly sendOldValues: boolean;
}

export function suppressOperator<K, V>(options: SuppressOptions<K>): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  return () => {
    let context!: ProcessorContext<K, Change<V>>;
    let buffer!: SuppressBuffer<K, V>;

    const emit = (evicted: Buffered<K, V> | undefined): Awaitable<void> => {
      if (evicted === undefined) return undefined;
      const { newValue, oldValue } = evicted.change;
      if (newValue === null && (options.dropTombstones || oldValue === null)) return undefined;
      return context.forward({ key: evicted.key, value: change(newValue, options.sendOldValues ? oldValue : null), timestamp: evicted.timestamp, headers: [] });
    };

    const overCapacity = (): boolean => options.buffer.maxRecords !== undefined && buffer.size > options.buffer.maxRecords;

    /** Sends while `due` holds; synchronous unless a forward or a store answers with a promise. */
    const evictWhile = (due: () => boolean): Awaitable<void> => {
      while (due()) {
        const result = then(buffer.evictOldest(), emit);
        if (isPromise(result)) return result.then(() => evictWhile(due));
      }
      return undefined;
    };

    const enforce = (): Awaitable<void> => {
      const expiry = context.currentStreamTimeMs() - options.delayMs;
      return then(evictWhile(() => (buffer.minTime() ?? Number.POSITIVE_INFINITY) <= expiry), () => {
        if (!overCapacity()) return undefined;
        if (options.buffer.whenFull === 'shut-down') {
          throw new KstError('KST_SUPPRESS_BUFFER_FULL', `suppression buffer of "${options.processorName}" holds more than ${options.buffer.maxRecords} keys`, { processor: options.processorName, maxRecords: options.buffer.maxRecords });
        }
        return evictWhile(overCapacity);
      });
    };

    return {
      init(ctx) {
        context = ctx;
        buffer = new SuppressBuffer(ctx.getStateStore<TimestampedKeyValueStore<K, Change<V>>>(options.storeName), options.idOf, options.timeOf);
        return buffer.load();
      },
      process(record) {
        if (record.key === null || record.key === undefined) return undefined;
        return then(buffer.put(record.key, record.value, record.timestamp), enforce);
      },
    };
  };
}
