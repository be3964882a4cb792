/**
 * What a client tells about itself and the group, as Kafka Streams' `ThreadMetadata`
 * and `StreamsMetadata`. Both come from the latest assignment: the group's host table
 * (every instance with an `application.server`) and each local thread's tasks.
 *
 * @example
 * ```ts
 * for (const thread of streams.localThreadsMetadata()) console.log(thread.threadName, thread.activeTasks.map((t) => t.taskId));
 * const owner = streams.metadataForAllStreamsClients().find((m) => m.topicPartitions.some((tp) => tp.topic === 'orders' && tp.partition === 3));
 * ```
 */

import type { TopicPartition } from '../kafka/index.ts';
import type { TopologyPlan } from '../plan/topology-plan.ts';
import type { HostInfo } from '../runtime/assignment/index.ts';
import type { ThreadState } from '../runtime/thread/thread-state.ts';

export interface TaskMetadata {
  /** `<subtopology>_<partition>`. */
  readonly taskId: string;
  readonly topicPartitions: readonly TopicPartition[];
}

export interface ThreadMetadata {
  readonly threadName: string;
  readonly threadState: ThreadState;
  readonly activeTasks: readonly TaskMetadata[];
  readonly standbyTasks: readonly TaskMetadata[];
  readonly consumerClientId: string;
  readonly producerClientIds: readonly string[];
}

export interface StreamsMetadata {
  /** `application.server` of the instance, "host:port". */
  readonly endpoint: string;
  readonly host: string;
  readonly port: number;
  readonly processId: string;
  readonly topicPartitions: readonly TopicPartition[];
  readonly standbyTopicPartitions: readonly TopicPartition[];
  /** Stores of the sub-topologies whose partitions the instance hosts (active or standby), and the global stores. */
  readonly stateStoreNames: readonly string[];
}

export function taskMetadata(tasks: ReadonlyMap<string, readonly TopicPartition[]>): TaskMetadata[] {
  return [...tasks].map(([taskId, topicPartitions]) => ({ taskId, topicPartitions })).sort((a, b) => (a.taskId < b.taskId ? -1 : 1));
}

/** One entry per instance of the host table; stores found through the plan's sub-topologies. */
export function streamsMetadata(hosts: readonly HostInfo[], plan: TopologyPlan | undefined, brokerTopic: (topic: string) => string): StreamsMetadata[] {
  const storesByTopic = new Map<string, readonly string[]>();
  for (const subtopology of plan?.subtopologies ?? []) for (const topic of subtopology.sourceTopics) storesByTopic.set(brokerTopic(topic), subtopology.stores);
  // Every instance holds every global store whole.
  const globalStores = (plan?.globalStores ?? []).map((g) => g.store.name);
  return hosts.map((host) => {
    const separator = host.endpoint.lastIndexOf(':');
    const stores = new Set<string>(globalStores);
    for (const tp of [...host.activePartitions, ...host.standbyPartitions]) for (const store of storesByTopic.get(tp.topic) ?? []) stores.add(store);
    return {
      endpoint: host.endpoint,
      host: host.endpoint.slice(0, separator),
      port: Number(host.endpoint.slice(separator + 1)),
      processId: host.processId,
      topicPartitions: host.activePartitions,
      standbyTopicPartitions: host.standbyPartitions,
      stateStoreNames: [...stores].sort(),
    };
  });
}
