/**
 * One side of a stream-stream join, as Kafka Streams' `KStreamKStreamJoin` (left or right
 * side) with KIP-633's fix of spurious left/outer results. A record of this side joins
 * every record of the other side's window store with the same key and a timestamp within
 * the window; each result takes the larger timestamp. On an outer side, a record that
 * found no partner is not emitted at once: it waits in the shared buffer until stream
 * time passes its window's end plus grace, then leaves with null for the other side,
 * unless a partner arrived meanwhile (which removes it). Buffered records are looked at
 * whenever a record moves stream time, in timestamp order.
 */

import { isPromise, then, type Awaitable } from '../../../common/awaitable.ts';
import { taskIdToString, type ProcessorContext, type ProcessorSupplier } from '../../api/processor.ts';
import { withKey, withTimestamp, withValue, type StreamRecord } from '../../api/record.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import type { WindowStore } from '../../../state/api/window-store.ts';
import type { BufferKey, BufferValue, JoinTimes, JoinTimesByTask } from '../joins/outer-join-buffer.ts';
import { sequence } from './forward-all.ts';

export interface StreamJoinSideOptions<K, VT, VO, VR> {
  readonly left: boolean;
  /** The other side's records joinable with one at `t` are in `[t - beforeMs, t + afterMs]` (from this side). */
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly graceMs: number;
  /** This side's window ends `after` after its records for the left side, `before` for the right: the buffer's lookback per side. */
  readonly leftWindowEndMs: number;
  readonly rightWindowEndMs: number;
  /** This side emits its unmatched records. */
  readonly outer: boolean;
  readonly otherStore: string;
  readonly bufferStore: string | undefined;
  readonly times: JoinTimesByTask;
  /** This side's value first; the other is null for unmatched records. */
  readonly joiner: (thisValue: VT | null, otherValue: VO | null, key: K) => VR;
}

type Buffer<K> = KeyValueStore<BufferKey<K>, BufferValue<unknown, unknown>>;

/**
 * @example
 * ```ts
 * streamJoinSideOperator({ left: true, beforeMs: 5000, afterMs: 5000, graceMs: 0, leftWindowEndMs: 5000, rightWindowEndMs: 5000,
 *   outer: true, otherStore, bufferStore, times, joiner: (l, r) => [l, r] });
 * ```
 */
export function streamJoinSideOperator<K, VT, VO, VR>(options: StreamJoinSideOptions<K, VT, VO, VR>): ProcessorSupplier<K, VT, K, VR> {
  return () => {
    let context: ProcessorContext<K, VR> | undefined;
    let other: WindowStore<K, VO> | undefined;
    let buffer: Buffer<K> | undefined;
    let times: JoinTimes | undefined;

    /** Emits (and removes) the buffered records whose window has closed, oldest first. */
    const emitClosed = async (record: StreamRecord<K, VT>, store: Buffer<K>, now: JoinTimes): Promise<void> => {
      const out = context as ProcessorContext<K, VR>;
      const earliestOpen = Math.min(options.leftWindowEndMs, options.rightWindowEndMs) + options.graceMs;
      const due: { key: BufferKey<K>; value: BufferValue<unknown, unknown> }[] = [];
      now.minBuffered = Number.POSITIVE_INFINITY;
      for await (const entry of store.all()) {
        if (entry.key.time + earliestOpen >= now.streamTime) {
          now.minBuffered = entry.key.time;
          break;
        }
        const end = entry.key.left ? options.leftWindowEndMs : options.rightWindowEndMs;
        if (entry.key.time + end + options.graceMs >= now.streamTime) {
          now.minBuffered = Math.min(now.minBuffered, entry.key.time);
          continue;
        }
        due.push(entry);
      }
      for (const { key, value } of due) {
        const thisSide = key.left === options.left;
        for (const buffered of value.values) {
          const result = thisSide ? options.joiner(buffered as VT, null, key.key) : options.joiner(null, buffered as VO, key.key);
          const forwarded = out.forward(withTimestamp(withValue(withKey(record, key.key), result), key.time));
          if (isPromise(forwarded)) await forwarded;
        }
        const deleted = store.delete(key);
        if (isPromise(deleted)) await deleted;
      }
    };

    const join = async (record: StreamRecord<K, VT>, now: JoinTimes): Promise<void> => {
      const out = context as ProcessorContext<K, VR>;
      const timeFrom = Math.max(0, record.timestamp - options.beforeMs);
      const timeTo = Math.max(0, record.timestamp + options.afterMs);
      let matched = false;
      for await (const partner of (other as WindowStore<K, VO>).fetchRange(record.key, timeFrom, timeTo)) {
        matched = true;
        // The partner has found a match: it must not leave with null when its window closes.
        if (buffer !== undefined) {
          const deleted = buffer.delete({ time: partner.key, left: !options.left, key: record.key });
          if (isPromise(deleted)) await deleted;
        }
        const result = options.joiner(record.value, partner.value, record.key);
        const forwarded = out.forward(withTimestamp(withValue(record, result), Math.max(record.timestamp, partner.key)));
        if (isPromise(forwarded)) await forwarded;
      }
      if (matched || !options.outer) return;
      if (buffer === undefined) {
        await out.forward(withValue(record, options.joiner(record.value, null, record.key)));
        return;
      }
      const key: BufferKey<K> = { time: record.timestamp, left: options.left, key: record.key };
      const waiting = await buffer.get(key);
      buffer.put(key, { left: options.left, values: [...(waiting?.values ?? []), record.value] });
      now.minBuffered = Math.min(now.minBuffered, record.timestamp);
    };

    return {
      init(ctx) {
        context = ctx;
        other = ctx.getStateStore<WindowStore<K, VO>>(options.otherStore);
        if (options.bufferStore !== undefined) buffer = ctx.getStateStore<Buffer<K>>(options.bufferStore);
        times = options.times.get(taskIdToString(ctx.taskId));
      },
      process(record): Awaitable<void> {
        const now = times as JoinTimes;
        if (record.timestamp > now.streamTime) now.streamTime = record.timestamp;
        // Only an outer side gets null keys from its windowed node: they can never match.
        if (record.key === null || record.key === undefined) {
          return (context as ProcessorContext<K, VR>).forward(withValue(record, options.joiner(record.value, null, record.key)));
        }
        const steps: (() => Awaitable<void>)[] = [];
        const earliestOpen = Math.min(options.leftWindowEndMs, options.rightWindowEndMs) + options.graceMs;
        if (buffer !== undefined && record.timestamp === now.streamTime && now.minBuffered + earliestOpen < now.streamTime) {
          const store = buffer;
          steps.push(() => emitClosed(record, store, now));
        }
        steps.push(() => join(record, now));
        return then(sequence(steps), () => undefined);
      },
    };
  };
}
