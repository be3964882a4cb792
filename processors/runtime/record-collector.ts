/**
 * The task's two edges to the outside: the raw records it is given and the serialized
 * records it hands on. Both are plain byte shapes so the stream thread can pass records
 * from the Kafka adapter straight through (a `KafkaRecord` is a `TaskInputRecord`) and
 * send sink output without another copy.
 */

import type { Headers } from '../api/record.ts';

/**
 * One consumed record, as bytes. `KafkaRecord` from the Kafka adapter fits this shape, so
 * the thread hands fetched records over without mapping them.
 */
export interface TaskInputRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Milliseconds since the epoch; a bigint from the adapter, a number from tests. */
  readonly timestamp: number | bigint;
  readonly headers: Headers;
}

/**
 * Where sink nodes put their output. The runtime's implementation buffers records for the
 * (transactional) producer; the `TopologyTestDriver` captures them in memory.
 *
 * @example
 * ```ts
 * const collector: RecordCollector = {
 *   send(topic, partition, key, value, timestamp, headers) { sent.push({ topic, partition, key, value, timestamp, headers }); },
 *   partitionsFor() { return 1; },
 * };
 * ```
 */
export interface RecordCollector {
  /**
   * Queues one record. `partition` undefined asks for the default partitioner (murmur2 of
   * the key bytes, as the Java client). Must not block: sending is batched by the caller.
   */
  send(topic: string, partition: number | undefined, key: Buffer | null, value: Buffer | null, timestamp: number, headers: Headers): void;
  /** The partition count of an output topic, for custom `StreamPartitioner`s. */
  partitionsFor(topic: string): number;
}

/** A committable position: the next offset to read from one input partition. */
export interface ConsumedOffset {
  readonly topic: string;
  readonly partition: number;
  /** Last processed offset + 1, exactly as Kafka stores a commit. */
  readonly offset: bigint;
}
