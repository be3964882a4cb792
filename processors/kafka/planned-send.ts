/**
 * One `send` of either producer as a series of size-bounded Produce requests (see
 * `produce-requests.ts`), sent one after the other so every partition keeps its order.
 * Records too large to send at all are handed to `onTooLarge` (the production exception
 * handler above the adapter) and left out; without a callback they fail the send before
 * anything is written.
 *
 * @example
 * ```ts
 * const result = await plannedSend(wire, records, limits, { onTooLarge: (rejected, error) => handler(rejected, error) }, sendOne);
 * ```
 */

import { KstError } from '../../common/errors.ts';
import type { WireProducer } from './producer.ts';
import { planRequests, type PlannedRequest, type ProduceLimits, type TooLargeRecord } from './produce-requests.ts';
import type { ProduceResult, ProducerRecord, TopicPartitionOffset } from './types.ts';

export interface SendOptions {
  /**
   * Receives each record that is not sent because it is too large, with the coded error a
   * FAIL decision would raise. Without it such a record fails the whole send, unsent.
   */
  readonly onTooLarge?: (rejected: TooLargeRecord, error: KstError) => void;
}

/** The coded error for a record that will not be sent, naming where it was going. */
export function tooLargeError(rejected: TooLargeRecord): KstError {
  const { topic, partition, bytes, limit } = rejected;
  return new KstError('KST_KAFKA_RECORD_TOO_LARGE', `a record for ${topic}-${partition} takes ${bytes} bytes, more than the ${limit} bytes a batch of this topic may take (max.request.size, or what the broker refused before)`, { topic, partition, bytes, limit });
}

/** Partition counts of the topics of a send, from the library's (cached) metadata. */
export async function partitionCounts(wire: WireProducer, records: readonly ProducerRecord[]): Promise<(topic: string) => number> {
  const topics = new Set<string>();
  for (const record of records) topics.add(record.topic);
  const metadata = await wire.metadata({ topics: [...topics] });
  return (topic) => metadata.topics.get(topic)?.partitionsCount ?? 1;
}

/** Plans the send and deals with the records that cannot go at all. */
export async function planSend(wire: WireProducer, records: readonly ProducerRecord[], limits: ProduceLimits, options: SendOptions): Promise<PlannedRequest[]> {
  const plan = planRequests(records, await partitionCounts(wire, records), limits);
  if (plan.tooLarge.length > 0) {
    const first = plan.tooLarge[0] as TooLargeRecord;
    if (options.onTooLarge === undefined) throw tooLargeError(first);
    for (const rejected of plan.tooLarge) options.onTooLarge(rejected, tooLargeError(rejected));
  }
  return plan.requests;
}

/** Collects the answers of several requests: per partition, the base offset of its first batch. */
export class ResultMerger {
  readonly #first = new Map<string, TopicPartitionOffset>();

  add(result: ProduceResult): void {
    for (const entry of result) {
      const key = `${entry.topic}\u0000${entry.partition}`;
      if (!this.#first.has(key)) this.#first.set(key, entry);
    }
  }

  get result(): ProduceResult {
    return [...this.#first.values()];
  }
}
