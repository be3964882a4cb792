/**
 * `KTable<K, V>`: a changelog stream seen as a table, the latest value per key, as Kafka
 * Streams' `KTable`. Internally each node forwards `Change`s (new value, and the old one
 * when a downstream operator asked for it). A table is materialized in a state store
 * when the user names one (`Materialized.as`), when an operator always needs one
 * (aggregations), or when the compiler finds that a downstream operator needs old values.
 *
 * @example
 * ```ts
 * const customers = builder.table('customers.events', Consumed.with(Serdes.String(), Serdes.JSON<Customer>()));
 * customers.filter((_id, c) => c.active).mapValues((c) => c.email).toStream().to('active-emails');
 * ```
 */

import type { KeyValue, KeyValueMapper, Predicate, ValueMapper } from './functions.ts';
import { PREFIX } from './graph/names.ts';
import type { OperatorFactory } from './graph/nodes.ts';
import { addProcessor, handles, nameOf, type TableState } from './handles.ts';
import type { KGroupedTable } from './kgrouped-table.ts';
import type { KStream } from './kstream.ts';
import { tableFilterOperator } from './operators/table-filter.ts';
import { tableMapValuesOperator } from './operators/table-map-values.ts';
import { tableSelectOperator } from './operators/table-select.ts';
import { tableToStreamOperator } from './operators/table-to-stream.ts';
import type { Grouped } from './options/grouped.ts';
import type { Materialized } from './options/materialized.ts';
import type { Named } from './options/named.ts';
import type { Serde } from './../schemas/serdes/serde.ts';

export class KTable<K, V> {
  readonly #state: TableState;

  /** Made by `StreamsBuilder.table`, `KStream.toTable` and aggregations. */
  constructor(state: TableState) {
    this.#state = state;
  }

  get name(): string {
    return this.#state.node;
  }

  /** The store interactive queries can read, or undefined when the table has no named store. */
  get queryableStoreName(): string | undefined {
    return this.#state.queryableStoreName;
  }

  /** @internal */
  get state(): TableState {
    return this.#state;
  }

  /**
   * Adds a table operator. `Materialized` makes the node keep its own store (named by the
   * user, or `<prefix>STATE-STORE-<n>`); its name is taken before the node's, as Kafka.
   */
  #transform<V2>(prefix: string, operator: string, named: Named | undefined, materialized: Materialized<K, V2> | undefined, valueSerde: Serde<unknown> | undefined, factory: OperatorFactory): KTable<K, V2> {
    const { graph } = this.#state;
    graph.checkOpen(`KTable.${operator}`);
    const options = materialized as Materialized<unknown, unknown> | undefined;
    const storeName = options === undefined ? undefined : options.storeName ?? graph.newStoreName(prefix);
    const name = graph.nameOrGenerate(nameOf(named), prefix);
    const keySerde = options?.keySerde ?? this.#state.keySerde;
    const outValueSerde = options?.valueSerde ?? valueSerde;
    if (options !== undefined && storeName !== undefined) {
      graph.addStore({ kind: 'dsl', name: storeName, owner: name, lazy: false, materialized: options, keySerde, valueSerde: outValueSerde });
    }
    addProcessor(graph, {
      name,
      parents: [this.#state.node],
      operator,
      factory,
      table: { kind: 'transform', storeName, materialized: storeName !== undefined },
    });
    return handles().table<K, V2>({
      graph, node: name, keySerde, valueSerde: outValueSerde, keyChanged: false,
      queryableStoreName: options?.storeName,
    });
  }

  filter(predicate: Predicate<K, V>, named?: Named, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.#transform(PREFIX.TABLE_FILTER, 'filter', named, materialized, this.#state.valueSerde, (env) => tableFilterOperator(predicate, false, env) as never);
  }

  filterNot(predicate: Predicate<K, V>, named?: Named, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.#transform(PREFIX.TABLE_FILTER, 'filterNot', named, materialized, this.#state.valueSerde, (env) => tableFilterOperator(predicate, true, env) as never);
  }

  mapValues<V2>(mapper: ValueMapper<V, V2, K>, named?: Named, materialized?: Materialized<K, V2>): KTable<K, V2> {
    return this.#transform(PREFIX.TABLE_MAPVALUES, 'mapValues', named, materialized, undefined, (env) => tableMapValuesOperator(mapper, env) as never);
  }

  /** The table's changes as a stream; a deleted key leaves as a null value. */
  toStream(named?: Named): KStream<K, V> {
    const { graph } = this.#state;
    graph.checkOpen('KTable.toStream');
    const node = addProcessor(graph, {
      name: graph.nameOrGenerate(nameOf(named), PREFIX.TABLE_TOSTREAM),
      parents: [this.#state.node],
      operator: 'toStream',
      factory: () => tableToStreamOperator() as never,
      table: { kind: 'to-stream', storeName: undefined, materialized: false },
    });
    return handles().stream<K, V>({ graph, node: node.name, keySerde: this.#state.keySerde, valueSerde: this.#state.valueSerde, keyChanged: false });
  }

  /**
   * Re-keys the table for an aggregation: each row maps to a new key and value. Always
   * repartitioned; the table sends old values so that the aggregation can subtract them.
   */
  groupBy<K2, V2>(selector: KeyValueMapper<K, V, KeyValue<K2, V2>>, grouped?: Grouped<K2, V2>): KGroupedTable<K2, V2> {
    const { graph } = this.#state;
    graph.checkOpen('KTable.groupBy');
    const node = addProcessor(graph, {
      name: graph.nameOrGenerate(grouped?.name, PREFIX.TABLE_SELECT),
      parents: [this.#state.node],
      operator: 'groupBy',
      factory: () => tableSelectOperator(selector) as never,
      keyChanging: true,
      table: { kind: 'select', storeName: undefined, materialized: false },
    });
    return handles().groupedTable<K2, V2>({
      graph, node: node.name, keyChanged: true,
      keySerde: grouped?.keySerde as Serde<unknown> | undefined,
      valueSerde: grouped?.valueSerde as Serde<unknown> | undefined,
      groupedName: grouped?.name,
    });
  }
}
