/**
 * The input buffer of one task, as Kafka Streams' `PartitionGroup`: one `RecordQueue` per
 * input partition, and the rule that decides what the task may process now.
 *
 * Records go lowest head timestamp first across the task's partitions, so a join sees
 * both sides in time order. That order only holds if no partition is missing: while a
 * partition's queue is empty, the task waits — unless the partition is known to be
 * caught up (the consumer's known lag is 0) and `max.task.idle.ms` has passed since it
 * was first seen empty and caught up. A partition whose lag is unknown or above 0 has
 * data on the broker that may be older than what is buffered, so the task always waits
 * for it (with `max.task.idle.ms` = 0 too). Processing with an empty partition is
 * "enforced processing" and counted. With `max.task.idle.ms` = -1 the task never waits.
 *
 * `take` returns the longest run that may be processed now, in that order, so the task
 * keeps getting batches (its store prefetch works per batch).
 *
 * @example
 * ```ts
 * const group = new PartitionGroup(partitions, { maxTaskIdleMs: 0, lagOf: (tp) => consumer.currentLag(tp) });
 * group.queue(record.topic, record.partition)?.push(record);
 * const batch = group.take(Date.now(), 1000); // [] when the task must wait
 * ```
 */

import type { KafkaRecord, TopicPartition } from '../../kafka/index.ts';
import { RecordQueue } from './record-queue.ts';

/** `max.task.idle.ms` value that turns waiting off. */
export const MAX_TASK_IDLE_DISABLED = -1;

export interface PartitionGroupOptions {
  /** `max.task.idle.ms`: how long to wait for a caught-up, empty partition; -1 never waits. */
  readonly maxTaskIdleMs: number;
  /** The consumer's known lag of a partition; undefined while not known. */
  readonly lagOf: (partition: TopicPartition) => bigint | undefined;
}

const WAIT = 0;
const READY = 1;
const ENFORCED = 2;
type Readiness = typeof WAIT | typeof READY | typeof ENFORCED;

export class PartitionGroup {
  readonly queues: readonly RecordQueue[];
  readonly #options: PartitionGroupOptions;
  /** Per queue: wall-clock time after which an empty, caught-up partition no longer holds the task back. */
  readonly #idleDeadlines: (number | undefined)[];
  #enforced = 0;

  constructor(partitions: readonly TopicPartition[], options: PartitionGroupOptions) {
    this.queues = partitions.map((tp) => new RecordQueue(tp));
    this.#options = options;
    this.#idleDeadlines = new Array<number | undefined>(partitions.length).fill(undefined);
  }

  /** Records processed while some partition of the task had nothing buffered (Kafka Streams' enforced-processing-total). */
  get enforcedProcessing(): number {
    return this.#enforced;
  }

  get buffered(): number {
    let total = 0;
    for (const queue of this.queues) total += queue.size;
    return total;
  }

  queue(topic: string, partition: number): RecordQueue | undefined {
    for (const queue of this.queues) if (queue.partition === partition && queue.topic === topic) return queue;
    return undefined;
  }

  /**
   * Takes up to `max` records that may be processed now, lowest timestamp first across the
   * partitions (ties: the partition listed first), each partition in offset order. Empty
   * when the task must wait.
   */
  take(nowMs: number, max: number): KafkaRecord[] {
    const queues = this.queues;
    if (queues.length === 1) {
      const only = queues[0] as RecordQueue;
      return only.isEmpty ? [] : only.take(Math.min(max, only.size));
    }
    let out: KafkaRecord[] | undefined;
    let taken = 0;
    while (taken < max) {
      const readiness = this.#readiness(nowMs);
      if (readiness === WAIT) break;
      let best = -1;
      let bestTime = 0n;
      for (let i = 0; i < queues.length; i++) {
        const queue = queues[i] as RecordQueue;
        if (queue.isEmpty) continue;
        const time = queue.headTimestamp();
        if (best < 0 || time < bestTime) {
          best = i;
          bestTime = time;
        }
      }
      if (best < 0) break;
      // The run ends where another partition's head would go first.
      let bound: bigint | undefined;
      let boundIndex = -1;
      for (let i = 0; i < queues.length; i++) {
        const queue = queues[i] as RecordQueue;
        if (i === best || queue.isEmpty) continue;
        const time = queue.headTimestamp();
        if (bound === undefined || time < bound) {
          bound = time;
          boundIndex = i;
        }
      }
      const queue = queues[best] as RecordQueue;
      const count = queue.runBelow(bound, best < boundIndex, max - taken);
      // Nothing else could follow this run: hand it over without copying.
      if (out === undefined && (count === max || (count === queue.size && this.#othersEmpty(best)))) {
        if (readiness === ENFORCED) this.#enforced += count;
        return queue.take(count);
      }
      out ??= [];
      queue.takeInto(out, count);
      taken += count;
      if (readiness === ENFORCED) this.#enforced += count;
    }
    return out ?? [];
  }

  /** Drops every buffered record. */
  clear(): void {
    for (const queue of this.queues) queue.clear();
    this.#idleDeadlines.fill(undefined);
  }

  #othersEmpty(index: number): boolean {
    for (let i = 0; i < this.queues.length; i++) if (i !== index && !(this.queues[i] as RecordQueue).isEmpty) return false;
    return true;
  }

  #readiness(nowMs: number): Readiness {
    const queues = this.queues;
    const idleMs = this.#options.maxTaskIdleMs;
    let queued = false;
    let enforced = false;
    for (let i = 0; i < queues.length; i++) {
      const queue = queues[i] as RecordQueue;
      if (!queue.isEmpty) {
        this.#idleDeadlines[i] = undefined;
        queued = true;
        continue;
      }
      if (idleMs === MAX_TASK_IDLE_DISABLED) continue;
      const lag = this.#options.lagOf(queue.topicPartition);
      if (lag === undefined || lag > 0n) {
        // Data on the broker (or not known yet) that may be older than what is buffered.
        this.#idleDeadlines[i] = undefined;
        return WAIT;
      }
      const deadline = (this.#idleDeadlines[i] ??= nowMs + idleMs);
      if (nowMs < deadline) return WAIT;
      enforced = true;
    }
    if (!queued) return WAIT;
    return enforced ? ENFORCED : READY;
  }
}
