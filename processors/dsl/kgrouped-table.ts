/**
 * `KGroupedTable<K, V>`: a re-keyed table, ready to aggregate, as Kafka Streams'
 * `KGroupedTable`. Every row change reaches the aggregation through a repartition topic as
 * a retraction of its old value and an addition of its new one, so aggregations take an
 * adder and a subtractor.
 *
 * @example
 * ```ts
 * const perCountry = customers.groupBy((_id, c) => keyValue(c.country, c), Grouped.with(Serdes.String(), customerSerde)).count();
 * ```
 */

import { Serdes } from '../../schemas/serdes/serdes.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { Aggregator, Initializer, Reducer } from './functions.ts';
import { PREFIX, repartitionTopicName } from './graph/names.ts';
import type { OperatorFactory } from './graph/nodes.ts';
import { addAggregation, namedAndMaterialized, type GroupedState } from './handles.ts';
import type { KTable } from './ktable.ts';
import { tableAggregateOperator } from './operators/table-aggregate.ts';
import { tableReduceOperator } from './operators/table-reduce.ts';
import { defaultMaterialized, type Materialized } from './options/materialized.ts';
import type { Named } from './options/named.ts';

export class KGroupedTable<K, V> {
  readonly #state: GroupedState;

  /** Made by `KTable.groupBy`. */
  constructor(state: GroupedState) {
    this.#state = state;
  }

  count(named?: Named | Materialized<K, number>, materialized?: Materialized<K, number>): KTable<K, number> {
    const [name, options] = namedAndMaterialized(named, materialized);
    const add: Aggregator<K, V, number> = (_key, _value, total) => total + 1;
    const subtract: Aggregator<K, V, number> = (_key, _value, total) => total - 1;
    return this.#aggregate(PREFIX.TABLE_AGGREGATE, 'count', name, options, Serdes.Long() as Serde<unknown>, (env) => tableAggregateOperator(() => 0, add, subtract, env) as never);
  }

  reduce(adder: Reducer<V>, subtractor: Reducer<V>, named?: Named | Materialized<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const [name, options] = namedAndMaterialized(named, materialized);
    return this.#aggregate(PREFIX.TABLE_REDUCE, 'reduce', name, options, this.#state.valueSerde, (env) => tableReduceOperator(adder, subtractor, env) as never);
  }

  aggregate<VA>(initializer: Initializer<VA>, adder: Aggregator<K, V, VA>, subtractor: Aggregator<K, V, VA>, named?: Named | Materialized<K, VA>, materialized?: Materialized<K, VA>): KTable<K, VA> {
    const [name, options] = namedAndMaterialized(named, materialized);
    return this.#aggregate(PREFIX.TABLE_AGGREGATE, 'aggregate', name, options, undefined, (env) => tableAggregateOperator(initializer, adder, subtractor, env) as never);
  }

  /** Names in Kafka's order: the store, the repartition sink and source, then the aggregation node. */
  #aggregate<VA>(prefix: string, operator: string, named: Named | undefined, materialized: Materialized<K, VA> | undefined, valueSerde: Serde<unknown> | undefined, factory: OperatorFactory): KTable<K, VA> {
    const { graph } = this.#state;
    graph.checkOpen(`KGroupedTable.${operator}`);
    const options = (materialized ?? defaultMaterialized<K, VA>()) as Materialized<unknown, unknown>;
    const storeName = options.storeName ?? graph.newStoreName(prefix);
    const userName = named?.name;
    const sinkName = userName === undefined ? graph.newProcessorName(PREFIX.SINK) : `${userName}-sink`;
    const sourceName = userName === undefined ? graph.newProcessorName(PREFIX.SOURCE) : `${userName}-source`;
    const name = graph.nameOrGenerate(userName, prefix);
    const repartition = Object.freeze({
      topic: repartitionTopicName(this.#state.groupedName ?? storeName),
      sinkName, sourceName, filterName: undefined,
      keySerde: this.#state.keySerde, valueSerde: this.#state.valueSerde,
      partitions: undefined, partitioner: undefined, changeValues: true,
    });
    return addAggregation<K, VA>(this.#state, { name, storeName, options, valueSerde, operator, factory, repartition });
  }
}
