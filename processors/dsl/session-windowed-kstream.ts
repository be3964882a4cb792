/**
 * `SessionWindowedKStream<K, V>`: a grouped stream cut into sessions of activity, as Kafka
 * Streams' `SessionWindowedKStream`. Aggregations keep one aggregate per key and session
 * in a session store and return a `KTable<Windowed<K>, V>`; when a record merges sessions,
 * the merged-away sessions leave as tombstones before the merged one. Session keys are
 * written in Kafka's session-windowed layout (key, end, start).
 *
 * @example
 * ```ts
 * const visits = pageViews.groupByKey()
 *   .windowedBy(SessionWindows.ofInactivityGapWithNoGrace(30 * 60_000))
 *   .count(Materialized.as('visits'));
 * ```
 */

import { Serdes } from '../../schemas/serdes/serdes.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { Windowed } from '../../state/api/windowed.ts';
import type { Aggregator, Initializer, Reducer } from './functions.ts';
import { PREFIX } from './graph/names.ts';
import { namedAndMaterialized, type GroupedState } from './handles.ts';
import type { KTable } from './ktable.ts';
import { sessionAggregateOperator, type Merger } from './operators/session-aggregate.ts';
import type { Materialized } from './options/materialized.ts';
import type { Named } from './options/named.ts';
import type { SessionWindows } from './windows/session-windows.ts';
import { sessionStoreSpec } from './windows/window-store-specs.ts';
import { addWindowedAggregation } from './windows/windowed-aggregation.ts';
import { WindowedSerdes } from './windows/windowed-serdes.ts';

export type { Merger } from './operators/session-aggregate.ts';

export class SessionWindowedKStream<K, V> {
  readonly #state: GroupedState;
  readonly #windows: SessionWindows;

  /** Made by `KGroupedStream.windowedBy`. */
  constructor(state: GroupedState, windows: SessionWindows) {
    this.#state = state;
    this.#windows = windows;
  }

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<Windowed<K>, number> {
    const [name, options] = namedAndMaterialized(named, materialized);
    return this.#aggregate(PREFIX.STREAM_AGGREGATE, 'count', name, options, Serdes.Long() as Serde<unknown>, () => 0, (_k, _v, total: number) => total + 1, (_k, a, b) => a + b);
  }

  reduce(reducer: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<Windowed<K>, V> {
    const [name, options] = namedAndMaterialized(named, materialized);
    // As Kafka: a null start, and sessions merged by reducing the later into the earlier.
    const fold: Aggregator<K, V, V> = (_key, value, aggregate) => (aggregate === null ? value : reducer(aggregate, value));
    const merge: Merger<K, V> = (key, left, right) => fold(key, right, left);
    return this.#aggregate(PREFIX.STREAM_REDUCE, 'reduce', name, options, this.#state.valueSerde, () => null as V, fold, merge);
  }

  /** `merger` combines two sessions' aggregates when a record joins them. */
  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, merger: Merger<K, VA>, named?: Named | Materialized<K, VA>, materialized?: Materialized<K, VA>): KTable<Windowed<K>, VA> {
    const [name, options] = namedAndMaterialized(named, materialized);
    return this.#aggregate(PREFIX.STREAM_AGGREGATE, 'aggregate', name, options, undefined, initializer, aggregator, merger);
  }

  #aggregate<VA>(prefix: string, operator: string, named: Named | undefined, materialized: Materialized<K, VA> | undefined, valueSerde: Serde<unknown> | undefined, initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, merger: Merger<K, VA>): KTable<Windowed<K>, VA> {
    const windows = this.#windows;
    return addWindowedAggregation<K, VA>(this.#state, {
      prefix, operator, named, valueSerde,
      materialized: materialized as Materialized<unknown, unknown> | undefined,
      minimumRetentionMs: windows.minimumRetentionMs,
      defaultRetentionMs: windows.minimumRetentionMs,
      caching: true,
      // The session store's prefetch takes record times: it widens them by the gap itself.
      prefetch: (from, to) => [from, to],
      store: sessionStoreSpec,
      window: { graceMs: windows.graceMs, inclusiveEnd: true, keySerde: (inner) => WindowedSerdes.sessionWindowedSerdeFrom(inner) as Serde<Windowed<unknown>> },
      factory: (processorName) => (env) => sessionAggregateOperator({ windows, initializer, aggregator, merger, processorName }, env) as never,
    });
  }
}
