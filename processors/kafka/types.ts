/**
 * The adapter's record and offset types. Everything above `processors/kafka/` speaks
 * these, never the client library's own types, so the client can be swapped or
 * upgraded behind this folder.
 *
 * Keys, values and header values stay `Buffer`s: serdes run above the adapter, and a
 * record that fails to deserialize must still be forwardable byte-for-byte to a
 * dead-letter topic.
 */

/** One header; the array form keeps order and allows repeated keys, as Kafka does. */
export type KafkaHeader = readonly [key: string, value: Buffer];

/** A record read from Kafka. `offset` and `timestamp` are exact 64-bit values. */
export interface KafkaRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  /** Milliseconds since the epoch (CreateTime or LogAppendTime, as the topic says). */
  readonly timestamp: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: readonly KafkaHeader[];
  /** Leader epoch of the batch, kept so commits can carry it (KIP-320). */
  readonly leaderEpoch: number;
}

/**
 * A record to write. Without `partition`, the producer's partitioner picks one from the
 * key (murmur2, as the Java client, so co-partitioning with Java producers holds).
 */
export interface ProducerRecord {
  readonly topic: string;
  readonly partition?: number;
  readonly key?: Buffer | null;
  readonly value: Buffer | null;
  readonly headers?: readonly KafkaHeader[];
  readonly timestamp?: bigint;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/**
 * A position in a partition. As a commit, `offset` is the NEXT offset to read (last
 * processed + 1), exactly as Kafka stores it.
 */
export interface TopicPartitionOffset extends TopicPartition {
  readonly offset: bigint;
  readonly leaderEpoch?: number;
}

/** Where the written records landed: first offset of each partition's batch. */
export type ProduceResult = readonly TopicPartitionOffset[];

/**
 * What a transactional producer needs to commit offsets for a consumer group inside a
 * transaction (KIP-447): the group coordinator rejects the commit when `generationId`
 * is stale, so a member that lost its partitions in a rebalance cannot commit for them.
 */
export interface ConsumerGroupMetadata {
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  readonly groupInstanceId: string | null;
}

/** A fetched batch: records in offset order per partition, partitions interleaved. */
export interface RecordBatch {
  readonly records: readonly KafkaRecord[];
  /** Next offset to read per partition that returned data (for commits after processing). */
  readonly nextOffsets: readonly TopicPartitionOffset[];
}

export const ISOLATION_LEVELS = ['read_committed', 'read_uncommitted'] as const;
export type IsolationLevel = (typeof ISOLATION_LEVELS)[number];

export const OFFSET_RESET_POLICIES = ['earliest', 'latest', 'none'] as const;
export type OffsetResetPolicy = (typeof OFFSET_RESET_POLICIES)[number];

/** A stable map key for a partition; built once per partition, not per record. */
export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/** Groups partitions by topic, in first-seen order, for protocol requests. */
export function groupByTopic<T extends TopicPartition>(items: Iterable<T>): Map<string, T[]> {
  const byTopic = new Map<string, T[]>();
  for (const item of items) {
    const list = byTopic.get(item.topic);
    if (list === undefined) byTopic.set(item.topic, [item]);
    else list.push(item);
  }
  return byTopic;
}
