/**
 * Turns consumed bytes into typed records for one source node: deserializes key and value
 * with the source's serdes, then applies its timestamp extractor. Runs as a separate pass
 * over the batch, before processing, so the batch's keys are known for the store prefetch
 * and a schema-registry serde can be prepared once per batch.
 *
 * A failure is returned, not thrown: it is handled when processing reaches the record, so
 * the records before it in the batch are processed first, as they would be one by one.
 */

import type { StreamRecord } from '../api/record.ts';
import type { SourceNodePlan, TimestampExtractor } from '../plan/topology-plan.ts';
import { isPreparableSerde, type Serde } from '../../schemas/serdes/serde.ts';
import type { SourceNode } from './processor-nodes.ts';
import type { TaskInputRecord } from './record-collector.ts';
import { toSerdeHeaders } from './sink-node.ts';

/** A record that could not be read; handled in order by the deserialization handler. */
export class DecodeFailure {
  readonly nodeName: string;
  readonly error: unknown;

  constructor(nodeName: string, error: unknown) {
    this.nodeName = nodeName;
    this.error = error;
  }
}

/**
 * One source node with what it needs to read its topics.
 *
 * @example
 * ```ts
 * const source = new SourceBinding(plan, node);
 * const record = source.decode(raw, partitionTimeMs); // StreamRecord or DecodeFailure
 * ```
 */
export class SourceBinding {
  readonly node: SourceNode;
  readonly #keySerde: Serde<unknown>;
  readonly #valueSerde: Serde<unknown>;
  readonly #extractor: TimestampExtractor | undefined;
  /** True when a serde wants its async `prepare` step before a batch. */
  readonly preparable: boolean;

  constructor(plan: SourceNodePlan, node: SourceNode) {
    this.node = node;
    this.#keySerde = plan.keySerde;
    this.#valueSerde = plan.valueSerde;
    this.#extractor = plan.timestampExtractor;
    this.preparable = isPreparableSerde(plan.keySerde) || isPreparableSerde(plan.valueSerde);
  }

  /** Awaits the serdes' registry look-ups for the records of `topic` in a batch. */
  async prepare(topic: string, records: readonly TaskInputRecord[]): Promise<void> {
    const keySerde = this.#keySerde;
    const valueSerde = this.#valueSerde;
    if (isPreparableSerde(keySerde)) await keySerde.prepare(topic, records.map((r) => r.key));
    if (isPreparableSerde(valueSerde)) await valueSerde.prepare(topic, records.map((r) => r.value));
  }

  decode(raw: TaskInputRecord, partitionTimeMs: number): StreamRecord<unknown, unknown> | DecodeFailure {
    const topic = raw.topic;
    const rawTimestamp = typeof raw.timestamp === 'bigint' ? Number(raw.timestamp) : raw.timestamp;
    let key: unknown;
    let value: unknown;
    let timestamp = rawTimestamp;
    try {
      const serdeHeaders = toSerdeHeaders(raw.headers);
      key = this.#keySerde.deserialize(topic, raw.key, serdeHeaders);
      value = this.#valueSerde.deserialize(topic, raw.value, serdeHeaders);
      if (this.#extractor !== undefined) {
        timestamp = this.#extractor({ key, value, timestamp: rawTimestamp, topic, partition: raw.partition }, partitionTimeMs);
      }
    } catch (error) {
      return new DecodeFailure(this.node.name, error);
    }
    return { key, value, timestamp, headers: raw.headers };
  }
}

/** Groups a batch's records by source and topic for `prepare`; only for preparable sources. */
export function groupForPrepare(groups: Map<SourceBinding, Map<string, TaskInputRecord[]>>, binding: SourceBinding, raw: TaskInputRecord): Map<SourceBinding, Map<string, TaskInputRecord[]>> {
  let byTopic = groups.get(binding);
  if (byTopic === undefined) groups.set(binding, (byTopic = new Map()));
  const list = byTopic.get(raw.topic);
  if (list === undefined) byTopic.set(raw.topic, [raw]);
  else list.push(raw);
  return groups;
}

/** Awaits every `prepare`, one source and topic at a time. */
export async function prepareAll(groups: Map<SourceBinding, Map<string, TaskInputRecord[]>>): Promise<void> {
  for (const [binding, byTopic] of groups) for (const [topic, records] of byTopic) await binding.prepare(topic, records);
}
