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
import { addProcessor, nameOf, type TableState } from './handles.ts';
import type { KGroupedTable } from './kgrouped-table.ts';
import { tableJoin } from './joins/ktable-joins.ts';
import type { ForeignKeyExtractor, ValueJoiner } from './joins/value-joiner.ts';
import type { TableJoined } from './options/table-joined.ts';
import type { KStream } from './kstream.ts';
import { tableFilterMapper, tableFilterOperator } from './operators/table-filter.ts';
import { tableMapValuesMapper, tableMapValuesOperator } from './operators/table-map-values.ts';
import type { ChangeMapper } from './operators/table-transform.ts';
import { tableSelectOperator } from './operators/table-select.ts';
import { tableToStreamOperator } from './operators/table-to-stream.ts';
import type { Grouped } from './options/grouped.ts';
import type { Materialized } from './options/materialized.ts';
import type { Named } from './options/named.ts';
import type { Suppressed } from './options/suppressed.ts';
import { suppressTable } from './windows/suppress-table.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';

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
  #transform<V2>(prefix: string, operator: string, named: Named | undefined, materialized: Materialized<K, V2> | undefined, valueSerde: Serde<unknown> | undefined, factory: OperatorFactory, mapper?: ChangeMapper<K, V, V2>): KTable<K, V2> {
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
      table: { kind: 'transform', storeName, materialized: storeName !== undefined, mapper: mapper as ((key: unknown, value: unknown) => unknown) | undefined },
    });
    return this.#state.handles.table<K, V2>({
      graph, handles: this.#state.handles, node: name, keySerde, valueSerde: outValueSerde, keyChanged: false,
      queryableStoreName: options?.storeName,
    });
  }

  filter(predicate: Predicate<K, V>, named?: Named, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.#transform(PREFIX.TABLE_FILTER, 'filter', named, materialized, this.#state.valueSerde, (env) => tableFilterOperator(predicate, false, env) as never, tableFilterMapper(predicate, false));
  }

  filterNot(predicate: Predicate<K, V>, named?: Named, materialized?: Materialized<K, V>): KTable<K, V> {
    return this.#transform(PREFIX.TABLE_FILTER, 'filterNot', named, materialized, this.#state.valueSerde, (env) => tableFilterOperator(predicate, true, env) as never, tableFilterMapper(predicate, true));
  }

  mapValues<V2>(mapper: ValueMapper<V, V2, K>, named?: Named, materialized?: Materialized<K, V2>): KTable<K, V2> {
    return this.#transform(PREFIX.TABLE_MAPVALUES, 'mapValues', named, materialized, undefined, (env) => tableMapValuesOperator(mapper, env) as never, tableMapValuesMapper(mapper));
  }

  /**
   * Holds updates back: final results per window (`untilWindowCloses`), or the latest
   * update of a key once a time limit passed (`untilTimeLimit`). See `Suppressed`.
   *
   * @example
   * ```ts
   * counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded())).toStream().to('final-counts');
   * ```
   */
  suppress(suppressed: Suppressed): KTable<K, V> {
    return suppressTable<K, V>(this.#state, suppressed);
  }

  /**
   * Inner join, as Kafka Streams' `KTable.join`:
   * - with a `KTable` of the same key: the joined table has a row where both have one, and
   *   an update of either side updates it (a delete that ends a result leaves as a tombstone);
   * - with a foreign-key extractor: each row joins the other table's row under the key its
   *   value refers to (Kafka's KIP-213), through internal subscription and response topics.
   *
   * @example
   * ```ts
   * orders.join(payments, (order, payment) => ({ ...order, paid: payment.amount }), Named.as('order-payment'), Materialized.as('paid-orders'));
   * orders.join(customers, (order) => order.customerId, (order, customer) => ({ ...order, customer }));
   * ```
   */
  // The foreign-key form comes first: a function would also pass for the `Named` of the other.
  join<KO, VO, VR>(other: KTable<KO, VO>, foreignKey: ForeignKeyExtractor<K, V, KO>, joiner: ValueJoiner<V, VO, VR, K>, tableJoined?: TableJoined<K, KO> | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  join<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V, VO, VR, K>, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  join(other: { readonly state: TableState }, second: (...args: never[]) => unknown, third?: unknown, fourth?: unknown, fifth?: unknown): KTable<K, unknown> {
    return this.#state.handles.table(tableJoin('inner', this.#state, other.state, second, third, fourth, fifth));
  }

  /**
   * Left join, as Kafka Streams' `KTable.leftJoin`: as {@link join}, and every row of this
   * table has a result, with null for the other side while it has no matching row.
   *
   * @example
   * ```ts
   * orders.leftJoin(shipments, (order, shipment) => ({ ...order, shipped: shipment !== null }));
   * ```
   */
  // The foreign-key form comes first: a function would also pass for the `Named` of the other.
  leftJoin<KO, VO, VR>(other: KTable<KO, VO>, foreignKey: ForeignKeyExtractor<K, V, KO>, joiner: ValueJoiner<V, VO | null, VR, K>, tableJoined?: TableJoined<K, KO> | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V, VO | null, VR, K>, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR>;
  leftJoin(other: { readonly state: TableState }, second: (...args: never[]) => unknown, third?: unknown, fourth?: unknown, fifth?: unknown): KTable<K, unknown> {
    return this.#state.handles.table(tableJoin('left', this.#state, other.state, second, third, fourth, fifth));
  }

  /**
   * Outer join, as Kafka Streams' `KTable.outerJoin`: a result for every key either table
   * has, with null for the side that has no row.
   *
   * @example
   * ```ts
   * stock.outerJoin(reservations, (inStock, reserved) => (inStock ?? 0) - (reserved ?? 0));
   * ```
   */
  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR, K>, named?: Named | Materialized<K, VR>, materialized?: Materialized<K, VR>): KTable<K, VR> {
    return this.#state.handles.table(tableJoin('outer', this.#state, other.state, joiner as (...args: never[]) => unknown, named, materialized, undefined));
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
    return this.#state.handles.stream<K, V>({ graph, handles: this.#state.handles, node: node.name, keySerde: this.#state.keySerde, valueSerde: this.#state.valueSerde, keyChanged: false });
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
    return this.#state.handles.groupedTable<K2, V2>({
      graph, handles: this.#state.handles, node: node.name, keyChanged: true,
      keySerde: grouped?.keySerde as Serde<unknown> | undefined,
      valueSerde: grouped?.valueSerde as Serde<unknown> | undefined,
      groupedName: grouped?.name,
    });
  }
}
