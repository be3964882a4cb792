/**
 * Prepares the cluster for a topology at start, as Kafka Streams' `InternalTopicManager`
 * with `RepartitionTopics` and the `CopartitionedTopicsEnforcer`:
 *
 * - every user source topic must exist (`KST_STREAMS_SOURCE_TOPIC_MISSING` otherwise);
 * - a repartition topic gets the plan's fixed partition count, else the largest count of
 *   the source topics of the sub-topology that writes it (resolved transitively);
 *   co-partitioned repartition topics follow their group;
 * - a changelog gets one partition per task of the sub-topology owning its store;
 * - all are created `<application.id>-<name>` with the plan's configs
 *   (`cleanup.policy=delete` / `compact` plus the store's log config).
 *
 * Returns the partition count of every topic the topology reads or writes by a fixed name.
 *
 * @example
 * ```ts
 * const counts = await prepareTopics(admin, plan, { applicationId: 'wordcount', replicationFactor: -1 });
 * counts.get('wordcount-counts-store-changelog'); // 4
 * ```
 */

import { KstError } from '../../common/errors.ts';
import type { KafkaAdmin, NewTopic } from '../kafka/index.ts';
import type { SubtopologyPlan, TopologyPlan } from '../plan/topology-plan.ts';
import { brokerTopicName } from '../runtime/index.ts';

export interface PrepareTopicsOptions {
  readonly applicationId: string;
  /** -1: the broker's default. */
  readonly replicationFactor: number;
  /** Created with the broker's defaults when missing (KIP-1034 leaves that to the user; we spare them). */
  readonly deadLetterTopic?: string | undefined;
}

interface Names {
  readonly repartition: ReadonlySet<string>;
  /** Broker name of a plan topic: internal ones (repartition, changelog) prefixed. */
  readonly broker: (topic: string) => string;
}

function names(plan: TopologyPlan, applicationId: string): Names {
  const repartition = new Set<string>();
  for (const topic of plan.internalTopics) if (topic.kind === 'repartition') repartition.add(topic.name);
  for (const s of plan.subtopologies) for (const n of s.nodes) if (n.kind === 'source' && n.internal) for (const t of n.topics) repartition.add(t);
  const internal = new Set([...repartition, ...plan.internalTopics.map((t) => t.name)]);
  return { repartition, broker: (topic) => brokerTopicName(applicationId, topic, internal.has(topic)) };
}

/** The sub-topology whose sink writes `topic` (an internal repartition topic). */
function writerOf(plan: TopologyPlan, topic: string): SubtopologyPlan | undefined {
  return plan.subtopologies.find((s) => s.nodes.some((n) => n.kind === 'sink' && n.internal && n.topic === topic));
}

export async function prepareTopics(admin: KafkaAdmin, plan: TopologyPlan, options: PrepareTopicsOptions): Promise<Map<string, number>> {
  const { repartition, broker } = names(plan, options.applicationId);
  const userSources = [...new Set(plan.subtopologies.flatMap((s) => s.sourceTopics).filter((t) => !repartition.has(t)))];
  const userSinks = [...new Set(plan.subtopologies.flatMap((s) => s.nodes).flatMap((n) => (n.kind === 'sink' && !n.internal && typeof n.topic === 'string' ? [n.topic] : [])))];
  const existing = new Set(await admin.listTopics());
  const missing = userSources.filter((t) => !existing.has(t)).sort();
  if (missing.length > 0) {
    throw new KstError('KST_STREAMS_SOURCE_TOPIC_MISSING', `source topic${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')} of the topology ${missing.length > 1 ? 'do' : 'does'} not exist; create ${missing.length > 1 ? 'them' : 'it'} before starting application "${options.applicationId}"`, { topics: missing });
  }
  const known = [...new Set([...userSources, ...userSinks.filter((t) => existing.has(t))])];
  // Counts by plan name (unprefixed) for the resolution below.
  const counts = known.length === 0 ? new Map<string, number>() : await admin.partitionCounts(known);

  for (const topic of plan.internalTopics) if (topic.kind === 'repartition' && topic.partitions !== undefined) counts.set(topic.name, topic.partitions);
  const unresolved = new Set([...repartition].filter((t) => !counts.has(t)));
  for (let progress = true; unresolved.size > 0 && progress;) {
    progress = false;
    for (const topic of unresolved) {
      const writer = writerOf(plan, topic);
      const inputs = writer?.sourceTopics.map((t) => counts.get(t));
      if (inputs === undefined || inputs.length === 0 || inputs.some((c) => c === undefined)) continue;
      counts.set(topic, Math.max(...(inputs as number[])));
      unresolved.delete(topic);
      progress = true;
    }
  }
  if (unresolved.size > 0) {
    throw new KstError('KST_TOPOLOGY_PLAN_INVALID', `the partition count of repartition topic(s) ${[...unresolved].join(', ')} cannot be derived: no sub-topology with known inputs writes them`, { topics: [...unresolved] });
  }
  enforceCopartitioning(plan, counts, repartition);

  const topics: NewTopic[] = [];
  const replication = options.replicationFactor > 0 ? { replicationFactor: options.replicationFactor } : {};
  for (const internal of plan.internalTopics) {
    let partitions = counts.get(internal.name);
    if (internal.kind === 'changelog') {
      const owner = plan.subtopologies.find((s) => s.stores.some((store) => plan.stores[store]?.changelogTopic === internal.name));
      partitions = owner === undefined ? 1 : Math.max(1, ...owner.sourceTopics.map((t) => counts.get(t) ?? 1));
      counts.set(internal.name, partitions);
    }
    topics.push({ name: broker(internal.name), ...(partitions === undefined ? {} : { partitions }), configs: internal.configs, ...replication });
  }
  if (options.deadLetterTopic !== undefined && !existing.has(options.deadLetterTopic)) topics.push({ name: options.deadLetterTopic, ...replication });
  // A restart finds them all: no CreateTopics round trip, and no wait for leaders.
  const toCreate = topics.filter((topic) => !existing.has(topic.name));
  if (toCreate.length > 0) await admin.createTopics(toCreate, { ifNotExists: true });

  const out = new Map<string, number>();
  for (const [topic, count] of counts) out.set(broker(topic), count);
  if (options.deadLetterTopic !== undefined) {
    const [dlq] = await admin.describeTopics([options.deadLetterTopic]);
    if (dlq !== undefined) out.set(dlq.name, dlq.partitions.length);
  }
  return out;
}

/** Co-partitioned topics must agree: user topics are checked, repartition topics without a fixed count follow. */
function enforceCopartitioning(plan: TopologyPlan, counts: Map<string, number>, repartition: ReadonlySet<string>): void {
  const fixed = new Set(plan.internalTopics.filter((t) => t.partitions !== undefined).map((t) => t.name));
  for (const group of plan.copartitionGroups) {
    const anchors = group.filter((t) => !repartition.has(t) || fixed.has(t));
    const anchorCounts = new Set(anchors.map((t) => counts.get(t)));
    if (anchorCounts.size > 1) {
      throw new KstError('KST_STREAMS_COPARTITION_MISMATCH', `topics ${anchors.map((t) => `"${t}" (${counts.get(t)} partitions)`).join(', ')} must be co-partitioned but have different partition counts`, { topics: anchors });
    }
    const target = anchors.length > 0 ? counts.get(anchors[0] as string) : Math.max(...group.map((t) => counts.get(t) ?? 0));
    if (target === undefined) continue;
    for (const topic of group) if (repartition.has(topic) && !fixed.has(topic)) counts.set(topic, target);
  }
}

/**
 * Partition counts of the topics feeding global stores, which every instance reads whole;
 * each must exist (`KST_STREAMS_SOURCE_TOPIC_MISSING` otherwise).
 */
export async function globalTopicCounts(admin: KafkaAdmin, plan: TopologyPlan, applicationId: string): Promise<Map<string, number>> {
  const topics = [...new Set(plan.globalStores.flatMap((g) => g.source.topics))];
  if (topics.length === 0) return new Map();
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t)).sort();
  if (missing.length > 0) {
    throw new KstError('KST_STREAMS_SOURCE_TOPIC_MISSING', `global store topic${missing.length > 1 ? 's' : ''} ${missing.map((t) => `"${t}"`).join(', ')} ${missing.length > 1 ? 'do' : 'does'} not exist; create ${missing.length > 1 ? 'them' : 'it'} before starting application "${applicationId}"`, { topics: missing });
  }
  return admin.partitionCounts(topics);
}
