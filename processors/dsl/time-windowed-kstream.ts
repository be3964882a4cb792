/**
 * `TimeWindowedKStream<K, V>`: a grouped stream cut into time windows, as Kafka Streams'
 * `TimeWindowedKStream` (tumbling and hopping `TimeWindows`, or `SlidingWindows`). Its
 * aggregations keep one aggregate per key and window in a window store and return a
 * `KTable<Windowed<K>, V>`; `toStream()` gives `Windowed<K>` keys, which the table's key
 * serde writes in Kafka's time-windowed layout.
 *
 * Every update is sent by default (through the store's cache when caching is on); with
 * `emitStrategy(EmitStrategy.onWindowClose())` each window's final result is sent once,
 * when stream time passes its end plus grace.
 *
 * @example
 * ```ts
 * const perMinute = clicks.groupByKey()
 *   .windowedBy(TimeWindows.ofSizeAndGrace(60_000, 5_000))
 *   .count(Materialized.as('clicks-per-minute'));
 * perMinute.toStream().to('clicks.per-minute', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(Serdes.String(), 60_000), Serdes.Long()));
 * ```
 */

import { Serdes } from '../../schemas/serdes/serdes.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { Windowed } from '../../state/api/windowed.ts';
import type { Aggregator, Initializer, Reducer } from './functions.ts';
import { PREFIX } from './graph/names.ts';
import { namedAndMaterialized, type GroupedState } from './handles.ts';
import type { KTable } from './ktable.ts';
import { windowAggregateOperator } from './operators/window-aggregate.ts';
import { slidingWindowAggregateOperator } from './operators/window-sliding-aggregate.ts';
import type { Materialized } from './options/materialized.ts';
import type { Named } from './options/named.ts';
import { EmitStrategy } from './windows/emit-strategy.ts';
import type { SlidingWindows } from './windows/sliding-windows.ts';
import type { TimeWindows } from './windows/time-windows.ts';
import { windowStoreSpec } from './windows/window-store-specs.ts';
import { addWindowedAggregation } from './windows/windowed-aggregation.ts';
import { WindowedSerdes } from './windows/windowed-serdes.ts';

export class TimeWindowedKStream<K, V> {
  readonly #state: GroupedState;
  readonly #windows: TimeWindows | SlidingWindows;
  readonly #emit: EmitStrategy;

  /** Made by `KGroupedStream.windowedBy`. */
  constructor(state: GroupedState, windows: TimeWindows | SlidingWindows, emit: EmitStrategy = EmitStrategy.onWindowUpdate()) {
    this.#state = state;
    this.#windows = windows;
    this.#emit = emit;
  }

  /** When results leave: every update (the default), or once per window when it closes. */
  emitStrategy(strategy: EmitStrategy): TimeWindowedKStream<K, V> {
    return new TimeWindowedKStream(this.#state, this.#windows, strategy);
  }

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    const [name, options] = namedAndMaterialized(named, materialized);
    return this.#aggregate(PREFIX.STREAM_AGGREGATE, 'count', name, options, Serdes.Long() as Serde<unknown>, () => 0, (_key, _value, total: number) => total + 1);
  }

  /** Combines the values of each key and window; the window's first value is the start. */
  reduce(reducer: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    const [name, options] = namedAndMaterialized(named, materialized);
    // As Kafka: a null initial aggregate, replaced by the first value.
    const fold: Aggregator<K, V, V> = (_key, value, aggregate) => (aggregate === null ? value : reducer(aggregate, value));
    return this.#aggregate(PREFIX.STREAM_REDUCE, 'reduce', name, options, this.#state.valueSerde, () => null as V, fold);
  }

  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, named?: Named | Materialized<K, VA>, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA> {
    const [name, options] = namedAndMaterialized(named, materialized);
    return this.#aggregate(PREFIX.STREAM_AGGREGATE, 'aggregate', name, options, undefined, initializer, aggregator);
  }

  #aggregate<VA>(prefix: string, operator: string, named: Named | undefined, materialized: Materialized<K, VA> | undefined, valueSerde: Serde<unknown> | undefined, initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>): KTable<Windowed<K>, VA> {
    const windows = this.#windows;
    const emitOnClose = this.#emit.type === 'ON_WINDOW_CLOSE';
    const sliding = windows.kind === 'sliding';
    return addWindowedAggregation<K, VA>(this.#state, {
      prefix, operator, named, valueSerde,
      materialized: materialized as Materialized<unknown, unknown> | undefined,
      minimumRetentionMs: windows.minimumRetentionMs,
      defaultRetentionMs: sliding ? windows.defaultRetentionMs : windows.minimumRetentionMs,
      // Emit-on-close reads closed windows from the store itself; a cache would only delay them.
      caching: !emitOnClose,
      // Time windows read the starts (t - size, t], multiples of the advance; sliding windows scan [t - 2 × diff, t + 1].
      prefetch: sliding
        ? (from, to) => [from - 2 * windows.timeDifferenceMs, to + 1]
        : (from, to) => [from - windows.sizeMs + 1, to, windows.advanceMs],
      store: (request) => windowStoreSpec(request, windows.sizeMs),
      window: {
        graceMs: windows.graceMs,
        inclusiveEnd: sliding,
        keySerde: (inner) => WindowedSerdes.timeWindowedSerdeFrom(inner, windows.sizeMs) as Serde<Windowed<unknown>>,
      },
      factory: (processorName) => (env) => (windows.kind === 'sliding'
        ? slidingWindowAggregateOperator({ windows, initializer, aggregator, emitOnClose, processorName }, env)
        : windowAggregateOperator({ windows, initializer, aggregator, emitOnClose, processorName }, env)) as never,
    });
  }
}
