/**
 * The plan of one global task: each `GlobalStorePlan` runs as a task of its own over a
 * one-node plan (its source, then its processor, which writes the store). The global
 * stream thread (`global-state.ts`) runs these tasks over every partition of a global
 * topic, as Kafka Streams' `GlobalStateUpdateTask`; the `TopologyTestDriver` runs the same
 * tasks when records are piped to a global topic, before anything else.
 */

import type { TopologyPlan, GlobalStorePlan, SubtopologyPlan } from '../../plan/topology-plan.ts';

/** Sub-topology ids of global tasks, apart from the plan's (which count up from 0). */
export const GLOBAL_SUBTOPOLOGY_BASE = 1_000_000;

/**
 * A plan with one sub-topology that runs one global store: its source feeds its processor,
 * which is connected to the store whatever the plan said.
 *
 * @example
 * ```ts
 * const task = new StreamTask({ ...options, plan: globalStoreTaskPlan(global, 0), taskId: { subtopology: GLOBAL_SUBTOPOLOGY_BASE, partition: 0 } });
 * ```
 */
export function globalStoreTaskPlan(global: GlobalStorePlan, index: number): TopologyPlan {
  const storeName = global.store.name;
  const processor = global.processor.stores.includes(storeName) ? global.processor : { ...global.processor, stores: [...global.processor.stores, storeName] };
  const source = global.source.children.includes(processor.name) ? global.source : { ...global.source, children: [...global.source.children, processor.name] };
  const subtopology: SubtopologyPlan = {
    id: GLOBAL_SUBTOPOLOGY_BASE + index,
    // A global processor forwards nowhere: its children are not part of the task.
    nodes: [source, { ...processor, children: [] }],
    sourceTopics: source.topics,
    stores: [storeName],
  };
  return { subtopologies: [subtopology], stores: { [storeName]: global.store }, globalStores: [], internalTopics: [], copartitionGroups: [] };
}
