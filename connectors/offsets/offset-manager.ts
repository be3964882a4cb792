/**
 * Connector offsets for `/connectors/{name}/offsets`. A source connector's are its
 * entries in the offsets topic (`{"partition": {…source partition}, "offset": {…}}`);
 * altering writes them (null: a tombstone), resetting writes a tombstone for each.
 * A sink connector's are the committed offsets
 * of the consumer group `connect-<name>`, shown and changed in Connect's shape
 * (`{"partition": {"kafka_topic", "kafka_partition"}, "offset": {"kafka_offset"}}`).
 * As Connect does for sink connectors: altering sets the group's offsets with the admin
 * API (the group is empty, since the connector is STOPPED) and removes those given as
 * null; resetting deletes the group.
 */

import { hasProtocolError, type KafkaAdmin, type TopicPartition, type TopicPartitionOffset } from '../../processors/kafka/index.ts';
import { badRequest, rebalancing } from '../rest/rest-error.ts';
import type { ConnectorSnapshot } from '../storage/config-store.ts';
import type { SourceMap } from '../api/source.ts';
import { findConnectorPlugin } from '../plugins/plugin-registry.ts';
import type { OffsetStore } from '../storage/offset-store.ts';

interface OffsetEntry {
  readonly partition: { readonly kafka_topic: string; readonly kafka_partition: number };
  readonly offset: { readonly kafka_offset: number } | null;
}

const ALTERED = 'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.';
const RESET = 'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.';

/**
 * @example
 * ```ts
 * const offsets = new OffsetManager(admin);
 * await offsets.get(snapshot); // { offsets: [{ partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 42 } }] }
 * ```
 */
export class OffsetManager {
  readonly #admin: KafkaAdmin;
  readonly #sources: OffsetStore | undefined;

  constructor(admin: KafkaAdmin, sources?: OffsetStore) {
    this.#admin = admin;
    this.#sources = sources;
  }

  #source(snapshot: ConnectorSnapshot): OffsetStore | undefined {
    return findConnectorPlugin(snapshot.config['connector.class'] ?? '')?.type === 'source' ? this.#sources : undefined;
  }

  async get(snapshot: ConnectorSnapshot): Promise<{ offsets: Array<OffsetEntry | { partition: SourceMap; offset: SourceMap }> }> {
    const sources = this.#source(snapshot);
    if (sources !== undefined) return { offsets: sources.entries(snapshot.name) };
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
    const sources = this.#source(snapshot);
    if (sources !== undefined) {
      await sources.write(snapshot.name, parseSourceEntries(body));
      return { message: ALTERED };
    }
    const entries = parseEntries(body);
    const group = `connect-${snapshot.name}`;
    const altered: TopicPartitionOffset[] = [];
    const removed: TopicPartition[] = [];
    for (const { partition, offset } of entries) {
      if (offset === null) removed.push({ topic: partition.kafka_topic, partition: partition.kafka_partition });
      else altered.push({ topic: partition.kafka_topic, partition: partition.kafka_partition, offset: BigInt(offset.kafka_offset) });
    }
    await this.#admin.alterGroupOffsets(group, altered).catch(refusal(snapshot.name, 'altered'));
    await this.#admin.deleteGroupOffsets(group, removed).catch(refusal(snapshot.name, 'altered'));
    return { message: ALTERED };
  }

  async reset(snapshot: ConnectorSnapshot): Promise<{ message: string }> {
    const sources = this.#source(snapshot);
    if (sources !== undefined) {
      await sources.write(snapshot.name, sources.entries(snapshot.name).map((e) => ({ partition: e.partition, offset: null })));
      return { message: RESET };
    }
    await this.#admin.deleteGroups([`connect-${snapshot.name}`]).catch((error: unknown) => {
      if (!hasProtocolError(error, 'GROUP_ID_NOT_FOUND')) refusal(snapshot.name, 'reset')(error);
    });
    return { message: RESET };
  }
}

/**
 * What the brokers refuse is the request's fault or a passing state, not the worker's:
 * tasks of a just-stopped connector may still be leaving its group (409, retry), or the
 * request names a partition that does not exist (400).
 */
function refusal(name: string, what: string) {
  return (error: unknown): never => {
    if (['NON_EMPTY_GROUP', 'UNKNOWN_MEMBER_ID', 'REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION'].some((id) => hasProtocolError(error, id))) {
      throw rebalancing(`The offsets of connector ${name} cannot be ${what} while members of its consumer group connect-${name} are still leaving it; retry in a moment`);
    }
    if (hasProtocolError(error, 'UNKNOWN_TOPIC_OR_PARTITION')) throw badRequest(`The offsets of connector ${name} cannot be ${what}: a partition given does not exist`);
    throw error;
  };
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

/** A source connector's alter body: partitions are JSON objects, offsets objects or null (Connect's checks). */
function parseSourceEntries(body: unknown): Array<{ partition: SourceMap; offset: SourceMap | null }> {
  const list = (body as { offsets?: unknown } | null)?.offsets;
  if (!Array.isArray(list) || list.length === 0) throw badRequest('Partitions / offsets need to be provided for an alter offsets request');
  const isMap = (v: unknown): v is SourceMap => v !== null && typeof v === 'object' && !Array.isArray(v);
  return list.map((entry: unknown) => {
    const e = entry as { partition?: unknown; offset?: unknown } | null;
    if (!isMap(e?.partition)) throw badRequest('Source partitions may not be null');
    if (e.offset !== null && e.offset !== undefined && !isMap(e.offset)) throw badRequest('Source offsets must be JSON objects or null');
    return { partition: e.partition, offset: isMap(e.offset) ? e.offset : null };
  });
}
