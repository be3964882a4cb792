/**
 * The logical graph the DSL builds: one frozen node per operator, named and in creation
 * order. It says what the user asked for, not how it runs: a key-changing node is only
 * marked (`keyChanging`), and a stateful node only says it needs input partitioned by key
 * (`repartition`); the compiler decides where repartition topics go, which tables send old
 * values, and which lazily materialized stores really exist.
 *
 * New node kinds (windowed aggregations, joins, global tables) add a member to the
 * `GraphNode` union and a case to the compiler's expansion.
 */

import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { StoreBuilder } from '../../../state/api/store-builder.ts';
import type { ProcessorContext, ProcessorSupplier } from '../../api/processor.ts';
import type { OffsetReset, StreamPartitioner, TimestampExtractor, TopicNameExtractor } from '../../plan/topology-plan.ts';
import type { Materialized } from '../options/materialized.ts';
import type { Predicate } from '../functions.ts';
import type { Awaitable } from '../../../common/awaitable.ts';
import type { ValueAndTimestamp } from '../../../state/api/timestamped.ts';

/** What the compiler tells an operator when it makes the operator's processor supplier. */
export interface OperatorEnv {
  /** True when a downstream operator needs `Change.oldValue` from this node. */
  readonly sendOldValues: boolean;
  /** The store this node keeps its output in, or undefined when it is not materialized. */
  readonly storeName: string | undefined;
  /** For a splitter: its branch children in branch order; the default branch has no predicate. */
  readonly branches: readonly BranchTarget[];
  /** Reads the current value of a table node this node names in `valueGetters` (joins). */
  readonly valueGetter?: (table: string) => ValueGetterSupplier;
}

/** Reads a table's current value by key, as Kafka Streams' `KTableValueGetter`; undefined when absent. */
export type TableValueGetter = (key: unknown) => Awaitable<ValueAndTimestamp<unknown> | undefined>;

/** Opens what a value getter reads (the table's store) once the processor has its context. */
export interface ValueGetterSupplier {
  readonly store: string;
  init(context: ProcessorContext<unknown, unknown>): TableValueGetter;
}

export interface BranchTarget {
  readonly child: string;
  readonly predicate: Predicate<unknown, unknown> | undefined;
}

export type AnySupplier = ProcessorSupplier<unknown, unknown, unknown, unknown>;
export type OperatorFactory = (env: OperatorEnv) => AnySupplier;

interface NodeBase {
  readonly name: string;
  readonly parents: readonly string[];
  /** Creation order; the compiler's tie-breaker, so plans do not depend on map iteration. */
  readonly index: number;
}

export interface SourceGraphNode extends NodeBase {
  readonly kind: 'source';
  readonly topics: readonly string[];
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly timestampExtractor: TimestampExtractor | undefined;
  readonly offsetReset: OffsetReset | undefined;
}

/**
 * How a node takes part in a KTable: `source` stores its input (materialized on demand),
 * `transform` computes from a parent's `Change` (filter, mapValues), `aggregate` always
 * has a store, `select` (KTable.groupBy) needs its parent's old values, `to-stream` ends it.
 */
export interface TableRole {
  readonly kind: 'source' | 'transform' | 'aggregate' | 'select' | 'to-stream' | 'join';
  readonly storeName: string | undefined;
  /** Materialized because the user named the store or the operator always keeps one. */
  readonly materialized: boolean;
  /**
   * How a stateless transform maps its parent's value (null in, null out), so that a join
   * reading this table computes its value from the parent's store, as Kafka's value getters.
   */
  readonly mapper?: ((key: unknown, value: unknown) => unknown) | undefined;
}

export interface ProcessorGraphNode extends NodeBase {
  readonly kind: 'processor';
  /** The operator, as in Kafka's name prefixes (`filter`, `aggregate`, …), for messages. */
  readonly operator: string;
  readonly factory: OperatorFactory;
  readonly keyChanging: boolean;
  /** Stores this node always uses (aggregations, `process` with store names). */
  readonly stores: readonly string[];
  readonly table: TableRole | undefined;
  /** Set on nodes that need input partitioned by key; used when the input key changed. */
  readonly repartition: RepartitionSpec | undefined;
  /** Set on the children of a splitter; undefined predicate marks the default branch. */
  readonly branch: { readonly predicate: Predicate<unknown, unknown> | undefined } | undefined;
  /** Table nodes whose current values this node reads (joins); the compiler connects their stores. */
  readonly valueGetters?: readonly string[] | undefined;
}

export interface SinkGraphNode extends NodeBase {
  readonly kind: 'sink';
  readonly topic: string | TopicNameExtractor;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly partitioner: StreamPartitioner | undefined;
}

/** An explicit `KStream.repartition()`: always becomes sink → topic → source. Named after its source, as Kafka. */
export interface RepartitionGraphNode extends NodeBase {
  readonly kind: 'repartition';
  readonly spec: RepartitionSpec;
}

export type GraphNode = SourceGraphNode | ProcessorGraphNode | SinkGraphNode | RepartitionGraphNode;

/** Names and serdes of one repartition; the names were taken when the operator was called, as Kafka does. */
export interface RepartitionSpec {
  readonly topic: string;
  readonly sinkName: string;
  readonly sourceName: string;
  /** Kafka puts a pass-through filter before the sink of stream repartitions; table repartitions have none. */
  readonly filterName: string | undefined;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly partitions: number | undefined;
  readonly partitioner: StreamPartitioner | undefined;
  /** The values are KTable `Change`s (KTable.groupBy), written with both old and new value. */
  readonly changeValues: boolean;
}

/** A store the DSL makes from `Materialized`; `lazy` ones exist only if the compiler needs them. */
export interface DslStoreSpec {
  readonly kind: 'dsl';
  readonly name: string;
  readonly owner: string;
  readonly lazy: boolean;
  readonly materialized: Materialized<unknown, unknown>;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
}

/** A store the user built and added with `StreamsBuilder.addStateStore`. */
export interface UserStoreSpec {
  readonly kind: 'user';
  readonly name: string;
  readonly builder: StoreBuilder;
}

/**
 * A store an operator describes and the compiler builds once the builder's defaults are
 * known (joins' window and buffer stores). `timestamped` as `StorePlan.timestamped`.
 */
export interface FactoryStoreSpec {
  readonly kind: 'factory';
  readonly name: string;
  readonly build: (defaults: GraphDefaults) => StoreBuilder;
  readonly timestamped: boolean;
}

export type StoreSpec = DslStoreSpec | UserStoreSpec | FactoryStoreSpec;

/** A GlobalKTable's store: fed by its own source and table-source processor on every instance. */
export interface GlobalStoreSpec {
  readonly sourceName: string;
  readonly processorName: string;
  readonly topic: string;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly timestampExtractor: TimestampExtractor | undefined;
  readonly offsetReset: OffsetReset | undefined;
  /** The store, named and built as a DSL store with logging off: the topic is its changelog. */
  readonly store: DslStoreSpec;
}

/** The defaults the builder was created with (Kafka's `default.key.serde`, `default.dsl.store`). */
export interface GraphDefaults {
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly storeType: 'rocksdb' | 'in_memory';
}

/** The sealed graph the compiler reads. */
export interface LogicalGraphSnapshot {
  readonly nodes: readonly GraphNode[];
  readonly stores: ReadonlyMap<string, StoreSpec>;
  readonly defaults: GraphDefaults;
  readonly globalStores?: readonly GlobalStoreSpec[];
  /** Groups of nodes (join inputs) whose source topics must be co-partitioned. */
  readonly copartitionNodes?: readonly (readonly string[])[];
}
