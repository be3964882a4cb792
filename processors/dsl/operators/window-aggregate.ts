/**
 * Aggregation over tumbling and hopping windows (`TimeWindows`), as Kafka Streams'
 * `KStreamWindowAggregate`: each record is folded into every window it falls in that is
 * still open; a window is closed once its end plus grace is at or before stream time
 * (the largest timestamp the task has seen), and a record for a closed window is dropped
 * and counted. The aggregate's timestamp is the largest of its records'.
 *
 * Reads of the windows go through `fetch`, which answers synchronously when the task
 * prefetched the batch's keys, so the common record costs no await.
 */

import { then, type Awaitable } from '../../../common/awaitable.ts';
import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import type { StreamRecord } from '../../api/record.ts';
import type { Windowed } from '../../../state/api/windowed.ts';
import type { Aggregator, Change, Initializer } from '../functions.ts';
import type { OperatorEnv } from '../graph/nodes.ts';
import { droppedRecords, type DroppedRecords } from '../windows/dropped-records.ts';
import { registryOf } from '../windows/dsl-windowed-store.ts';
import type { TimeWindows } from '../windows/time-windows.ts';
import { sequence } from './forward-all.ts';
import { windowEmitter, type TimestampedWindowStore, type WindowEmitter } from './window-emitter.ts';
import { finalResults, type FinalResults } from './window-final-results.ts';
import { requireStore } from './window-store-name.ts';

export interface WindowAggregateOptions<K, V, VA> {
  readonly windows: TimeWindows;
  readonly initializer: Initializer<VA>;
  readonly aggregator: Aggregator<K, V, VA>;
  readonly emitOnClose: boolean;
  /** The node's name, for the dropped-records metric and logs. */
  readonly processorName: string;
}

/** True when a multiple of `advance` lies in `[from, to]`: only then can windows start there. */
function holdsStart(advance: number, from: number, to: number): boolean {
  return Math.ceil(from / advance) * advance <= to;
}

export function windowAggregateOperator<K, V, VA>(options: WindowAggregateOptions<K, V, VA>, env: OperatorEnv): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  const storeName = requireStore(env, 'windowed aggregate');
  const { windows, initializer, aggregator, emitOnClose } = options;
  return () => {
    let context!: ProcessorContext<Windowed<K>, Change<VA>>;
    let store!: TimestampedWindowStore<K, VA>;
    let emitter!: WindowEmitter<K, VA>;
    let finals!: FinalResults;
    let dropped!: DroppedRecords;

    const update = (record: StreamRecord<K, V>, start: number, end: number): Awaitable<void> =>
      then(store.fetch(record.key, start), (current) => {
        const oldValue = current === undefined ? null : current.value;
        const timestamp = current === undefined ? record.timestamp : Math.max(current.timestamp, record.timestamp);
        const newValue = aggregator(record.key, record.value, oldValue ?? initializer());
        return emitter.write(record.key, { start, end }, newValue, oldValue, timestamp, record.headers);
      });

    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<TimestampedWindowStore<K, VA>>(storeName);
        emitter = windowEmitter(ctx, store, env.sendOldValues, !emitOnClose);
        finals = finalResults(ctx, store, (from, to) => holdsStart(windows.advanceMs, from, to));
        dropped = droppedRecords(registryOf(store), { task: `${ctx.taskId.subtopology}_${ctx.taskId.partition}`, processor: options.processorName });
      },
      process(record) {
        if (record.key === null || record.key === undefined) return dropped.record('null-key', `timestamp ${record.timestamp}`);
        if (record.value === null || record.value === undefined) return dropped.record('null-value', `timestamp ${record.timestamp}`);
        const closeTime = context.currentStreamTimeMs() - windows.graceMs;
        const steps: (() => Awaitable<void>)[] = [];
        // Final results first: the store has not seen this record's windows yet, so what
        // just closed cannot have expired in it (see window-final-results.ts).
        if (emitOnClose) steps.push(() => finals.emitUpTo(closeTime - windows.sizeMs));
        for (const window of windows.windowsFor(record.timestamp)) {
          if (window.end > closeTime) steps.push(() => update(record, window.start, window.end));
          else dropped.record('expired-window', `window [${window.start}, ${window.end}) closed: stream time ${context.currentStreamTimeMs()}, grace ${windows.graceMs} ms, record timestamp ${record.timestamp}`);
        }
        return sequence(steps);
      },
    };
  };
}
