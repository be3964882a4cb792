/**
 * The `KSTREAM-WINDOWED-` node of a stream-stream join, as Kafka Streams'
 * `KStreamJoinWindow`: it keeps each record of its side in the side's window store, where
 * the other side's join processor finds it. It also drops what the join must not see: a
 * record later than its window's end plus grace by the join's stream time (counted as
 * `expired-window` in `kstreams_dropped_records_total`), and records without a value, or
 * without a key when the join cannot emit them (only an outer side joins a null key, with null).
 */

import { then } from '../../../common/awaitable.ts';
import { taskIdToString, type ProcessorContext, type ProcessorSupplier } from '../../api/processor.ts';
import type { WindowStore } from '../../../state/api/window-store.ts';
import type { JoinTimesByTask } from '../joins/outer-join-buffer.ts';
import { droppedRecords, type DroppedRecords } from '../windows/dropped-records.ts';
import { registryOf } from '../windows/dsl-windowed-store.ts';

export interface JoinWindowOptions {
  readonly node: string;
  readonly storeName: string;
  /** How far after its own timestamp this side's window ends: `after` for the left side, `before` for the right. */
  readonly windowEndMs: number;
  readonly graceMs: number;
  /** This side emits unmatched records (left side of left/outer, both of outer). */
  readonly outer: boolean;
  readonly times: JoinTimesByTask;
}

/**
 * @example
 * ```ts
 * joinWindowOperator({ node, storeName: 'KSTREAM-JOINTHIS-0000000004-store', windowEndMs: 60_000, graceMs: 0, outer: false, times });
 * ```
 */
export function joinWindowOperator<K, V>(options: JoinWindowOptions): ProcessorSupplier<K, V, K, V> {
  return () => {
    let context: ProcessorContext<K, V> | undefined;
    let store: WindowStore<K, V> | undefined;
    let dropped: DroppedRecords | undefined;
    let task = '';
    return {
      init(ctx) {
        context = ctx;
        task = taskIdToString(ctx.taskId);
        store = ctx.getStateStore<WindowStore<K, V>>(options.storeName);
        dropped = droppedRecords(registryOf(store), { task, processor: options.node });
      },
      process(record) {
        const out = context as ProcessorContext<K, V>;
        const drops = dropped as DroppedRecords;
        if (record.value === null || record.value === undefined) {
          drops.record('null-value', 'a stream-stream join skips records without a value');
          return undefined;
        }
        if (record.key === null || record.key === undefined) {
          if (options.outer) return out.forward(record);
          drops.record('null-key', 'an inner stream-stream join skips records without a key');
          return undefined;
        }
        const streamTime = options.times.get(task).streamTime;
        const closesAt = record.timestamp + options.windowEndMs + options.graceMs;
        if (closesAt < streamTime) {
          drops.record('expired-window', `record at ${record.timestamp}: its join window closed at ${closesAt}, stream time is ${streamTime}`);
          return undefined;
        }
        const windows = store as WindowStore<K, V>;
        return then(out.forward(record), () => windows.put(record.key, record.value, record.timestamp));
      },
      close() {
        options.times.remove(task);
      },
    };
  };
}
