/**
 * What the DSL handles (KStream, KTable, the grouped and branched streams) share: the
 * graph they add to, the node they stand for, the serdes known at that point and whether
 * the key changed since the last repartition. Handles are thin, as Kafka Streams'
 * `AbstractStream`: all they do is add named nodes.
 *
 * Handles create each other (toTable, toStream, groupBy, …); to keep module imports one
 * way, they do so through the `HandleFactory` each state carries: `StreamsBuilder` makes
 * it (the one module that imports every handle class) and every derived state passes it on.
 */

import { KstError } from '../../common/errors.ts';
import type { Serde } from '../../schemas/serdes/serde.ts';
import type { BranchedKStream } from './branched-kstream.ts';
import type { KGroupedStream } from './kgrouped-stream.ts';
import type { KGroupedTable } from './kgrouped-table.ts';
import type { KStream } from './kstream.ts';
import type { KTable } from './ktable.ts';
import type { LogicalGraph } from './graph/logical-graph.ts';
import type { OperatorFactory, ProcessorGraphNode } from './graph/nodes.ts';
import type { Materialized } from './options/materialized.ts';
import type { Named } from './options/named.ts';

export interface StreamState {
  readonly graph: LogicalGraph;
  /** Makes the handles over derived states; given by the `StreamsBuilder` that made the first one. */
  readonly handles: HandleFactory;
  readonly node: string;
  readonly keySerde: Serde<unknown> | undefined;
  readonly valueSerde: Serde<unknown> | undefined;
  /** True after a key-changing operator with no repartition since: the next stateful step needs one. */
  readonly keyChanged: boolean;
}

export interface TableState extends StreamState {
  /** The store a query can read, when the table is materialized under a name. */
  readonly queryableStoreName: string | undefined;
}

export interface GroupedState extends StreamState {
  /** The name the user gave through `Grouped`, which names the repartition topic. */
  readonly groupedName: string | undefined;
}

export interface HandleFactory {
  stream<K, V>(state: StreamState): KStream<K, V>;
  table<K, V>(state: TableState): KTable<K, V>;
  groupedStream<K, V>(state: GroupedState): KGroupedStream<K, V>;
  groupedTable<K, V>(state: GroupedState): KGroupedTable<K, V>;
  branched<K, V>(state: StreamState, splitter: string): BranchedKStream<K, V>;
}

export type ProcessorNodeInput = Omit<ProcessorGraphNode, 'kind' | 'index' | 'keyChanging' | 'stores' | 'table' | 'repartition' | 'branch'>
  & Partial<Pick<ProcessorGraphNode, 'keyChanging' | 'stores' | 'table' | 'repartition' | 'branch'>>;

/** Adds a processor node with the defaults most operators want. */
export function addProcessor(graph: LogicalGraph, input: ProcessorNodeInput): ProcessorGraphNode {
  return graph.add({
    kind: 'processor',
    keyChanging: false,
    stores: [],
    table: undefined,
    repartition: undefined,
    branch: undefined,
    ...input,
  });
}

/**
 * The tail every grouped aggregation shares (streams and tables, count/reduce/aggregate):
 * its store, its processor reading the grouped node (through `repartition` when the key
 * changed), and the KTable handle over the result.
 */
export function addAggregation<K, VA>(state: GroupedState, spec: {
  readonly name: string;
  readonly storeName: string;
  readonly options: Materialized<unknown, unknown>;
  readonly valueSerde: Serde<unknown> | undefined;
  readonly operator: string;
  readonly factory: OperatorFactory;
  readonly repartition: ProcessorGraphNode['repartition'];
}): KTable<K, VA> {
  const { graph } = state;
  const keySerde = spec.options.keySerde ?? state.keySerde;
  const valueSerde = spec.options.valueSerde ?? spec.valueSerde;
  graph.addStore({ kind: 'dsl', name: spec.storeName, owner: spec.name, lazy: false, materialized: spec.options, keySerde, valueSerde });
  addProcessor(graph, {
    name: spec.name,
    parents: [state.node],
    operator: spec.operator,
    factory: spec.factory,
    stores: [spec.storeName],
    table: { kind: 'aggregate', storeName: spec.storeName, materialized: true },
    repartition: spec.repartition,
  });
  return state.handles.table<K, VA>({ graph, handles: state.handles, node: spec.name, keySerde, valueSerde, keyChanged: false, queryableStoreName: spec.options.storeName });
}

export function nameOf(named: Named | undefined): string | undefined {
  return named === undefined ? undefined : named.name;
}

/** Two handles must come from one builder to meet in one topology. */
export function checkSameGraph(own: StreamState, other: StreamState, operation: string): void {
  if (own.graph !== other.graph) {
    throw new KstError('KST_TOPOLOGY_INVALID', `${operation}: the other stream was created by another StreamsBuilder`, { operation, node: own.node, other: other.node });
  }
}

/** Reads Kafka's `(Named?, Materialized?)` overloads, where either may come alone. */
export function namedAndMaterialized<M extends { readonly storeName: string | undefined }>(first: Named | M | undefined, second: M | undefined): [Named | undefined, M | undefined] {
  if (first !== undefined && 'storeName' in first) return [undefined, first];
  return [first, second];
}
