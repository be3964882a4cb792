/**
 * Writes the logical graph as processor-graph nodes: sources, processors and sinks with
 * their parents, serdes resolved and suppliers made. This is where repartition topics
 * appear: an explicit `repartition()`, and every node the analysis found reading a
 * changed key, get a sink into an internal topic and a source out of it (with Kafka's
 * pass-through filter before the sink of stream repartitions), which later cuts the graph
 * into sub-topologies.
 */

import { KstError } from '../../common/errors.ts';
import type { InternalTopicPlan, ProcessorNodePlan, SinkNodePlan, SourceNodePlan } from '../plan/topology-plan.ts';
import { changeSerde } from '../dsl/graph/change-serde.ts';
import type { BranchTarget, GraphDefaults, LogicalGraphSnapshot, ProcessorGraphNode, RepartitionSpec, ValueGetterSupplier } from '../dsl/graph/nodes.ts';
import { passThroughOperator } from '../dsl/operators/pass-through.ts';
import { storesOf, type GraphAnalysis } from './analysis.ts';
import { repartitionTopic } from './internal-topics.ts';
import { resolveSerde } from './serdes.ts';
import { getterSupplier } from './value-getters.ts';
import { defaultSinkPartitioner } from '../dsl/windows/windowed-partitioner.ts';

type WithoutChildren<T> = Omit<T, 'children'>;
export type DraftNode = (WithoutChildren<SourceNodePlan> | WithoutChildren<ProcessorNodePlan> | SinkNodePlan) & {
  readonly parents: readonly string[];
  /** Where the node came in the DSL; the tie-breaker of every ordering. */
  readonly order: number;
};

export interface Expansion {
  readonly nodes: readonly DraftNode[];
  readonly internalTopics: readonly InternalTopicPlan[];
}

class Expander {
  readonly nodes: DraftNode[] = [];
  readonly topics: InternalTopicPlan[] = [];
  readonly #names = new Set<string>();
  readonly #defaults: GraphDefaults;

  constructor(defaults: GraphDefaults) {
    this.#defaults = defaults;
  }

  push(node: DraftNode): void {
    if (this.#names.has(node.name)) {
      throw new KstError('KST_TOPOLOGY_NAME_CONFLICT', `two nodes of the topology are named "${node.name}"`, { name: node.name });
    }
    this.#names.add(node.name);
    this.nodes.push(node);
  }

  /** filter → sink → (topic) → source, in front of a node at position `order`. */
  repartition(spec: RepartitionSpec, parents: readonly string[], order: number): void {
    const keySerde = resolveSerde(spec.keySerde, this.#defaults, 'key', spec.sinkName);
    const plainValueSerde = resolveSerde(spec.valueSerde, this.#defaults, 'value', spec.sinkName);
    const valueSerde = spec.changeValues ? changeSerde(plainValueSerde) as typeof plainValueSerde : plainValueSerde;
    let sinkParents = parents;
    if (spec.filterName !== undefined) {
      this.push({ kind: 'processor', name: spec.filterName, supplier: passThroughOperator(), stores: [], parents, order: order - 0.3 });
      sinkParents = [spec.filterName];
    }
    this.push({ kind: 'sink', name: spec.sinkName, topic: spec.topic, internal: true, keySerde, valueSerde, partitioner: spec.partitioner ?? defaultSinkPartitioner(keySerde), parents: sinkParents, order: order - 0.2 });
    this.push({
      kind: 'source', name: spec.sourceName, topics: [spec.topic], internal: true, keySerde, valueSerde,
      timestampExtractor: undefined, offsetReset: undefined, parents: [], order: order - 0.1,
    });
    if (!this.topics.some((topic) => topic.name === spec.topic)) this.topics.push(repartitionTopic(spec.topic, spec.partitions));
  }
}

function branchesOf(node: ProcessorGraphNode, analysis: GraphAnalysis): readonly BranchTarget[] {
  const targets: BranchTarget[] = [];
  for (const child of analysis.children.get(node.name) ?? []) {
    if (child.kind === 'processor' && child.branch !== undefined) targets.push({ child: child.name, predicate: child.branch.predicate });
  }
  return targets;
}

function valueGetterOf(node: ProcessorGraphNode, table: string, analysis: GraphAnalysis): ValueGetterSupplier {
  const chain = analysis.getters.get(table);
  if (chain === undefined) throw new KstError('KST_TOPOLOGY_INVALID', `"${node.name}" reads table "${table}" without declaring it in valueGetters`, { node: node.name, table });
  return getterSupplier(chain);
}

export function expand(graph: LogicalGraphSnapshot, analysis: GraphAnalysis): Expansion {
  const out = new Expander(graph.defaults);
  const { defaults } = graph;
  for (const node of graph.nodes) {
    switch (node.kind) {
      case 'source':
        out.push({
          kind: 'source', name: node.name, topics: node.topics, internal: false,
          keySerde: resolveSerde(node.keySerde, defaults, 'key', node.name),
          valueSerde: resolveSerde(node.valueSerde, defaults, 'value', node.name),
          timestampExtractor: node.timestampExtractor, offsetReset: node.offsetReset, parents: [], order: node.index,
        });
        break;
      case 'repartition':
        out.repartition(node.spec, node.parents, node.index);
        break;
      case 'sink': {
        const keySerde = resolveSerde(node.keySerde, defaults, 'key', node.name);
        out.push({
          kind: 'sink', name: node.name, topic: node.topic, internal: false,
          keySerde,
          valueSerde: resolveSerde(node.valueSerde, defaults, 'value', node.name),
          partitioner: node.partitioner ?? defaultSinkPartitioner(keySerde), parents: node.parents, order: node.index,
        });
        break;
      }
      case 'processor': {
        let parents = node.parents;
        if (node.repartition !== undefined && analysis.repartitioned.has(node.name)) {
          out.repartition(node.repartition, node.parents, node.index);
          parents = [node.repartition.sourceName];
        }
        const supplier = node.factory({
          sendOldValues: analysis.sendOldValues.has(node.name),
          storeName: node.table?.kind === 'aggregate' ? node.table.storeName : analysis.tableStores.get(node.name),
          branches: branchesOf(node, analysis),
          valueGetter: (table) => valueGetterOf(node, table, analysis),
        });
        out.push({ kind: 'processor', name: node.name, supplier, stores: storesOf(node, analysis), parents, order: node.index });
        break;
      }
    }
  }
  return { nodes: out.nodes, internalTopics: out.topics };
}
