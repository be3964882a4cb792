/**
 * `KGroupedStream<K, V>`: a stream grouped by key, ready to aggregate, as Kafka Streams'
 * `KGroupedStream`. Aggregations keep their result in a timestamped store and return a
 * KTable. When the key changed before the grouping, the compiler reads the aggregation's
 * input through a repartition topic named `<Grouped name or store name>-repartition`.
 *
 * @example
 * ```ts
 * const totals = orders.groupByKey(Grouped.with(Serdes.String(), Serdes.JSON<Order>()))
 *   .aggregate(() => 0, (_id, order, total) => total + order.amount, Materialized.as<string, number>('order-totals').withValueSerde(Serdes.Long()));
 * ```
 */

import { Serdes } from '../../schemas/serdes/serdes.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { Aggregator, Initializer, Reducer } from './functions.ts';
import { PREFIX } from './graph/names.ts';
import type { OperatorFactory } from './graph/nodes.ts';
import { addAggregation, nameOf, namedAndMaterialized, type GroupedState } from './handles.ts';
import type { KTable } from './ktable.ts';
import { streamAggregateOperator } from './operators/stream-aggregate.ts';
import { streamReduceOperator } from './operators/stream-reduce.ts';
import { defaultMaterialized, type Materialized } from './options/materialized.ts';
import type { Named } from './options/named.ts';
import { SessionWindowedKStream } from './session-windowed-kstream.ts';
import { TimeWindowedKStream } from './time-windowed-kstream.ts';
import { SessionWindows } from './windows/session-windows.ts';
import type { SlidingWindows } from './windows/sliding-windows.ts';
import type { TimeWindows } from './windows/time-windows.ts';

export class KGroupedStream<K, V> {
  readonly #state: GroupedState;

  /** Made by `KStream.groupByKey` and `KStream.groupBy`. */
  constructor(state: GroupedState) {
    this.#state = state;
  }

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<K, number> {
    const [name, options] = namedAndMaterialized(named, materialized);
    const count: Aggregator<K, V, number> = (_key, _value, total) => total + 1;
    return this.#aggregate(PREFIX.STREAM_AGGREGATE, 'count', name, options, Serdes.Long() as Serde<unknown>, (env) => streamAggregateOperator(() => 0, count, env) as never);
  }

  /** Combines the values of each key; the first value is the start. */
  reduce(reducer: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const [name, options] = namedAndMaterialized(named, materialized);
    return this.#aggregate(PREFIX.STREAM_REDUCE, 'reduce', name, options, this.#state.valueSerde, (env) => streamReduceOperator(reducer, env) as never);
  }

  aggregate<VA>(initializer: Initializer<VA>, aggregator: Aggregator<K, V, VA>, named?: Named | Materialized<K, VA>, materialized?: Materialized<K, VA>): KTable<K, VA> {
    const [name, options] = namedAndMaterialized(named, materialized);
    return this.#aggregate(PREFIX.STREAM_AGGREGATE, 'aggregate', name, options, undefined, (env) => streamAggregateOperator(initializer, aggregator, env) as never);
  }

  /**
   * Cuts each key's records into windows for a windowed aggregation: time windows
   * (tumbling, hopping, sliding) or sessions. A changed key is repartitioned first.
   *
   * @example
   * ```ts
   * stream.groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(60_000)).count();
   * ```
   */
  windowedBy(windows: TimeWindows | SlidingWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SlidingWindows | SessionWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> {
    this.#state.graph.checkOpen('KGroupedStream.windowedBy');
    if (windows instanceof SessionWindows) return new SessionWindowedKStream<K, V>(this.#state, windows);
    return new TimeWindowedKStream<K, V>(this.#state, windows);
  }

  /** Names in Kafka's order: the store, the aggregation node, then the repartition nodes. */
  #aggregate<VA>(prefix: string, operator: string, named: Named | undefined, materialized: Materialized<K, VA> | undefined, valueSerde: Serde<unknown> | undefined, factory: OperatorFactory): KTable<K, VA> {
    const { graph } = this.#state;
    graph.checkOpen(`KGroupedStream.${operator}`);
    const options = (materialized ?? defaultMaterialized<K, VA>()) as Materialized<unknown, unknown>;
    const storeName = options.storeName ?? graph.newStoreName(prefix);
    const name = graph.nameOrGenerate(nameOf(named), prefix);
    const repartition = this.#state.keyChanged
      ? graph.streamRepartition({ prefix: this.#state.groupedName ?? storeName, keySerde: this.#state.keySerde, valueSerde: this.#state.valueSerde })
      : undefined;
    return addAggregation<K, VA>(this.#state, { name, storeName, options, valueSerde, operator, factory, repartition });
  }
}
