/**
 * The DSL compiler: logical graph in, `TopologyPlan` out. Steps, each in its own module:
 * analyse the graph (old values, lazy stores, changed keys), expand it into processor-graph
 * nodes with repartition topics, cut it into sub-topologies, build the stores and list the
 * internal topics the runtime must create. Every problem is a coded error naming the node.
 *
 * @example
 * ```ts
 * const plan = compile(graph.seal());
 * plan.subtopologies.length; // 2 for a word count: before and after the repartition
 * ```
 */

import { KstError } from '../../common/errors.ts';
import type { InternalTopicPlan, StorePlan, SubtopologyPlan, TopologyPlan } from '../plan/topology-plan.ts';
import type { LogicalGraphSnapshot } from '../dsl/graph/nodes.ts';
import { analyse } from './analysis.ts';
import { expand } from './expand.ts';
import { joinCopartitionGroups } from './copartition.ts';
import { globalStorePlans } from './global-stores.ts';
import { changelogTopic } from './internal-topics.ts';
import { storePlan } from './stores.ts';
import { subtopologies } from './subtopologies.ts';

function validate(graph: LogicalGraphSnapshot): void {
  if (!graph.nodes.some((node) => node.kind === 'source') && (graph.globalStores ?? []).length === 0) {
    throw new KstError('KST_TOPOLOGY_INVALID', 'the topology has no source: call builder.stream() or builder.table() first');
  }
  for (const node of graph.nodes) {
    if (node.kind === 'source' && (node.topics.length === 0 || node.topics.some((topic) => topic.length === 0))) {
      throw new KstError('KST_TOPOLOGY_INVALID', `source "${node.name}" needs at least one topic, and topic names cannot be empty`, { node: node.name });
    }
    if (node.kind !== 'processor') continue;
    for (const store of node.stores) {
      if (!graph.stores.has(store)) {
        throw new KstError('KST_TOPOLOGY_UNKNOWN_STORE', `processor "${node.name}" uses state store "${store}", which was not added with builder.addStateStore()`, { node: node.name, store });
      }
    }
  }
}

/**
 * Co-partitioning: the sources of a sub-topology that keeps state and reads several
 * topics must have as many partitions as each other, or a key could meet its state in
 * another task. Joins (next) add their own groups through the same list.
 */
function copartitionGroups(parts: readonly SubtopologyPlan[]): (readonly string[])[] {
  return parts
    .filter((part) => part.stores.length > 0 && part.sourceTopics.length > 1)
    .map((part) => Object.freeze([...part.sourceTopics].sort()));
}

export function compile(graph: LogicalGraphSnapshot): TopologyPlan {
  validate(graph);
  const analysis = analyse(graph);
  const expansion = expand(graph, analysis);
  const globals = globalStorePlans(graph.globalStores ?? [], graph.defaults);
  const parts = subtopologies(expansion.nodes, globals.map((global) => global.source.name));

  const stores: Record<string, StorePlan> = {};
  const changelogs: InternalTopicPlan[] = [];
  for (const part of parts) {
    for (const name of part.stores) {
      const spec = graph.stores.get(name);
      if (spec === undefined || stores[name] !== undefined) continue;
      const plan = storePlan(spec, graph.defaults);
      stores[name] = plan;
      if (plan.changelogTopic !== undefined) changelogs.push(changelogTopic(plan.changelogTopic, plan.builder.logConfig));
    }
  }

  return Object.freeze({
    subtopologies: Object.freeze(parts),
    stores: Object.freeze(stores),
    globalStores: Object.freeze(globals),
    internalTopics: Object.freeze([...expansion.internalTopics, ...changelogs]),
    copartitionGroups: Object.freeze(joinCopartitionGroups(expansion.nodes, graph.copartitionNodes ?? [], copartitionGroups(parts))),
  });
}
