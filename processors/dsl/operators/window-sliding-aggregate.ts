/**
 * Aggregation over `SlidingWindows`, a port of Kafka Streams' `KStreamSlidingWindowAggregate`
 * (KIP-450, its forward-iterator path), so results match Kafka's window for window. Each
 * record of a key:
 * - adds itself to every existing window of the key that contains it;
 * - creates its left window `[t - diff, t]`, seeded with the aggregate of the window that
 *   ends just before it when the previous record is within `diff`;
 * - creates its right window `[t + 1, t + 1 + diff]` when a later record (out of order) is
 *   within `diff`, and the previous record's right window when this record falls in it.
 * Records earlier than `diff` after the epoch share the window `[0, diff]`, as in Kafka.
 * Windows end inclusively; one is closed once its end is before stream time minus grace.
 *
 * The windows of a key around `t` are read with one range scan, which is asynchronous.
 */

import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import type { StreamRecord } from '../../api/record.ts';
import type { ValueAndTimestamp } from '../../../state/api/timestamped.ts';
import type { TimeWindow, Windowed } from '../../../state/api/windowed.ts';
import type { Aggregator, Change, Initializer } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { droppedRecords, type DroppedRecords } from '../windows/dropped-records.ts';
import type { SlidingWindows } from '../windows/sliding-windows.ts';
import { registryOf } from '../windows/dsl-windowed-store.ts';
import { windowEmitter, type TimestampedWindowStore, type WindowEmitter } from './window-emitter.ts';
import { finalResults, type FinalResults } from './window-final-results.ts';
import { requireStore } from './window-store-name.ts';

export interface SlidingAggregateOptions<K, V, VA> {
  readonly windows: SlidingWindows;
  readonly initializer: Initializer<VA>;
  readonly aggregator: Aggregator<K, V, VA>;
  readonly emitOnClose: boolean;
  readonly processorName: string;
}

type Agg<VA> = ValueAndTimestamp<VA>;

export function slidingWindowAggregateOperator<K, V, VA>(options: SlidingAggregateOptions<K, V, VA>, env: OperatorEnv): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  const storeName = requireStore(env, 'sliding-window aggregate');
  const { windows, initializer, aggregator, emitOnClose } = options;
  const diff = windows.timeDifferenceMs;
  return () => {
    let context!: ProcessorContext<Windowed<K>, Change<VA>>;
    let store!: TimestampedWindowStore<K, VA>;
    let emitter!: WindowEmitter<K, VA>;
    let finals!: FinalResults;
    let dropped!: DroppedRecords;

    /** Kafka's `updateWindowAndForward`: folds the record into `window` unless it closed. */
    const updateWindow = async (record: StreamRecord<K, V>, window: TimeWindow, current: Agg<VA> | null, closeTime: number): Promise<void> => {
      if (window.end < closeTime) {
        dropped.record('expired-window', `window [${window.start}, ${window.end}] closed at ${closeTime}, record timestamp ${record.timestamp}`);
        return;
      }
      const oldValue = current === null ? null : current.value;
      const newValue = aggregator(record.key, record.value, oldValue as VA);
      const timestamp = current === null ? record.timestamp : Math.max(record.timestamp, current.timestamp);
      await emitter.write(record.key, window, newValue, oldValue, timestamp, record.headers);
    };

    const windowAt = (start: number): TimeWindow => ({ start, end: start + diff });

    /** The current record's right window takes the aggregate of the records after it as it is. */
    const createRightWindow = async (record: StreamRecord<K, V>, agg: Agg<VA>): Promise<void> => {
      await emitter.write(record.key, windowAt(record.timestamp + 1), agg.value, null, agg.timestamp, record.headers);
    };

    const scan = async (key: K, from: number, to: number): Promise<Array<{ start: number; agg: Agg<VA> }>> => {
      const found: Array<{ start: number; agg: Agg<VA> }> = [];
      for await (const entry of store.fetchRange(key, from, to)) found.push({ start: entry.key, agg: entry.value });
      return found;
    };

    const processInOrder = async (record: StreamRecord<K, V>, closeTime: number): Promise<void> => {
      const t = record.timestamp;
      const starts = new Set<number>();
      let leftAgg: Agg<VA> | null = null;
      let rightAgg: Agg<VA> | null = null;
      let leftCreated = false;
      let rightCreated = false;
      let previous: number | null = null;
      for (const { start, agg } of await scan(record.key, Math.max(0, t - 2 * diff), t + 1)) {
        starts.add(start);
        const end = start + diff;
        if (end < t) {
          leftAgg = agg;
          previous = agg.timestamp;
        } else if (end === t) {
          leftCreated = true;
          if (agg.timestamp < t) previous = agg.timestamp;
          await updateWindow(record, windowAt(start), agg, closeTime);
        } else if (start <= t) {
          rightAgg = agg;
          await updateWindow(record, windowAt(start), agg, closeTime);
        } else {
          rightCreated = true;
        }
      }
      if (previous !== null && !starts.has(previous + 1) && previous + 1 + diff >= t) {
        await updateWindow(record, windowAt(previous + 1), { value: initializer(), timestamp: t }, closeTime);
      }
      if (!leftCreated) {
        const seed = previous !== null && t - diff <= previous && leftAgg !== null ? leftAgg.value : initializer();
        await updateWindow(record, { start: t - diff, end: t }, { value: seed, timestamp: t }, closeTime);
      }
      if (!rightCreated && rightAgg !== null && rightAgg.timestamp > t) await createRightWindow(record, rightAgg);
    };

    /** Records before `diff`: their left windows would start before the epoch, so they share `[0, diff]`. */
    const processEarly = async (record: StreamRecord<K, V>, closeTime: number): Promise<void> => {
      const t = record.timestamp;
      let combined: { start: number; agg: Agg<VA> } | null = null;
      let rightAgg: Agg<VA> | null = null;
      let rightCreated = false;
      let previous: number | null = null;
      const starts = new Set<number>();
      for (const entry of await scan(record.key, 0, t + 1)) {
        starts.add(entry.start);
        if (entry.start === 0) {
          combined = entry;
          if (entry.agg.timestamp < t) previous = entry.agg.timestamp;
        } else if (entry.start <= t) {
          rightAgg = entry.agg;
          await updateWindow(record, windowAt(entry.start), entry.agg, closeTime);
        } else {
          rightCreated = true;
        }
      }
      if (rightAgg === null && combined !== null && combined.agg.timestamp > t) rightAgg = combined.agg;
      if (!rightCreated && rightAgg !== null && rightAgg.timestamp > t) await createRightWindow(record, rightAgg);
      if (previous !== null && !starts.has(previous + 1)) {
        await updateWindow(record, windowAt(previous + 1), { value: initializer(), timestamp: t }, closeTime);
      }
      if (combined === null) await updateWindow(record, windowAt(0), { value: initializer(), timestamp: t }, closeTime);
      else await updateWindow(record, windowAt(0), combined.agg, closeTime);
    };

    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<TimestampedWindowStore<K, VA>>(storeName);
        emitter = windowEmitter(ctx, store, env.sendOldValues, !emitOnClose);
        finals = finalResults(ctx, store, (from, to) => from <= to);
        dropped = droppedRecords(registryOf(store), { task: `${ctx.taskId.subtopology}_${ctx.taskId.partition}`, processor: options.processorName });
      },
      async process(record) {
        if (record.key === null || record.key === undefined) return dropped.record('null-key', `timestamp ${record.timestamp}`);
        if (record.value === null || record.value === undefined) return dropped.record('null-value', `timestamp ${record.timestamp}`);
        const closeTime = context.currentStreamTimeMs() - windows.graceMs;
        if (record.timestamp + 1 + diff <= closeTime) {
          return dropped.record('expired-window', `every window of the record closed: stream time ${context.currentStreamTimeMs()}, grace ${windows.graceMs} ms, record timestamp ${record.timestamp}`);
        }
        // A window [s, s + diff] is closed once s + diff < closeTime.
        if (emitOnClose) await finals.emitUpTo(closeTime - diff - 1);
        if (record.timestamp < diff) return processEarly(record, closeTime);
        return processInOrder(record, closeTime);
      },
    };
  };
}
