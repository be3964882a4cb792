/**
 * What the compiler learns from the whole graph before it writes the plan, the decisions
 * Kafka Streams' DSL makes through `enableSendingOldValues` and `repartitionRequired`:
 * - which nodes must send old values (a `KTable.groupBy` needs its parent's, and a
 *   stateless table operator passes that need up to its own parent);
 * - which table nodes keep a store (named by the user, always for aggregations, and for
 *   a table source whose old values are needed);
 * - which nodes read input whose key changed since the last repartition.
 */

import type { GraphNode, LogicalGraphSnapshot, ProcessorGraphNode } from '../dsl/graph/nodes.ts';
import { resolveValueGetters, type GetterChain } from './value-getters.ts';

export interface GraphAnalysis {
  readonly byName: ReadonlyMap<string, GraphNode>;
  readonly children: ReadonlyMap<string, readonly GraphNode[]>;
  readonly sendOldValues: ReadonlySet<string>;
  /** The store each materialized table node writes, by node name. */
  readonly tableStores: ReadonlyMap<string, string>;
  /** Nodes that get a repartition topic in front of them. */
  readonly repartitioned: ReadonlySet<string>;
  /** How each table a join reads is read (its store and the transforms after it), by table node. */
  readonly getters: ReadonlyMap<string, GetterChain>;
}

export function analyse(graph: LogicalGraphSnapshot): GraphAnalysis {
  const byName = new Map(graph.nodes.map((node) => [node.name, node]));
  const children = new Map<string, GraphNode[]>(graph.nodes.map((node) => [node.name, []]));
  for (const node of graph.nodes) for (const parent of node.parents) children.get(parent)?.push(node);

  const sendOldValues = new Set<string>();
  const needOldValues = (name: string): void => {
    if (sendOldValues.has(name)) return;
    sendOldValues.add(name);
    const node = byName.get(name);
    if (node?.kind === 'processor' && node.table?.kind === 'transform' && !node.table.materialized) node.parents.forEach(needOldValues);
  };
  for (const node of graph.nodes) {
    // A table-table join computes its previous result from both sides' old values.
    if (node.kind === 'processor' && (node.table?.kind === 'select' || node.table?.kind === 'join')) node.parents.forEach(needOldValues);
  }

  const getters = resolveValueGetters(graph.nodes, byName);
  const tableStores = new Map<string, string>();
  for (const node of graph.nodes) {
    const table = node.kind === 'processor' ? node.table : undefined;
    if (table?.storeName === undefined) continue;
    if (table.materialized || (table.kind === 'source' && (sendOldValues.has(node.name) || getters.materialize.has(node.name)))) tableStores.set(node.name, table.storeName);
  }

  // Creation order is a topological order: a node is added after its parents.
  const keyChanged = new Map<string, boolean>();
  const repartitioned = new Set<string>();
  for (const node of graph.nodes) {
    if (node.kind === 'source' || node.kind === 'repartition') {
      keyChanged.set(node.name, false);
      continue;
    }
    const input = node.parents.some((parent) => keyChanged.get(parent) === true);
    if (node.kind === 'processor' && input && node.repartition !== undefined) repartitioned.add(node.name);
    keyChanged.set(node.name, node.kind === 'processor' && (node.keyChanging || (input && !repartitioned.has(node.name))));
  }
  return { byName, children, sendOldValues, tableStores, repartitioned, getters: getters.chains };
}

/** The stores a processor node uses: its own list and its table store, if materialized. */
export function storesOf(node: ProcessorGraphNode, analysis: GraphAnalysis): readonly string[] {
  const table = analysis.tableStores.get(node.name);
  const stores = table === undefined || node.stores.includes(table) ? node.stores : [...node.stores, table];
  const read = (node.valueGetters ?? []).map((name) => analysis.getters.get(name)?.store).filter((store) => store !== undefined && !stores.includes(store));
  return read.length === 0 ? stores : [...stores, ...new Set(read as string[])];
}
