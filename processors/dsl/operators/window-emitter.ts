/**
 * How a windowed aggregation writes its window store and sends its changes downstream,
 * as Kafka Streams' `TimestampedTupleForwarder` over a window store: the key downstream is
 * the `Windowed` key; with the store's cache, changes leave when it flushes (at commit),
 * else at once. With `EmitStrategy.onWindowClose()` nothing leaves on update: the final
 * results are read back from the store when windows close (see `window-final-results.ts`).
 */

import { then, type Awaitable } from '../../../common/awaitable.ts';
import type { ProcessorContext } from '../../api/processor.ts';
import { NO_HEADERS, type Headers } from '../../api/record.ts';
import type { CacheFlushEntry, FlushListenable, ValueAndTimestamp } from '../../../state/api/timestamped.ts';
import type { TimestampedWindowStore } from '../../../state/api/window-store.ts';
import type { TimeWindow, Windowed } from '../../../state/api/windowed.ts';
import { change, type Change } from '../functions.ts';
import { sequence } from './forward-all.ts';

export type { TimestampedWindowStore } from '../../../state/api/window-store.ts';

export interface WindowEmitter<K, V> {
  /** Stores the window's aggregate with its timestamp, and forwards the change unless the cache or the emit strategy holds it back. */
  write(key: K, window: TimeWindow, newValue: V, oldValue: V | null, timestamp: number, headers: Headers): Awaitable<void>;
}

function isFlushListenable<K, V>(store: object): store is FlushListenable<K, V> {
  return typeof (store as Partial<FlushListenable<K, V>>).setFlushListener === 'function';
}

const valueOf = <V>(entry: ValueAndTimestamp<V> | undefined): V | null => (entry === undefined ? null : entry.value);

/**
 * @example
 * ```ts
 * const emitter = windowEmitter(context, store, env.sendOldValues, true);
 * return emitter.write(record.key, { start: 0, end: 60_000 }, count + 1, count, record.timestamp, record.headers);
 * ```
 */
export function windowEmitter<K, V>(
  context: ProcessorContext<Windowed<K>, Change<V>>,
  store: TimestampedWindowStore<K, V>,
  sendOldValues: boolean,
  emitOnUpdate: boolean,
): WindowEmitter<K, V> {
  let cached = false;
  if (emitOnUpdate && isFlushListenable<Windowed<K>, ValueAndTimestamp<V>>(store)) {
    const onFlush = (entries: readonly CacheFlushEntry<Windowed<K>, ValueAndTimestamp<V>>[]): Awaitable<void> =>
      sequence(entries.map((entry) => () => context.forward({
        key: entry.key,
        value: change(valueOf(entry.newValue), sendOldValues ? valueOf(entry.oldValue) : null),
        timestamp: entry.newValue?.timestamp ?? entry.timestamp,
        headers: entry.headers ?? NO_HEADERS,
      })));
    cached = store.setFlushListener(onFlush, sendOldValues);
  }
  return {
    write(key, window, newValue, oldValue, timestamp, headers) {
      store.put(key, { value: newValue, timestamp }, window.start);
      if (!emitOnUpdate || cached) return undefined;
      return then(context.forward({ key: { key, window }, value: change(newValue, sendOldValues ? oldValue : null), timestamp, headers }), () => undefined);
    },
  };
}
