/**
 * How far a consumer group is behind on its input partitions, as `kafka-consumer-groups
 * --describe` shows it: per partition, the group's committed offset, the partition's end
 * (the last stable offset, as a `read_committed` consumer sees it) and the difference. A
 * partition without a commit counts from 0. Read through the Kafka adapter, so it is
 * fresh on every call and does not depend on the instances' own lag metrics.
 *
 * @example
 * ```ts
 * const lag = new KafkaGroupLag(kafkaClientConfig.parse({ 'bootstrap.servers': '127.0.0.1:9092', 'client.id': 'gateway-ops' }));
 * const lags = await lag.of('ecommerce-order', [{ topic: 'orders.commands', partition: 0 }]);
 * await lag.close();
 * ```
 */

import { KafkaAdmin, PartitionReader, type KafkaClientConfig, type TopicPartition } from '../../processors/kafka/index.ts';

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** The group's committed offset (the next to read); null when the group committed none. */
  readonly committed: number | null;
  readonly end: number;
  readonly lag: number;
}

/** Where the ops page reads group lag from; `KafkaGroupLag` is the real one. */
export interface GroupLagSource {
  of(groupId: string, partitions: readonly TopicPartition[]): Promise<PartitionLag[]>;
  close(): Promise<void>;
}

export class KafkaGroupLag implements GroupLagSource {
  readonly #admin: KafkaAdmin;
  readonly #reader: PartitionReader;

  constructor(client: KafkaClientConfig) {
    this.#admin = new KafkaAdmin(client);
    this.#reader = new PartitionReader(client, { isolation: 'read_committed' });
  }

  async of(groupId: string, partitions: readonly TopicPartition[]): Promise<PartitionLag[]> {
    if (partitions.length === 0) return [];
    const [committed, ends] = await Promise.all([this.#admin.listGroupOffsets(groupId), this.#reader.endOffsets(partitions)]);
    const at = new Map(committed.map((c) => [`${c.topic}\u0000${c.partition}`, c.offset]));
    return ends.map((end) => {
      const offset = at.get(`${end.topic}\u0000${end.partition}`);
      return { topic: end.topic, partition: end.partition, committed: offset === undefined ? null : Number(offset), end: Number(end.offset), lag: Math.max(0, Number(end.offset - (offset ?? 0n))) };
    });
  }

  async close(): Promise<void> {
    await Promise.all([this.#reader.close(), this.#admin.close()]);
  }
}
