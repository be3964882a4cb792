/**
 * `KStream<K, V>`: an unbounded stream of records, as Kafka Streams' `KStream`. Each
 * operator adds one named node to the logical graph and returns a new handle; the types
 * carry key and value through (`map<K2, V2>` gives `KStream<K2, V2>`). Operators that may
 * change the key (`map`, `selectKey`, `flatMap`, `process`) mark the stream `keyChanged`;
 * the compiler then puts a repartition topic before the next stateful step.
 *
 * @example
 * ```ts
 * builder.stream('text', Consumed.with(Serdes.String(), Serdes.String()))
 *   .flatMapValues((line) => line.toLowerCase().split(/\W+/))
 *   .groupBy((_key, word) => word)
 *   .count(Materialized.as('counts-store'))
 *   .toStream()
 *   .to('word-counts', Produced.with(Serdes.String(), Serdes.Long()));
 * ```
 */

import type { ProcessorSupplier } from '../api/processor.ts';
import type { TopicNameExtractor } from '../plan/topology-plan.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { BranchedKStream } from './branched-kstream.ts';
import type { ForeachAction, KeyValue, KeyValueMapper, Predicate, ValueMapper } from './functions.ts';
import { PREFIX } from './graph/names.ts';
import type { OperatorFactory } from './graph/nodes.ts';
import { addProcessor, checkSameGraph, nameOf, type StreamState } from './handles.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import type { KTable } from './ktable.ts';
import type { GlobalKTable } from './global-ktable.ts';
import { streamJoin } from './joins/kstream-joins.ts';
import type { ValueJoiner } from './joins/value-joiner.ts';
import type { Joined } from './options/joined.ts';
import type { JoinWindows } from './options/join-windows.ts';
import type { StreamJoined } from './options/stream-joined.ts';
import { filterOperator } from './operators/filter.ts';
import { flatMapValuesOperator } from './operators/flat-map-values.ts';
import { flatMapOperator } from './operators/flat-map.ts';
import { mapValuesOperator } from './operators/map-values.ts';
import { mapOperator } from './operators/map.ts';
import { passThroughOperator } from './operators/pass-through.ts';
import { peekOperator } from './operators/peek.ts';
import { selectKeyOperator } from './operators/select-key.ts';
import { tableSourceOperator } from './operators/table-source.ts';
import type { Grouped } from './options/grouped.ts';
import { defaultMaterialized, type Materialized } from './options/materialized.ts';
import type { Named } from './options/named.ts';
import type { Produced } from './options/produced.ts';
import type { Repartitioned } from './options/repartitioned.ts';

type Unknown = Serde<unknown> | undefined;
const serde = <T>(s: Serde<T> | undefined): Unknown => s as Unknown;

export class KStream<K, V> {
  readonly #state: StreamState;

  /** Made by `StreamsBuilder.stream` and by operators; not meant to be called directly. */
  constructor(state: StreamState) {
    this.#state = state;
  }

  /** The name of the node this stream comes out of. */
  get name(): string {
    return this.#state.node;
  }

  /** True when the key may have changed since the last repartition (map, selectKey, flatMap, process). */
  get keyChanged(): boolean {
    return this.#state.keyChanged;
  }

  /** @internal The handle's state, for the other DSL handles. */
  get state(): StreamState {
    return this.#state;
  }

  #add<K2, V2>(prefix: string, named: Named | undefined, operator: string, factory: OperatorFactory, change: { key?: boolean; value?: boolean; keyChanging?: boolean; stores?: readonly string[] } = {}): KStream<K2, V2> {
    const { graph } = this.#state;
    graph.checkOpen(`KStream.${operator}`);
    const node = addProcessor(graph, {
      name: graph.nameOrGenerate(nameOf(named), prefix),
      parents: [this.#state.node],
      operator,
      factory,
      keyChanging: change.keyChanging === true,
      stores: change.stores ?? [],
    });
    return this.#state.handles.stream<K2, V2>({
      graph, handles: this.#state.handles,
      node: node.name,
      keySerde: change.key === true ? undefined : this.#state.keySerde,
      valueSerde: change.value === true ? undefined : this.#state.valueSerde,
      keyChanged: this.#state.keyChanged || change.keyChanging === true,
    });
  }

  filter(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    return this.#add(PREFIX.FILTER, named, 'filter', () => filterOperator(predicate, false) as never);
  }

  filterNot(predicate: Predicate<K, V>, named?: Named): KStream<K, V> {
    return this.#add(PREFIX.FILTER, named, 'filterNot', () => filterOperator(predicate, true) as never);
  }

  map<K2, V2>(mapper: KeyValueMapper<K, V, KeyValue<K2, V2>>, named?: Named): KStream<K2, V2> {
    return this.#add(PREFIX.MAP, named, 'map', () => mapOperator(mapper) as never, { key: true, value: true, keyChanging: true });
  }

  /** A new value per record; the mapper also gets the key, which it must not change. */
  mapValues<V2>(mapper: ValueMapper<V, V2, K>, named?: Named): KStream<K, V2> {
    return this.#add(PREFIX.MAPVALUES, named, 'mapValues', () => mapValuesOperator(mapper) as never, { value: true });
  }

  selectKey<K2>(selector: KeyValueMapper<K, V, K2>, named?: Named): KStream<K2, V> {
    return this.#add(PREFIX.KEY_SELECT, named, 'selectKey', () => selectKeyOperator(selector) as never, { key: true, keyChanging: true });
  }

  flatMap<K2, V2>(mapper: KeyValueMapper<K, V, Iterable<KeyValue<K2, V2>>>, named?: Named): KStream<K2, V2> {
    return this.#add(PREFIX.FLATMAP, named, 'flatMap', () => flatMapOperator(mapper) as never, { key: true, value: true, keyChanging: true });
  }

  flatMapValues<V2>(mapper: ValueMapper<V, Iterable<V2>, K>, named?: Named): KStream<K, V2> {
    return this.#add(PREFIX.FLATMAPVALUES, named, 'flatMapValues', () => flatMapValuesOperator(mapper) as never, { value: true });
  }

  peek(action: ForeachAction<K, V>, named?: Named): KStream<K, V> {
    return this.#add(PREFIX.PEEK, named, 'peek', () => peekOperator(action, true) as never);
  }

  /** A terminal side effect per record. */
  foreach(action: ForeachAction<K, V>, named?: Named): void {
    this.#add(PREFIX.FOREACH, named, 'foreach', () => peekOperator(action, false) as never);
  }

  /** Splits the stream by predicates; see {@link BranchedKStream}. */
  split(named?: Named): BranchedKStream<K, V> {
    const splitter = this.#state.graph.nameOrGenerate(nameOf(named), PREFIX.BRANCH);
    return this.#state.handles.branched<K, V>(this.#state, splitter);
  }

  /** Both streams' records, in arrival order. Serdes are kept only when both sides agree. */
  merge(other: KStream<K, V>, named?: Named): KStream<K, V> {
    checkSameGraph(this.#state, other.state, 'KStream.merge');
    const { graph } = this.#state;
    graph.checkOpen('KStream.merge');
    const node = addProcessor(graph, {
      name: graph.nameOrGenerate(nameOf(named), PREFIX.MERGE),
      parents: [this.#state.node, other.state.node],
      operator: 'merge',
      factory: () => passThroughOperator() as never,
    });
    const same = (a: Unknown, b: Unknown): Unknown => (a === b ? a : undefined);
    return this.#state.handles.stream<K, V>({
      graph, handles: this.#state.handles,
      node: node.name,
      keySerde: same(this.#state.keySerde, other.state.keySerde),
      valueSerde: same(this.#state.valueSerde, other.state.valueSerde),
      keyChanged: this.#state.keyChanged || other.state.keyChanged,
    });
  }

  /** Writes the stream through a repartition topic, partitioned by the current key. */
  repartition(repartitioned?: Repartitioned<K, V>): KStream<K, V> {
    const { graph } = this.#state;
    graph.checkOpen('KStream.repartition');
    const userName = repartitioned?.name;
    const prefix = userName ?? graph.newProcessorName(PREFIX.REPARTITION);
    const keySerde = serde(repartitioned?.keySerde) ?? this.#state.keySerde;
    const valueSerde = serde(repartitioned?.valueSerde) ?? this.#state.valueSerde;
    const spec = graph.streamRepartition({
      prefix, keySerde, valueSerde,
      partitions: repartitioned?.partitions, partitioner: repartitioned?.partitioner as never,
    });
    graph.add({ kind: 'repartition', name: spec.sourceName, parents: [this.#state.node], spec });
    return this.#state.handles.stream<K, V>({ graph, handles: this.#state.handles, node: spec.sourceName, keySerde, valueSerde, keyChanged: false });
  }

  /** Writes the stream to a topic, or to the topic the extractor picks per record. */
  to(topic: string | TopicNameExtractor<K, V>, produced?: Produced<K, V>): void {
    const { graph } = this.#state;
    graph.checkOpen('KStream.to');
    graph.add({
      kind: 'sink',
      name: graph.nameOrGenerate(produced?.name, PREFIX.SINK),
      parents: [this.#state.node],
      topic: topic as string | TopicNameExtractor,
      keySerde: serde(produced?.keySerde) ?? this.#state.keySerde,
      valueSerde: serde(produced?.valueSerde) ?? this.#state.valueSerde,
      partitioner: produced?.partitioner as never,
    });
  }

  groupByKey(grouped?: Grouped<K, V>): KGroupedStream<K, V> {
    this.#state.graph.checkOpen('KStream.groupByKey');
    return this.#state.handles.groupedStream<K, V>({
      ...this.#state,
      keySerde: serde(grouped?.keySerde) ?? this.#state.keySerde,
      valueSerde: serde(grouped?.valueSerde) ?? this.#state.valueSerde,
      groupedName: grouped?.name,
    });
  }

  /** Groups by a new key; the key-selecting node takes the `Grouped` name when there is one, as Kafka. */
  groupBy<K2>(selector: KeyValueMapper<K, V, K2>, grouped?: Grouped<K2, V>): KGroupedStream<K2, V> {
    const selected = this.#add<K2, V>(PREFIX.KEY_SELECT, grouped?.name === undefined ? undefined : { name: grouped.name }, 'groupBy', () => selectKeyOperator(selector) as never, { key: true, keyChanging: true });
    return this.#state.handles.groupedStream<K2, V>({
      ...selected.state,
      keySerde: serde(grouped?.keySerde),
      valueSerde: serde(grouped?.valueSerde) ?? this.#state.valueSerde,
      groupedName: grouped?.name,
    });
  }

  /**
   * Inner join, as Kafka Streams' `KStream.join`:
   * - with a `KStream` and `JoinWindows`: records of both streams with the same key and
   *   timestamps within the window join (each pair once, with the larger timestamp);
   * - with a `KTable`: each stream record joins the table's current value of its key
   *   (table updates emit nothing; records without a row are dropped);
   * - with a `GlobalKTable` and a key selector: as with a table, looking up the selected key.
   * A key changed before a stream or table join is repartitioned first; the inputs are
   * co-partitioned.
   *
   * @example
   * ```ts
   * clicks.join(views, (click, view) => ({ click, view }), JoinWindows.ofTimeDifferenceWithNoGrace(60_000));
   * orders.join(customers, (order, customer) => ({ ...order, customer }));
   * lines.join(products, (_id, line) => line.productId, (line, product) => ({ ...line, product }));
   * ```
   */
  join<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V, VO, VR, K>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  join<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT, VR, K>, joined?: Joined<K, V, VT>): KStream<K, VR>;
  join<GK, GV, VR>(table: GlobalKTable<GK, GV>, keySelector: KeyValueMapper<K, V, GK | null | undefined>, joiner: ValueJoiner<V, GV, VR, K>, named?: Named): KStream<K, VR>;
  join(other: KStream<K, unknown> | KTable<K, unknown> | GlobalKTable<unknown, unknown>, second: unknown, third?: unknown, fourth?: unknown): KStream<K, unknown> {
    return this.#state.handles.stream(streamJoin('inner', this.#state, other as never, second, third, fourth));
  }

  /**
   * Left join, as Kafka Streams' `KStream.leftJoin`: as {@link join}, and every record of
   * this stream also leaves when it has no partner, with null for the other side. With a
   * stream, that happens only once its window (plus grace) has closed by stream time, so a
   * partner arriving in time never follows a null result.
   *
   * @example
   * ```ts
   * orders.leftJoin(payments, (order, payment) => ({ order, paid: payment !== null }), JoinWindows.ofTimeDifferenceAndGrace(600_000, 60_000));
   * ```
   */
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V, VO | null, VR, K>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  leftJoin<VT, VR>(table: KTable<K, VT>, joiner: ValueJoiner<V, VT | null, VR, K>, joined?: Joined<K, V, VT>): KStream<K, VR>;
  leftJoin<GK, GV, VR>(table: GlobalKTable<GK, GV>, keySelector: KeyValueMapper<K, V, GK | null | undefined>, joiner: ValueJoiner<V, GV | null, VR, K>, named?: Named): KStream<K, VR>;
  leftJoin(other: KStream<K, unknown> | KTable<K, unknown> | GlobalKTable<unknown, unknown>, second: unknown, third?: unknown, fourth?: unknown): KStream<K, unknown> {
    return this.#state.handles.stream(streamJoin('left', this.#state, other as never, second, third, fourth));
  }

  /**
   * Outer join of two streams, as Kafka Streams' `KStream.outerJoin`: as {@link leftJoin}
   * for both sides, each unmatched record leaving with null for the other once its window closed.
   *
   * @example
   * ```ts
   * left.outerJoin(right, (l, r) => `${l ?? '-'}/${r ?? '-'}`, JoinWindows.ofTimeDifferenceWithNoGrace(1000));
   * ```
   */
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: ValueJoiner<V | null, VO | null, VR, K>, windows: JoinWindows, streamJoined?: StreamJoined<K, V, VO>): KStream<K, VR> {
    return this.#state.handles.stream(streamJoin('outer', this.#state, other as never, joiner, windows, streamJoined));
  }

  /** The stream as a changelog: the latest value per key. */
  toTable(named?: Named, materialized?: Materialized<K, V>): KTable<K, V> {
    const { graph } = this.#state;
    graph.checkOpen('KStream.toTable');
    const name = graph.nameOrGenerate(nameOf(named), PREFIX.TOTABLE);
    const options = (materialized ?? defaultMaterialized<K, V>()) as Materialized<unknown, unknown>;
    const storeName = options.storeName ?? graph.newStoreName(PREFIX.TOTABLE);
    const keySerde = options.keySerde ?? this.#state.keySerde;
    const valueSerde = options.valueSerde ?? this.#state.valueSerde;
    const repartition = this.#state.keyChanged
      ? graph.streamRepartition({ prefix: name, keySerde, valueSerde })
      : undefined;
    graph.addStore({ kind: 'dsl', name: storeName, owner: name, lazy: options.storeName === undefined, materialized: options, keySerde, valueSerde });
    addProcessor(graph, {
      name,
      parents: [this.#state.node],
      operator: 'toTable',
      factory: (env) => tableSourceOperator(env) as never,
      table: { kind: 'source', storeName, materialized: options.storeName !== undefined },
      repartition,
    });
    return this.#state.handles.table<K, V>({ graph, handles: this.#state.handles, node: name, keySerde, valueSerde, keyChanged: false, queryableStoreName: options.storeName });
  }

  /**
   * Runs a Processor API processor on each record; it may open the named stores (added
   * with `StreamsBuilder.addStateStore`). The key may change, so a stateful step after it
   * is repartitioned.
   */
  process<K2, V2>(supplier: ProcessorSupplier<K, V, K2, V2>, named?: Named | string, ...storeNames: string[]): KStream<K2, V2> {
    const [name, stores] = typeof named === 'string' ? [undefined, [named, ...storeNames]] : [named, storeNames];
    return this.#add(PREFIX.PROCESSOR, name, 'process', () => supplier as never, { key: true, value: true, keyChanging: true, stores });
  }

  /**
   * As {@link process}, for a processor that keeps each record's key (Kafka Streams'
   * `FixedKeyProcessor`): the stream is not marked key-changed. Forwarding another key
   * breaks the partitioning that stateful steps downstream rely on.
   */
  processValues<V2>(supplier: ProcessorSupplier<K, V, K, V2>, named?: Named | string, ...storeNames: string[]): KStream<K, V2> {
    const [name, stores] = typeof named === 'string' ? [undefined, [named, ...storeNames]] : [named, storeNames];
    return this.#add(PREFIX.PROCESSVALUES, name, 'processValues', () => supplier as never, { value: true, stores });
  }
}
