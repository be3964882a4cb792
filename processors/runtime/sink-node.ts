/**
 * A sink: serializes with its serdes and hands the bytes to the task's `RecordCollector`,
 * resolving the topic (fixed, internal-prefixed, or chosen per record) and the partition
 * (a custom `StreamPartitioner`, else left to the producer's murmur2 default).
 * Serialization errors go to the processing exception handler under the sink's name.
 */

import type { Headers, StreamRecord } from '../api/record.ts';
import type { SinkNodePlan, StreamPartitioner, TopicNameExtractor } from '../plan/topology-plan.ts';
import type { Serde, SerdeHeaders } from '../../schemas/serdes/serde.ts';
import type { Awaitable } from '../../common/awaitable.ts';
import type { RuntimeNode, TaskServices } from './task-services.ts';

/**
 * Header list to the map serdes take; last value wins, as `lastHeader` reads them.
 *
 * @example
 * ```ts
 * serde.serialize(topic, value, toSerdeHeaders(record.headers));
 * ```
 */
export function toSerdeHeaders(headers: Headers): SerdeHeaders | undefined {
  if (headers.length === 0) return undefined;
  const map = new Map<string, Buffer>();
  for (const [key, value] of headers) map.set(key, value);
  return map;
}

/** The name a topic has on the broker: internal topics carry the application id. */
export function brokerTopicName(applicationId: string, topic: string, internal: boolean): string {
  return internal ? `${applicationId}-${topic}` : topic;
}

export class SinkNode implements RuntimeNode {
  readonly name: string;
  readonly #services: TaskServices;
  readonly #topic: string | undefined;
  readonly #extractor: TopicNameExtractor | undefined;
  readonly #keySerde: Serde<unknown>;
  readonly #valueSerde: Serde<unknown>;
  readonly #partitioner: StreamPartitioner | undefined;

  constructor(plan: SinkNodePlan, services: TaskServices) {
    this.name = plan.name;
    this.#services = services;
    if (typeof plan.topic === 'string') {
      this.#topic = brokerTopicName(services.applicationId, plan.topic, plan.internal);
      this.#extractor = undefined;
    } else {
      this.#topic = undefined;
      this.#extractor = plan.topic;
    }
    this.#keySerde = plan.keySerde;
    this.#valueSerde = plan.valueSerde;
    this.#partitioner = plan.partitioner;
  }

  process(record: StreamRecord<unknown, unknown>): Awaitable<void> {
    try {
      this.#send(record);
    } catch (error) {
      return this.#services.onProcessingError(this.name, record, error);
    }
    return undefined;
  }

  #send(record: StreamRecord<unknown, unknown>): void {
    const key = record.key ?? null;
    const value = record.value ?? null;
    const topic = this.#topic ?? this.#extractTopic(key, value, record.headers);
    const serdeHeaders = toSerdeHeaders(record.headers);
    const keyBytes = this.#keySerde.serialize(topic, key, serdeHeaders);
    const valueBytes = this.#valueSerde.serialize(topic, value, serdeHeaders);
    const collector = this.#services.collector;
    const partition = this.#partitioner === undefined ? undefined : this.#partitioner(topic, key, value, collector.partitionsFor(topic));
    collector.send(topic, partition, keyBytes, valueBytes, record.timestamp, record.headers);
  }

  #extractTopic(key: unknown, value: unknown, headers: Headers): string {
    const extractor = this.#extractor as TopicNameExtractor;
    return extractor(key, value, { topic: this.#services.currentInput()?.topic, headers });
  }
}
