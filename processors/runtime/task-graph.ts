/**
 * Builds the running graph of one task from its sub-topology plan: one supplier call per
 * processor, children linked by name, sources indexed by the broker name of each topic
 * they read. Checks the plan on the way, so a plan that names a missing child, store or
 * topic fails when the task is created rather than on the first record that reaches it.
 */

import { KstError } from '../../common/errors.ts';
import type { TaskId } from '../api/processor.ts';
import type { SubtopologyPlan, TopologyPlan } from '../plan/topology-plan.ts';
import { ProcessorNode, SourceNode } from './processor-nodes.ts';
import { SinkNode, brokerTopicName } from './sink-node.ts';
import { SourceBinding } from './source-decoder.ts';
import type { RuntimeNode, TaskServices } from './task-services.ts';

export interface TaskGraph {
  readonly subtopology: SubtopologyPlan;
  /** Source bindings by broker topic name. */
  readonly sources: ReadonlyMap<string, SourceBinding>;
  /** Processor nodes in topological order: the order of `init` and `close`. */
  readonly processors: readonly ProcessorNode[];
  /** The task's stores, in the order their first processor appears: the order of flushes. */
  readonly storeOrder: readonly string[];
}

/**
 * @example
 * ```ts
 * const graph = buildTaskGraph(plan, { subtopology: 0, partition: 0 }, services);
 * graph.sources.get('orders.events')?.node.process(record);
 * ```
 */
export function buildTaskGraph(plan: TopologyPlan, taskId: TaskId, services: TaskServices): TaskGraph {
  const subtopology = plan.subtopologies.find((s) => s.id === taskId.subtopology);
  if (subtopology === undefined) throw invalid(`has no sub-topology ${taskId.subtopology}`, { subtopology: taskId.subtopology });
  const nodes = new Map<string, RuntimeNode>();
  const parents = new Map<string, SourceNode | ProcessorNode>();
  const sources = new Map<string, SourceBinding>();
  const processors: ProcessorNode[] = [];
  const storeOrder: string[] = [];
  for (const nodePlan of subtopology.nodes) {
    if (nodes.has(nodePlan.name)) throw invalid(`names node "${nodePlan.name}" twice in sub-topology ${subtopology.id}`, { node: nodePlan.name });
    if (nodePlan.kind === 'source') {
      const node = new SourceNode(nodePlan.name);
      const binding = new SourceBinding(nodePlan, node);
      for (const topic of nodePlan.topics) {
        const name = brokerTopicName(services.applicationId, topic, nodePlan.internal);
        if (sources.has(name)) throw invalid(`reads topic "${name}" from two sources of sub-topology ${subtopology.id}`, { topic: name });
        sources.set(name, binding);
      }
      nodes.set(node.name, node);
      parents.set(node.name, node);
    } else if (nodePlan.kind === 'processor') {
      for (const store of nodePlan.stores) {
        if (plan.stores[store] === undefined) throw invalid(`connects node "${nodePlan.name}" to store "${store}", which the plan does not declare`, { node: nodePlan.name, store });
        if (!storeOrder.includes(store)) storeOrder.push(store);
      }
      const node = new ProcessorNode(nodePlan.name, nodePlan.stores, nodePlan.supplier(), services);
      nodes.set(node.name, node);
      parents.set(node.name, node);
      processors.push(node);
    } else {
      nodes.set(nodePlan.name, new SinkNode(nodePlan, services));
    }
  }
  for (const nodePlan of subtopology.nodes) {
    if (nodePlan.kind === 'sink') continue;
    const parent = parents.get(nodePlan.name) as SourceNode | ProcessorNode;
    for (const childName of nodePlan.children) {
      const child = nodes.get(childName);
      if (child === undefined) throw invalid(`gives node "${nodePlan.name}" a child "${childName}" that is not in sub-topology ${subtopology.id}`, { node: nodePlan.name, child: childName });
      parent.addChild(child);
    }
  }
  for (const store of subtopology.stores) {
    if (plan.stores[store] === undefined) throw invalid(`lists store "${store}" in sub-topology ${subtopology.id} but does not declare it`, { store });
    if (!storeOrder.includes(store)) storeOrder.push(store);
  }
  return { subtopology, sources, processors, storeOrder };
}

function invalid(what: string, details: Record<string, unknown>): KstError {
  return new KstError('KST_TOPOLOGY_PLAN_INVALID', `the topology plan ${what}`, details);
}
