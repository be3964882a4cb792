/**
 * Final results of `EmitStrategy.onWindowClose()` (Kafka Streams' KIP-825): when stream
 * time closes windows, their aggregates are read back from the window store and sent
 * once, oldest window first (then by key), as Kafka's `maybeForwardFinalResult`. The
 * store is the buffer, so no second copy of the aggregates is kept.
 *
 * The start of the last window sent is kept in memory. After a restart the first close
 * sends the closed windows the store still keeps (Kafka keeps that time in the committed
 * offsets' metadata instead); with the default retention (size plus grace) a window
 * expires about when it closes, so few if any are sent again.
 */

import { isPromise, type Awaitable } from '../../../common/awaitable.ts';
import type { ProcessorContext } from '../../api/processor.ts';
import type { KeyValue } from '../../../state/api/state-store.ts';
import type { ValueAndTimestamp } from '../../../state/api/timestamped.ts';
import type { Windowed } from '../../../state/api/windowed.ts';
import { change, type Change } from '../functions.ts';
import { forwardAll } from './forward-all.ts';
import type { TimestampedWindowStore } from './window-emitter.ts';

export interface FinalResults {
  /**
   * Sends the windows whose start is at most `closedStartBound` (every window starting
   * there or earlier is closed) and were not sent yet. Undefined when there was nothing
   * to read.
   */
  emitUpTo(closedStartBound: number): Awaitable<void>;
}

async function collect<K, V>(entries: AsyncIterable<KeyValue<Windowed<K>, ValueAndTimestamp<V>>>): Promise<KeyValue<Windowed<K>, ValueAndTimestamp<V>>[]> {
  const out: KeyValue<Windowed<K>, ValueAndTimestamp<V>>[] = [];
  for await (const entry of entries) out.push(entry);
  // Stable: windows of one start keep the store's key order.
  return out.sort((a, b) => a.key.window.start - b.key.window.start);
}

/**
 * @example
 * ```ts
 * const finals = finalResults(context, store, (from, to) => hasTumblingStart(from, to));
 * return finals.emitUpTo(closeTime - windows.sizeMs);
 * ```
 */
export function finalResults<K, V>(
  context: ProcessorContext<Windowed<K>, Change<V>>,
  store: TimestampedWindowStore<K, V>,
  mayHoldWindows: (fromStart: number, toStart: number) => boolean,
): FinalResults {
  let emittedUpTo = -1;
  return {
    emitUpTo(closedStartBound) {
      if (closedStartBound <= emittedUpTo) return undefined;
      const from = emittedUpTo + 1;
      emittedUpTo = closedStartBound;
      if (!mayHoldWindows(from, closedStartBound)) return undefined;
      return collect(store.fetchAll(from, closedStartBound)).then((closed) => {
        const sent = forwardAll(context, closed.map((entry) => ({
          key: entry.key,
          value: change(entry.value.value, null),
          timestamp: entry.value.timestamp,
          headers: [],
        })));
        return isPromise(sent) ? sent : undefined;
      });
    },
  };
}
