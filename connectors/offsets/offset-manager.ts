/**
 * Sink connector offsets for `/connectors/{name}/offsets`: they are the committed offsets
 * of the consumer group `connect-<name>`, shown and changed in Connect's shape
 * (`{"partition": {"kafka_topic", "kafka_partition"}, "offset": {"kafka_offset"}}`).
 * Altering joins the (empty, since the connector is STOPPED) group once over the
 * connector's topics and commits, which the adapter's consumer can do with its own
 * generation; resetting deletes the group.
 */

import { hasProtocolError, KafkaConsumer, allMembersRangeAssignor, kafkaConsumerConfig, type KafkaAdmin, type KafkaClientConfig, type TopicPartitionOffset } from '../../processors/kafka/index.ts';
import { badRequest } from '../rest/rest-error.ts';
import type { ConnectorSnapshot } from '../storage/config-store.ts';

interface OffsetEntry {
  readonly partition: { readonly kafka_topic: string; readonly kafka_partition: number };
  readonly offset: { readonly kafka_offset: number } | null;
}

const ALTERED = 'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.';
const RESET = 'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.';

/**
 * @example
 * ```ts
 * const offsets = new OffsetManager(client, admin);
 * await offsets.get(snapshot); // { offsets: [{ partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 42 } }] }
 * ```
 */
export class OffsetManager {
  readonly #client: KafkaClientConfig;
  readonly #admin: KafkaAdmin;

  constructor(client: KafkaClientConfig, admin: KafkaAdmin) {
    this.#client = client;
    this.#admin = admin;
  }

  async get(snapshot: ConnectorSnapshot): Promise<{ offsets: OffsetEntry[] }> {
    const committed = await this.#admin.listGroupOffsets(`connect-${snapshot.name}`).catch((error: unknown) => {
      if (hasProtocolError(error, 'GROUP_ID_NOT_FOUND')) return [];
      throw error;
    });
    const offsets = committed
      .map((o) => ({ partition: { kafka_topic: o.topic, kafka_partition: o.partition }, offset: { kafka_offset: Number(o.offset) } }))
      .sort((a, b) => (a.partition.kafka_topic === b.partition.kafka_topic ? a.partition.kafka_partition - b.partition.kafka_partition : a.partition.kafka_topic < b.partition.kafka_topic ? -1 : 1));
    return { offsets };
  }

  async alter(snapshot: ConnectorSnapshot, body: unknown): Promise<{ message: string }> {
    const entries = parseEntries(body);
    if (entries.every((e) => e.offset === null)) return this.reset(snapshot).then(() => ({ message: ALTERED }));
    if (entries.some((e) => e.offset === null)) throw badRequest('Resetting some partitions (a null offset) while altering others is not supported by this worker; reset all with DELETE /connectors/{name}/offsets, or give offsets for all');
    const wanted: TopicPartitionOffset[] = entries.map((e) => ({ topic: e.partition.kafka_topic, partition: e.partition.kafka_partition, offset: BigInt((e.offset as { kafka_offset: number }).kafka_offset) }));
    await this.#commitAsMember(snapshot.name, wanted);
    return { message: ALTERED };
  }

  async reset(snapshot: ConnectorSnapshot): Promise<{ message: string }> {
    await this.#admin.deleteGroups([`connect-${snapshot.name}`]).catch((error: unknown) => {
      if (!hasProtocolError(error, 'GROUP_ID_NOT_FOUND')) throw error;
    });
    return { message: RESET };
  }

  // The group has no members while the connector is STOPPED, so this member gets every
  // partition of the topics and its commit carries a valid generation.
  async #commitAsMember(name: string, offsets: readonly TopicPartitionOffset[]): Promise<void> {
    const consumer = new KafkaConsumer(this.#client, kafkaConsumerConfig.parse({ 'group.id': `connect-${name}`, 'session.timeout.ms': 10_000, 'rebalance.timeout.ms': 10_000, 'heartbeat.interval.ms': 1_000, 'fetch.max.wait.ms': 100 }), {
      assignor: allMembersRangeAssignor(() => Buffer.alloc(0), 'range'),
    });
    try {
      consumer.subscribe([...new Set(offsets.map((o) => o.topic))]);
      const deadline = Date.now() + 30_000;
      while ((consumer.assignment()?.partitions.length ?? 0) === 0) {
        if (Date.now() > deadline) throw badRequest(`could not join the consumer group connect-${name} to alter its offsets`);
        await consumer.poll();
      }
      await consumer.commit(offsets);
    } finally {
      await consumer.close();
    }
  }
}

function parseEntries(body: unknown): OffsetEntry[] {
  const list = (body as { offsets?: unknown } | null)?.offsets;
  if (!Array.isArray(list) || list.length === 0) throw badRequest('Partitions / offsets need to be provided for an alter offsets request');
  return list.map((entry: unknown) => {
    const e = entry as { partition?: Record<string, unknown>; offset?: Record<string, unknown> | null };
    const topic = e.partition?.['kafka_topic'];
    const partition = e.partition?.['kafka_partition'];
    if (typeof topic !== 'string' || typeof partition !== 'number') throw badRequest('Partition Map should contain the key kafka_topic (a string) and kafka_partition (an integer)');
    if (e.offset === null || e.offset === undefined) return { partition: { kafka_topic: topic, kafka_partition: partition }, offset: null };
    const offset = e.offset['kafka_offset'];
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) throw badRequest('Offset Map should contain the key kafka_offset (a non-negative integer)');
    return { partition: { kafka_topic: topic, kafka_partition: partition }, offset: { kafka_offset: offset } };
  });
}
