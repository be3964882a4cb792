/**
 * The fetched, not yet processed records of one input partition of a task, in offset
 * order, as Kafka Streams' `RecordQueue`. Records are taken from the head in runs (a
 * task processes batches), so the queue is an array with a moving head rather than one
 * `shift()` per record; the consumed front is dropped when it grows large.
 *
 * @example
 * ```ts
 * const queue = new RecordQueue({ topic: 'orders', partition: 3 });
 * for (const record of fetched) queue.push(record);
 * const run = queue.take(queue.runBelow(bound, true, 500));
 * ```
 */

import type { KafkaRecord, TopicPartition } from '../../kafka/index.ts';

/** Front garbage tolerated before the array is compacted. */
const COMPACT_AT = 4096;

export class RecordQueue {
  readonly topic: string;
  readonly partition: number;
  readonly #tp: TopicPartition;
  #records: KafkaRecord[] = [];
  #head = 0;
  /** Fetching this partition is paused because the queue is over its bound. */
  paused = false;

  constructor(partition: TopicPartition) {
    this.topic = partition.topic;
    this.partition = partition.partition;
    this.#tp = { topic: partition.topic, partition: partition.partition };
  }

  get topicPartition(): TopicPartition {
    return this.#tp;
  }

  get size(): number {
    return this.#records.length - this.#head;
  }

  get isEmpty(): boolean {
    return this.#head >= this.#records.length;
  }

  push(record: KafkaRecord): void {
    this.#records.push(record);
  }

  /** Timestamp of the head record; the queue must not be empty. */
  headTimestamp(): bigint {
    return (this.#records[this.#head] as KafkaRecord).timestamp;
  }

  /**
   * How many records from the head may go before a record stamped `bound` of another
   * queue: those stamped lower, and equal ones too when `beforeTies` (the other queue
   * comes later in the task's partition order). At most `max`; no bound takes up to `max`.
   */
  runBelow(bound: bigint | undefined, beforeTies: boolean, max: number): number {
    const records = this.#records;
    const end = Math.min(records.length, this.#head + max);
    if (bound === undefined) return end - this.#head;
    let i = this.#head;
    if (beforeTies) while (i < end && (records[i] as KafkaRecord).timestamp <= bound) i++;
    else while (i < end && (records[i] as KafkaRecord).timestamp < bound) i++;
    return i - this.#head;
  }

  /** Removes and returns the first `count` records. */
  take(count: number): KafkaRecord[] {
    const from = this.#head;
    const taken = this.#records.slice(from, from + count);
    this.#advance(count);
    return taken;
  }

  /** Removes the first `count` records, appending them to `out`. */
  takeInto(out: KafkaRecord[], count: number): void {
    const records = this.#records;
    const end = this.#head + count;
    for (let i = this.#head; i < end; i++) out.push(records[i] as KafkaRecord);
    this.#advance(count);
  }

  /** Drops every buffered record (revocation, a task rebuilt after a lost transaction). */
  clear(): void {
    this.#records = [];
    this.#head = 0;
  }

  #advance(count: number): void {
    this.#head += count;
    if (this.#head >= this.#records.length) this.clear();
    else if (this.#head >= COMPACT_AT && this.#head * 2 >= this.#records.length) {
      this.#records = this.#records.slice(this.#head);
      this.#head = 0;
    }
  }
}
