/**
 * What a stream thread reads off the compiled plan: the topics it subscribes to, the
 * changelog topics whose offsets it tracks, the store count of a task (to split the
 * record cache), and the checkpointed state already on disk (for the assignor's
 * stickiness). Broker names throughout: internal topics carry the application id.
 *
 * @example
 * ```ts
 * consumer.subscribe(sourceTopics(plan, 'wordcount')); // ['lines', 'wordcount-KSTREAM-...-repartition']
 * ```
 */

import type { TopologyPlan } from '../../plan/topology-plan.ts';
import { changelogTopicName } from '../../../state/api/restorable.ts';
import type { StateDirectory } from '../../../state/state-directory.ts';
import { assignmentTopology } from '../assignment/index.ts';

/** Every topic a task of the plan reads, user and repartition topics alike, sorted. */
export function sourceTopics(plan: TopologyPlan, applicationId: string): string[] {
  const topics = new Set<string>();
  for (const subtopology of assignmentTopology(plan, applicationId).subtopologies) for (const topic of subtopology.sourceTopics) topics.add(topic);
  return [...topics].sort();
}

export function changelogTopics(plan: TopologyPlan, applicationId: string): Set<string> {
  const topics = new Set<string>();
  for (const store of Object.values(plan.stores)) if (store.changelogTopic !== undefined) topics.add(changelogTopicName(applicationId, store.name));
  return topics;
}

/** Sum of the checkpointed changelog offsets of each task folder on disk. */
export async function readOffsetSums(directory: StateDirectory): Promise<Map<string, bigint>> {
  const sums = new Map<string, bigint>();
  for (const task of await directory.listTasks()) {
    try {
      const offsets = await directory.checkpoint(task).read();
      if (offsets.length > 0) sums.set(task, offsets.reduce((sum, entry) => sum + entry.offset, 0n));
    } catch {
      // A corrupt checkpoint counts as no state.
    }
  }
  return sums;
}
