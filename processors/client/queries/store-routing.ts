/**
 * Where a key of a store lives: the store's sub-topology, the topics whose partitions are
 * its tasks (broker names), how many there are, and the partition of a key — its bytes
 * hashed with the same murmur2 partitioner the producer uses (the adapter's
 * Java-compatible one), so the answer matches where the record went. Global stores live
 * whole on every instance and have no partition.
 *
 * @example
 * ```ts
 * const routing = storeRouting(plan, 'wordcount', 'counts', partitionCounts);
 * routing.partitionOf(Serdes.String(), 'alpha'); // 3
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import { javaCompatiblePartitioner } from '../../kafka/records.ts';
import type { SourceNodePlan, StorePlan, TopologyPlan } from '../../plan/topology-plan.ts';
import { brokerTopicName } from '../../runtime/index.ts';

/** What `queryMetadataForKey` takes to turn a key into bytes: any serde or serializer. */
export interface KeySerializer<K> {
  serialize(topic: string, key: K): Buffer | null;
}

export interface StoreRouting {
  readonly storeName: string;
  readonly storePlan: StorePlan;
  readonly global: boolean;
  /** Broker names of the topics whose partitions the store's tasks are; empty for a global store. */
  readonly sourceTopics: readonly string[];
  /** Partitions (tasks) of the store; 1 for a global store. */
  readonly partitions: number;
  /** The source serde of the sub-topology's input: how the keys that reach the store were partitioned. */
  readonly sourceKeySerde: KeySerializer<unknown> | undefined;
  /** The partition of `key`, serialized with `serializer` for the first source topic. */
  partitionOf<K>(serializer: KeySerializer<K>, key: K): number;
}

/** The murmur2 partition of key bytes among `partitions`, as the producer picks it. */
export function partitionForKeyBytes(bytes: Buffer, partitions: number): number {
  return javaCompatiblePartitioner(undefined, bytes) % partitions;
}

/** Reads the routing of `storeName` off the plan; throws `KST_STREAMS_UNKNOWN_STORE` when the plan has no such store. */
export function storeRouting(plan: TopologyPlan, applicationId: string, storeName: string, partitionCounts: ReadonlyMap<string, number>): StoreRouting {
  const global = plan.globalStores.find((g) => g.store.name === storeName);
  if (global !== undefined) {
    return { storeName, storePlan: global.store, global: true, sourceTopics: [], partitions: 1, sourceKeySerde: global.source.keySerde, partitionOf: () => 0 };
  }
  const storePlan = plan.stores[storeName];
  const subtopology = plan.subtopologies.find((s) => s.stores.includes(storeName));
  if (storePlan === undefined || subtopology === undefined) {
    const known = [...Object.keys(plan.stores), ...plan.globalStores.map((g) => g.store.name)].sort();
    throw new KstError('KST_STREAMS_UNKNOWN_STORE', `the topology has no state store "${storeName}" (it has: ${known.join(', ') || 'none'})`, { store: storeName });
  }
  const repartition = new Set(plan.internalTopics.filter((t) => t.kind === 'repartition').map((t) => t.name));
  const sources = subtopology.nodes.filter((n): n is SourceNodePlan => n.kind === 'source');
  for (const source of sources) if (source.internal) for (const topic of source.topics) repartition.add(topic);
  const sourceTopics = subtopology.sourceTopics.map((topic) => brokerTopicName(applicationId, topic, repartition.has(topic)));
  const partitions = Math.max(0, ...sourceTopics.map((topic) => partitionCounts.get(topic) ?? 0));
  const first = sourceTopics[0] ?? '';
  return {
    storeName,
    storePlan,
    global: false,
    sourceTopics,
    partitions,
    sourceKeySerde: sources[0]?.keySerde,
    partitionOf<K>(serializer: KeySerializer<K>, key: K): number {
      if (partitions === 0) throw new KstError('KST_STREAMS_STORE_UNAVAILABLE', `the partition count of store "${storeName}"'s topics is not known yet: the client has not started`, { store: storeName });
      const bytes = serializer.serialize(first, key);
      if (bytes === null) throw new KstError('KST_STORE_NULL_KEY', `a null key has no partition in store "${storeName}"`, { store: storeName });
      return partitionForKeyBytes(bytes, partitions);
    },
  };
}
