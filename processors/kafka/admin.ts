/**
 * Topic and group administration: what the streams runtime needs to set up internal
 * topics (changelogs are `cleanup.policy=compact`, repartition topics are not) and what
 * tests and tooling need to inspect the cluster.
 */

import { Admin, ConfigResourceTypes } from './library.ts';
import { toBaseOptions, type KafkaClientConfig } from './config.ts';
import { KstError } from '../../common/errors.ts';
import { hasProtocolError, mapped, toKstError } from './errors.ts';
import type { TopicPartition, TopicPartitionOffset } from './types.ts';

/** A topic to create. Omitted counts fall back to the broker's defaults. */
export interface NewTopic {
  readonly name: string;
  readonly partitions?: number;
  readonly replicationFactor?: number;
  /** Topic configs, e.g. `{ 'cleanup.policy': 'compact' }`. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface TopicDescription {
  readonly name: string;
  readonly id: string;
  readonly partitions: ReadonlyArray<{ readonly partition: number; readonly leader: number; readonly replicas: readonly number[]; readonly isr: readonly number[] }>;
}

/** A consumer group as its coordinator describes it. */
export interface GroupDescription {
  readonly groupId: string;
  /** Kafka's group state: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead. */
  readonly state: string;
  readonly members: ReadonlyArray<{ readonly memberId: string; readonly groupInstanceId: string | null; readonly clientId: string }>;
}

export interface CreateTopicsOptions {
  /** Treat `TOPIC_ALREADY_EXISTS` as success (the topic is then not checked against the spec). */
  readonly ifNotExists?: boolean;
}

/**
 * Administrative client. One instance can be shared; every method is one round of
 * requests, batched over the given topics.
 *
 * @example
 * ```ts
 * const admin = new KafkaAdmin(kafkaClientConfig.parse({ 'bootstrap.servers': '127.0.0.1:9092' }));
 * await admin.createTopics([{ name: 'app-store-changelog', partitions: 4, configs: { 'cleanup.policy': 'compact' } }], { ifNotExists: true });
 * await admin.close();
 * ```
 */
export class KafkaAdmin {
  readonly #admin: Admin;

  readonly #timeoutMs: number;

  constructor(config: KafkaClientConfig) {
    this.#admin = new Admin(toBaseOptions(config, 'admin'));
    this.#timeoutMs = config['request.timeout.ms'];
  }

  /**
   * Creates topics. Returns the names actually created (those that already existed are
   * left out when `ifNotExists` is set). Topics are created concurrently, one request
   * each, because per-topic configs and per-topic "already exists" answers need it.
   */
  async createTopics(topics: readonly NewTopic[], options: CreateTopicsOptions = {}): Promise<string[]> {
    const results = await Promise.all(topics.map(async (topic) => {
      try {
        await this.#admin.createTopics({
          topics: [topic.name],
          partitions: topic.partitions ?? -1,
          replicas: topic.replicationFactor ?? -1,
          configs: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value })),
        });
        return topic.name;
      } catch (error) {
        if (options.ifNotExists === true && hasProtocolError(error, 'TOPIC_ALREADY_EXISTS')) return null;
        return mapped('KST_KAFKA_ADMIN', `creating topic "${topic.name}" failed`, { topic: topic.name }, () => Promise.reject(error));
      }
    }));
    const created = results.filter((name): name is string => name !== null);
    await this.#awaitLeaders(topics.map((t) => t.name));
    return created;
  }

  // CreateTopics answers before every broker knows the topic; callers produce right
  // after creating, so wait until the metadata shows a leader for every partition.
  async #awaitLeaders(names: readonly string[]): Promise<void> {
    const deadline = Date.now() + this.#timeoutMs;
    for (;;) {
      try {
        const metadata = await this.#admin.metadata({ topics: [...names], forceUpdate: true, autocreateTopics: false });
        if (names.every((name) => metadata.topics.get(name)?.partitions.every((p) => p !== undefined && p.leader >= 0) === true)) return;
      } catch (error) {
        if (Date.now() > deadline) throw toKstError(error, 'KST_KAFKA_ADMIN', 'created topics did not become available', { topics: names });
      }
      if (Date.now() > deadline) throw new KstError('KST_KAFKA_ADMIN', `created topics did not become available: ${names.join(', ')}`, { topics: names });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Describes topics (partition leaders and replicas); fails naming a missing topic. */
  async describeTopics(names: readonly string[]): Promise<TopicDescription[]> {
    const metadata = await mapped('KST_KAFKA_ADMIN', 'describing topics failed', { topics: names }, () =>
      this.#admin.metadata({ topics: [...names], forceUpdate: true, autocreateTopics: false }));
    return names.map((name) => {
      const topic = metadata.topics.get(name);
      if (topic === undefined) throw new Error(`unreachable: metadata lacks topic ${name}`);
      return {
        name,
        id: topic.id,
        partitions: topic.partitions.map((p, partition) => ({ partition, leader: p.leader, replicas: p.replicas, isr: p.isr })),
      };
    });
  }

  /** The id of the cluster, as its brokers report it in metadata (Connect's `kafka_cluster_id`). */
  async clusterId(): Promise<string> {
    const metadata = await mapped('KST_KAFKA_ADMIN', 'reading the cluster id failed', {}, () => this.#admin.metadata({ topics: [] }));
    return metadata.id;
  }

  /** How many brokers the cluster's metadata lists: a health probe's question (the broker serves requests, not only a port). */
  async brokerCount(): Promise<number> {
    const metadata = await mapped('KST_KAFKA_ADMIN', 'reading the cluster metadata failed', {}, () => this.#admin.metadata({ topics: [] }));
    return metadata.brokers.size;
  }

  /** The partition count of each topic, the question the runtime asks most. */
  async partitionCounts(names: readonly string[]): Promise<Map<string, number>> {
    const described = await this.describeTopics(names);
    return new Map(described.map((topic) => [topic.name, topic.partitions.length]));
  }

  /** The topic configs explicitly set on a topic or inherited, by name. */
  async describeTopicConfigs(name: string, keys?: readonly string[]): Promise<Record<string, string | null>> {
    const [description] = await mapped('KST_KAFKA_ADMIN', `describing configs of "${name}" failed`, { topic: name }, () =>
      this.#admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: name, configurationKeys: keys === undefined ? null : [...keys] }] }));
    const out: Record<string, string | null> = {};
    for (const config of description?.configs ?? []) out[config.name] = config.value ?? null;
    return out;
  }

  /** Lists topic names, internal topics (`__consumer_offsets`...) excluded. */
  async listTopics(): Promise<string[]> {
    return mapped('KST_KAFKA_ADMIN', 'listing topics failed', {}, () => this.#admin.listTopics({ includeInternals: false }));
  }

  /** Deletes topics; with `ifExists`, a missing topic is not an error. */
  async deleteTopics(names: readonly string[], options: { readonly ifExists?: boolean } = {}): Promise<void> {
    if (names.length === 0) return;
    try {
      await this.#admin.deleteTopics({ topics: [...names] });
    } catch (error) {
      if (options.ifExists === true && hasProtocolError(error, 'UNKNOWN_TOPIC_OR_PARTITION')) {
        // One missing topic fails the whole request; retry the others one by one.
        if (names.length > 1) await Promise.all(names.map((name) => this.deleteTopics([name], options)));
        return;
      }
      await mapped('KST_KAFKA_ADMIN', 'deleting topics failed', { topics: names }, () => Promise.reject(error));
    }
  }

  /** Committed offsets of a group (next offset to read), as stored by the coordinator. */
  async listGroupOffsets(groupId: string): Promise<TopicPartitionOffset[]> {
    const groups = await mapped('KST_KAFKA_ADMIN', `listing offsets of group "${groupId}" failed`, { groupId }, () =>
      this.#admin.listConsumerGroupOffsets({ groups: [groupId], requireStable: true }));
    const out: TopicPartitionOffset[] = [];
    for (const group of groups) {
      for (const topic of group.topics) {
        for (const p of topic.partitions) {
          if (p.committedOffset >= 0n) out.push({ topic: topic.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch });
        }
      }
    }
    return out;
  }

  /**
   * Sets committed offsets of a group without joining it, as `Admin.alterConsumerGroupOffsets`
   * does (an OffsetCommit outside any generation): the group must have no active members.
   */
  async alterGroupOffsets(groupId: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return;
    const byTopic = new Map<string, Array<{ partition: number; offset: bigint }>>();
    for (const { topic, partition, offset } of offsets) byTopic.set(topic, [...(byTopic.get(topic) ?? []), { partition, offset }]);
    await mapped('KST_KAFKA_ADMIN', `altering offsets of group "${groupId}" failed`, { groupId }, () =>
      this.#admin.alterConsumerGroupOffsets({ groupId, topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })) }));
  }

  /** Removes committed offsets of a group's partitions (the group must not be consuming them); a missing group has none. */
  async deleteGroupOffsets(groupId: string, partitions: readonly TopicPartition[]): Promise<void> {
    if (partitions.length === 0) return;
    const byTopic = new Map<string, number[]>();
    for (const { topic, partition } of partitions) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
    try {
      await this.#admin.deleteConsumerGroupOffsets({ groupId, topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) });
    } catch (error) {
      if (hasProtocolError(error, 'GROUP_ID_NOT_FOUND')) return;
      await mapped('KST_KAFKA_ADMIN', `deleting offsets of group "${groupId}" failed`, { groupId }, () => Promise.reject(error));
    }
  }

  /** The group's state and members (static members with their group.instance.id). */
  async describeGroup(groupId: string): Promise<GroupDescription> {
    const groups = await mapped('KST_KAFKA_ADMIN', `describing group "${groupId}" failed`, { groupId }, () => this.#admin.describeGroups({ groups: [groupId] }));
    const group = groups.get(groupId);
    return {
      groupId,
      state: String(group?.state ?? 'Dead'),
      members: [...(group?.members.values() ?? [])].map((m) => ({ memberId: m.id, groupInstanceId: m.groupInstanceId ?? null, clientId: m.clientId })),
    };
  }

  /** Deletes consumer groups (they must have no active members). */
  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    if (groupIds.length === 0) return;
    await mapped('KST_KAFKA_ADMIN', 'deleting groups failed', { groupIds }, () => this.#admin.deleteGroups({ groups: [...groupIds] }));
  }

  async close(): Promise<void> {
    await mapped('KST_KAFKA_CONNECTION', 'closing the admin client failed', {}, () => this.#admin.close());
  }
}
