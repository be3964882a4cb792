/**
 * Value getters, as Kafka Streams' `KTableValueGetterSupplier`: a join reads the other
 * table's current value by key. A table keeps that value in a store when it is
 * materialized; a source table that is not yet is materialized for the join (as Kafka's
 * `KTableSource.materialize()`), and a stateless `filter` / `mapValues` without a store
 * computes the value from its parent's getter, so joining a filtered table costs no
 * extra store. The compiler connects the store to every node that reads through it.
 */

import { then } from '../../common/awaitable.ts';
import { KstError } from '../../common/errors.ts';
import type { TimestampedKeyValueStore } from '../../state/api/timestamped.ts';
import type { GraphNode, ValueGetterSupplier } from '../dsl/graph/nodes.ts';

type Mapper = (key: unknown, value: unknown) => unknown;

export interface GetterChain {
  /** The table node whose store the getter reads. */
  readonly storeOwner: string;
  readonly store: string;
  /** Applied in order to the stored value: the stateless transforms between the store and the table read. */
  readonly mappers: readonly Mapper[];
}

export interface ValueGetterAnalysis {
  readonly chains: ReadonlyMap<string, GetterChain>;
  /** Source tables that must keep their (lazy) store because a getter reads it. */
  readonly materialize: ReadonlySet<string>;
}

/**
 * @example
 * ```ts
 * const { chains, materialize } = resolveValueGetters(graph.nodes, byName);
 * chains.get('KTABLE-FILTER-0000000003'); // { store: 'customers-STATE-STORE-0000000000', mappers: [filter] }
 * ```
 */
export function resolveValueGetters(nodes: readonly GraphNode[], byName: ReadonlyMap<string, GraphNode>): ValueGetterAnalysis {
  const chains = new Map<string, GetterChain>();
  const materialize = new Set<string>();
  const resolve = (name: string, reader: string): GetterChain => {
    const known = chains.get(name);
    if (known !== undefined) return known;
    const node = byName.get(name);
    const table = node?.kind === 'processor' ? node.table : undefined;
    let chain: GetterChain;
    if (node !== undefined && table?.storeName !== undefined && (table.materialized || table.kind === 'source')) {
      if (!table.materialized) materialize.add(name);
      chain = { storeOwner: name, store: table.storeName, mappers: [] };
    } else if (node !== undefined && table?.kind === 'transform' && table.mapper !== undefined && node.parents.length === 1) {
      const parent = resolve(node.parents[0] as string, reader);
      chain = { ...parent, mappers: [...parent.mappers, table.mapper] };
    } else {
      throw new KstError('KST_TOPOLOGY_INVALID', `"${reader}" reads table "${name}", which keeps no store to read from; materialize it with Materialized.as(...)`, { node: reader, table: name });
    }
    chains.set(name, chain);
    return chain;
  };
  for (const node of nodes) {
    if (node.kind !== 'processor') continue;
    for (const table of node.valueGetters ?? []) resolve(table, node.name);
  }
  return { chains, materialize };
}

/** Reads through a chain: the stored value and timestamp, then each mapper; a null result is absent. */
export function getterSupplier(chain: GetterChain): ValueGetterSupplier {
  return {
    store: chain.store,
    init(context) {
      const store = context.getStateStore<TimestampedKeyValueStore<unknown, unknown>>(chain.store);
      if (chain.mappers.length === 0) return (key) => store.get(key);
      return (key) => then(store.get(key), (entry) => {
        if (entry === undefined) return undefined;
        let value: unknown = entry.value;
        for (const mapper of chain.mappers) value = value === null ? null : mapper(key, value);
        return value === null || value === undefined ? undefined : { value, timestamp: entry.timestamp };
      });
    },
  };
}
