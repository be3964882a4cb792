/**
 * `StreamsBuilder`: the entry point of the DSL, as Kafka Streams' `StreamsBuilder`. It
 * creates streams and tables from topics, takes stores for the Processor API, and builds
 * the `Topology` once, at the end; afterwards the builder and every handle it made refuse
 * further operators.
 *
 * Defaults stand in for Kafka's `default.key.serde`, `default.value.serde` and
 * `default.dsl.store` settings: used wherever an operator was given no serde or store type.
 *
 * @example
 * ```ts
 * const builder = new StreamsBuilder({ defaultKeySerde: Serdes.String(), defaultValueSerde: Serdes.String() });
 * builder.stream<string, string>('input').filter((_k, v) => v.length > 0).to('output');
 * const topology = builder.build();
 * ```
 */

import type { Serde } from '../../schemas/serdes/serde.ts';
import type { StoreBuilder } from '../../state/api/store-builder.ts';
import { BranchedKStream } from './branched-kstream.ts';
import { compile } from '../compiler/compile.ts';
import { LogicalGraph } from './graph/logical-graph.ts';
import { PREFIX } from './graph/names.ts';
import { addProcessor, type HandleFactory } from './handles.ts';
import { KGroupedStream } from './kgrouped-stream.ts';
import { KGroupedTable } from './kgrouped-table.ts';
import { GlobalKTable } from './global-ktable.ts';
import { addGlobalTable } from './joins/global-table.ts';
import { KStream } from './kstream.ts';
import { KTable } from './ktable.ts';
import { tableSourceOperator } from './operators/table-source.ts';
import type { Consumed } from './options/consumed.ts';
import { defaultMaterialized, type DslStoreType, type Materialized } from './options/materialized.ts';
import { Topology } from './topology.ts';

/**
 * The handle classes, wired here: this module imports them all, and every state it makes
 * carries this factory, so a handle makes the next one without importing its class.
 */
const HANDLES: HandleFactory = {
  stream: (state) => new KStream(state),
  table: (state) => new KTable(state),
  groupedStream: (state) => new KGroupedStream(state),
  groupedTable: (state) => new KGroupedTable(state),
  branched: (state, splitter) => new BranchedKStream(state, splitter),
};

export interface StreamsBuilderOptions {
  readonly defaultKeySerde?: Serde<unknown>;
  readonly defaultValueSerde?: Serde<unknown>;
  /** The backend of DSL stores given no `Materialized.withStoreType`; `rocksdb` by default, as Kafka. */
  readonly defaultDslStore?: DslStoreType;
}

export class StreamsBuilder {
  readonly #graph: LogicalGraph;

  constructor(options: StreamsBuilderOptions = {}) {
    this.#graph = new LogicalGraph({
      keySerde: options.defaultKeySerde,
      valueSerde: options.defaultValueSerde,
      storeType: options.defaultDslStore ?? 'rocksdb',
    });
  }

  /** A stream of one or more topics, read by one source node. */
  stream<K = unknown, V = unknown>(topics: string | readonly string[], consumed?: Consumed<K, V>): KStream<K, V> {
    const graph = this.#graph;
    graph.checkOpen('StreamsBuilder.stream');
    const node = graph.add({
      kind: 'source',
      name: graph.nameOrGenerate(consumed?.name, PREFIX.SOURCE),
      parents: [],
      topics: typeof topics === 'string' ? [topics] : [...topics],
      keySerde: consumed?.keySerde as Serde<unknown> | undefined,
      valueSerde: consumed?.valueSerde as Serde<unknown> | undefined,
      timestampExtractor: consumed?.timestampExtractor,
      offsetReset: consumed?.offsetReset,
    });
    return new KStream<K, V>({ graph, handles: HANDLES, node: node.name, keySerde: node.keySerde, valueSerde: node.valueSerde, keyChanged: false });
  }

  /**
   * A table of a topic: the latest value per key. Names as Kafka: the store
   * `<topic>-STATE-STORE-<n>` unless `Materialized.as`, then the source, then the table source
   * (`<Consumed name>-table-source` when the source is named).
   */
  table<K = unknown, V = unknown>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<K, V>): KTable<K, V> {
    const graph = this.#graph;
    graph.checkOpen('StreamsBuilder.table');
    const options = (materialized ?? defaultMaterialized<K, V>()) as Materialized<unknown, unknown>;
    const storeName = options.storeName ?? graph.newStoreName(`${topic}-`);
    const stream = this.stream(topic, consumed);
    const name = consumed?.name === undefined ? graph.newProcessorName(PREFIX.TABLE_SOURCE) : `${consumed.name}-table-source`;
    const keySerde = options.keySerde ?? stream.state.keySerde;
    const valueSerde = options.valueSerde ?? stream.state.valueSerde;
    graph.addStore({ kind: 'dsl', name: storeName, owner: name, lazy: options.storeName === undefined, materialized: options, keySerde, valueSerde });
    addProcessor(graph, {
      name,
      parents: [stream.name],
      operator: 'table',
      factory: (env) => tableSourceOperator(env) as never,
      table: { kind: 'source', storeName, materialized: options.storeName !== undefined },
    });
    return new KTable<K, V>({ graph, handles: HANDLES, node: name, keySerde, valueSerde, keyChanged: false, queryableStoreName: options.storeName });
  }

  /**
   * A table of which every instance keeps all of the topic's data, for joins that need no
   * co-partitioning. Its store is always materialized, without a changelog (the topic is one).
   *
   * @example
   * ```ts
   * const products = builder.globalTable('products', Consumed.with(Serdes.String(), productSerde), Materialized.as('products'));
   * ```
   */
  globalTable<K = unknown, V = unknown>(topic: string, consumed?: Consumed<K, V>, materialized?: Materialized<K, V>): GlobalKTable<K, V> {
    return new GlobalKTable<K, V>(addGlobalTable(this.#graph, topic, consumed, materialized));
  }

  /** Adds a store that `KStream.process` / `processValues` can name. */
  addStateStore(builder: StoreBuilder): this {
    this.#graph.addStore({ kind: 'user', name: builder.name, builder });
    return this;
  }

  /** Compiles the graph; the builder cannot be changed afterwards. */
  build(): Topology {
    return new Topology(compile(this.#graph.seal()));
  }
}
