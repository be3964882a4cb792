/**
 * What the partition assignor needs to know of a topology: for each sub-topology, the
 * topics its tasks read (as named on the broker) and whether its tasks keep state that a
 * standby can replicate; and the groups of topics that must be co-partitioned. Derived
 * once from the compiled plan, so the assignor never touches processor nodes.
 *
 * @example
 * ```ts
 * const topology = assignmentTopology(plan, 'orders-service');
 * topology.subtopologies[1]?.sourceTopics; // ['orders-service-KSTREAM-REPARTITION-0000000003-repartition']
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import type { TopologyPlan } from '../../plan/topology-plan.ts';
import { changelogTopicName } from '../../../state/api/restorable.ts';
import { brokerTopicName } from '../sink-node.ts';

export interface AssignmentSubtopology {
  readonly id: number;
  /** Broker names: internal ones prefixed `<appId>-`. */
  readonly sourceTopics: readonly string[];
  /** True when the sub-topology has a store with a changelog: its tasks get standbys. */
  readonly stateful: boolean;
  /** Broker names of its stores' changelogs: task `s_p` writes partition `p` of each. */
  readonly changelogTopics: readonly string[];
}

export interface AssignmentTopology {
  readonly subtopologies: readonly AssignmentSubtopology[];
  /** Broker names. */
  readonly copartitionGroups: readonly (readonly string[])[];
}

/**
 * Reads the assignor's view out of a plan. A topic read by two sub-topologies would
 * make one partition belong to two tasks; the compiler forbids it, and this refuses it
 * again because the assignment would otherwise hand a partition to two members.
 */
export function assignmentTopology(plan: TopologyPlan, applicationId: string): AssignmentTopology {
  const internal = new Set<string>();
  for (const subtopology of plan.subtopologies) {
    for (const node of subtopology.nodes) {
      if (node.kind === 'source' && node.internal) for (const topic of node.topics) internal.add(topic);
    }
  }
  for (const topic of plan.internalTopics) if (topic.kind === 'repartition') internal.add(topic.name);
  const broker = (topic: string): string => brokerTopicName(applicationId, topic, internal.has(topic));

  const owner = new Map<string, number>();
  const subtopologies = plan.subtopologies.map((subtopology) => {
    const sourceTopics = subtopology.sourceTopics.map(broker);
    for (const topic of sourceTopics) {
      const other = owner.get(topic);
      if (other !== undefined && other !== subtopology.id) {
        throw new KstError('KST_TOPOLOGY_PLAN_INVALID', `topic "${topic}" is read by sub-topologies ${other} and ${subtopology.id}`, { topic });
      }
      owner.set(topic, subtopology.id);
    }
    const changelogTopics = subtopology.stores.filter((name) => plan.stores[name]?.changelogTopic !== undefined).map((name) => changelogTopicName(applicationId, name));
    return Object.freeze({ id: subtopology.id, sourceTopics: Object.freeze(sourceTopics), stateful: changelogTopics.length > 0, changelogTopics: Object.freeze(changelogTopics) });
  });
  return Object.freeze({
    subtopologies: Object.freeze(subtopologies),
    copartitionGroups: Object.freeze(plan.copartitionGroups.map((group) => Object.freeze(group.map(broker)))),
  });
}
