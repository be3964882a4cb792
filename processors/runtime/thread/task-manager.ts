/**
 * The active tasks of one stream thread, as Kafka Streams' `TaskManager`: it turns an
 * assignment into running tasks, routes each polled batch into the tasks' input buffers
 * (one `PartitionGroup` per task) and runs one `processBatch` per task and round (never
 * one await per record), fires wall-clock punctuators, and keeps the bookkeeping commits
 * need: which offsets to commit, and where each input partition must be rewound to when
 * a transaction is lost.
 *
 * Buffered records are not processed yet, so commits never cover them: a partition's
 * consumer position is committed only once its buffer is empty. A partition whose buffer
 * holds more than `buffered.records.per.partition` records is paused at the consumer
 * until the task has worked it down.
 *
 * @example
 * ```ts
 * await manager.assign(assignment.activeTasks);
 * manager.addRecords(batch.records);
 * while ((await manager.process(1000, Date.now())) === 1000) { ... }
 * await manager.punctuate(Date.now());
 * await manager.flush();
 * const offsets = manager.offsetsToCommit(consumer.positions());
 * ```
 */

import type { KafkaRecord, TopicPartition, TopicPartitionOffset } from '../../kafka/index.ts';
import type { TaskId } from '../../api/processor.ts';
import type { ManagedTask, TaskFactory } from './task-factory.ts';
import { CacheBudget } from '../../../state/internals/cache-budget.ts';
import { PartitionGroup } from './partition-group.ts';
import type { RecordQueue } from './record-queue.ts';

interface Route {
  readonly task: ManagedTask;
  readonly group: PartitionGroup;
  readonly queue: RecordQueue;
  /** Where this partition's input stands at the last commit (or the first record seen since assignment). */
  readonly rewind: { offset: bigint | undefined };
}

/** What the task manager needs of the consumer: known lags, and pausing partitions whose buffer is full. */
export interface InputControl {
  currentLag(partition: TopicPartition): bigint | undefined;
  pause(partitions: readonly TopicPartition[]): void;
  resume(partitions: readonly TopicPartition[]): void;
}

export interface TaskManagerOptions {
  readonly factory: TaskFactory;
  /** The thread's share of `cache.max.bytes.buffering`, one budget shared by all its tasks' caching stores. */
  readonly cacheMaxBytes: number;
  readonly input: InputControl;
  /** `max.task.idle.ms`. */
  readonly maxTaskIdleMs: number;
  /** `buffered.records.per.partition`: above it, fetching the partition pauses. */
  readonly maxBufferedPerPartition: number;
}

export class TaskManager {
  readonly #options: TaskManagerOptions;
  readonly #tasks = new Map<string, ManagedTask>();
  /** topic → partition → route; arrays because partitions are small dense integers. */
  readonly #routes = new Map<string, Array<Route | undefined>>();
  /** Survives re-creating tasks after a lost transaction, cleared by revocation. */
  readonly #rewind = new Map<string, { offset: bigint | undefined }>();
  #assignment: ReadonlyMap<string, readonly TopicPartition[]> = new Map();
  /** The tasks with their input buffers, in assignment order, processed one after the other. */
  #ordered: Array<{ readonly managed: ManagedTask; readonly group: PartitionGroup }> = [];
  /** The task that has the thread (index into `#ordered`). */
  #next = 0;
  /** Offset sums of the checkpoints this thread wrote, for the assignor's stickiness. */
  readonly offsetSums = new Map<string, bigint>();

  /** The thread's record cache (Kafka Streams' `ThreadCache`): closed stores give their bytes back. */
  readonly #cache: CacheBudget;

  constructor(options: TaskManagerOptions) {
    this.#options = options;
    this.#cache = new CacheBudget(options.cacheMaxBytes);
  }

  get tasks(): ReadonlyMap<string, ManagedTask> {
    return this.#tasks;
  }

  get taskIds(): TaskId[] {
    return [...this.#tasks.values()].map((t) => t.task.id);
  }

  /** Creates and restores the assigned tasks (the thread closed the previous ones on revocation). */
  async assign(activeTasks: ReadonlyMap<string, readonly TopicPartition[]>): Promise<void> {
    this.#assignment = activeTasks;
    for (const [id, partitions] of activeTasks) {
      const managed = await this.#options.factory.create(id, partitions, this.#cache);
      this.#tasks.set(id, managed);
      const input = this.#options.input;
      const group = new PartitionGroup(partitions, { maxTaskIdleMs: this.#options.maxTaskIdleMs, lagOf: (tp) => input.currentLag(tp) });
      this.#ordered.push({ managed, group });
      for (const queue of group.queues) this.#route(queue, managed, group);
    }
  }

  /** Buffers polled records in their tasks' queues; a partition over its bound stops being fetched. */
  addRecords(records: readonly KafkaRecord[]): void {
    let last: Route | undefined;
    let full: TopicPartition[] | undefined;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as KafkaRecord;
      // A fetch holds runs of one partition: look the route up once per run.
      let route = last;
      if (route === undefined || route.queue.partition !== record.partition || route.queue.topic !== record.topic) {
        if (route !== undefined) full = this.#checkFull(route, full);
        route = this.#routes.get(record.topic)?.[record.partition];
        last = route;
        if (route === undefined) continue;
      }
      if (route.rewind.offset === undefined) route.rewind.offset = record.offset;
      route.queue.push(record);
    }
    if (last !== undefined) full = this.#checkFull(last, full);
    if (full !== undefined) this.#options.input.pause(full);
  }

  /**
   * Processes up to about `max` buffered records that their tasks may process now (see
   * `PartitionGroup`); the thread commits between calls. Returns how many were processed:
   * fewer than `max` means nothing more is processable now.
   *
   * A task keeps the thread until it has nothing processable left, then the next one
   * follows — as in Kafka Streams, whose consumer hands out the fetched records of one
   * partition at a time. So a commit interval's work falls on few tasks, and only those
   * flush their caches at the commit: interleaving every task in every interval made each
   * cached (windowed) key reach the changelog and the output several times more often.
   * No task waits for more than one round: the thread polls only once every task's
   * buffered records are processed.
   */
  async process(max: number, nowMs: number): Promise<number> {
    const tasks = this.#ordered;
    let processed = 0;
    for (let idle = 0; idle < tasks.length && processed < max;) {
      const entry = tasks[this.#next % tasks.length] as { readonly managed: ManagedTask; readonly group: PartitionGroup };
      const batch = entry.group.take(nowMs, max - processed);
      if (batch.length === 0) {
        this.#next = (this.#next + 1) % tasks.length;
        idle++;
        continue;
      }
      idle = 0;
      processed += batch.length;
      const result = entry.managed.task.processBatch(batch);
      if (result !== undefined) await result;
      this.#resumeDrained(entry.group);
    }
    return processed;
  }

  /** Records processed while a task had an empty input partition, per task id. */
  enforcedProcessing(): Array<readonly [string, number]> {
    return this.#ordered.map((entry) => [entry.managed.id, entry.group.enforcedProcessing] as const);
  }

  /** Fires wall-clock punctuators that are due; stream-time ones fire while processing. */
  async punctuate(nowMs: number): Promise<void> {
    for (const managed of this.#tasks.values()) {
      const result = managed.task.maybePunctuateWallClock(nowMs);
      if (result instanceof Promise) await result;
    }
  }

  get commitNeeded(): boolean {
    for (const managed of this.#tasks.values()) if (managed.task.commitNeeded) return true;
    return false;
  }

  get commitRequested(): boolean {
    for (const managed of this.#tasks.values()) if (managed.task.commitRequested) return true;
    return false;
  }

  /** Flushes the stores of tasks with work since the last commit (changelog and cache output go to the collector). */
  async flush(): Promise<void> {
    for (const managed of this.#tasks.values()) if (managed.task.commitNeeded) await managed.task.flush();
  }

  committableOffsets(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const managed of this.#tasks.values()) for (const offset of managed.task.committableOffsets()) out.push(offset);
    return out;
  }

  /**
   * What to commit: each task's progress and, for a partition whose buffer is empty (all
   * it fetched is processed), the consumer's position where it stands past the last record
   * (transaction markers or aborted records follow it). Committing that position lets the
   * group's lag reach zero on transactional input, as Kafka Streams does (KAFKA-6607).
   * Never past a buffered record: it is not processed yet.
   */
  offsetsToCommit(positions: readonly TopicPartitionOffset[]): TopicPartitionOffset[] {
    const offsets = this.committableOffsets();
    const byPartition = new Map(offsets.map((offset) => [`${offset.topic}\u0000${offset.partition}`, offset]));
    for (const position of positions) {
      const route = this.#routes.get(position.topic)?.[position.partition];
      if (route === undefined || !route.queue.isEmpty) continue;
      const key = `${position.topic}\u0000${position.partition}`;
      const known = byPartition.get(key)?.offset ?? route.rewind.offset;
      if (known !== undefined && position.offset > known) byPartition.set(key, { topic: position.topic, partition: position.partition, offset: position.offset });
    }
    return [...byPartition.values()];
  }

  /** True when an offset goes past what was last committed for its partition. */
  advancesCommitted(offsets: readonly TopicPartitionOffset[]): boolean {
    return offsets.some((offset) => {
      const point = this.#rewind.get(`${offset.topic}\u0000${offset.partition}`);
      return point?.offset !== undefined && offset.offset > point.offset;
    });
  }

  /**
   * After a successful commit: the offsets become the rewind points; at_least_once
   * checkpoints; under exactly-once the tasks' staged store writes go to disk.
   */
  async postCommit(committed: readonly TopicPartitionOffset[], checkpoint: boolean): Promise<void> {
    for (const { topic, partition, offset } of committed) {
      const point = this.#rewind.get(`${topic}\u0000${partition}`);
      if (point !== undefined) point.offset = offset;
    }
    const factory = this.#options.factory;
    for (const managed of this.#tasks.values()) {
      const needed = managed.task.commitNeeded;
      managed.task.postCommit();
      if (checkpoint) {
        if (needed) this.offsetSums.set(managed.id, await factory.writeCheckpoint(managed));
      } else if (managed.transaction !== undefined) {
        const sum = await factory.commitStores(managed);
        if (sum !== undefined) this.offsetSums.set(managed.id, sum);
      }
    }
  }

  /** Where each input partition must be read again from to redo the work since the last commit. */
  rewindPoints(): TopicPartitionOffset[] {
    const out: TopicPartitionOffset[] = [];
    for (const [key, point] of this.#rewind) {
      if (point.offset === undefined) continue;
      const [topic, partition] = key.split('\u0000') as [string, string];
      out.push({ topic, partition: Number(partition), offset: point.offset });
    }
    return out;
  }

  /**
   * Closes every task. Clean after a commit (checkpoints written); dirty after a failure.
   * Returns the first error, after trying every task.
   */
  async closeAll(options: { readonly clean: boolean; readonly keepRewind?: boolean }): Promise<void> {
    let first: unknown = null;
    for (const managed of this.#tasks.values()) {
      try {
        const sum = await this.#options.factory.close(managed, options);
        if (sum >= 0n) this.offsetSums.set(managed.id, sum);
        else this.offsetSums.delete(managed.id);
      } catch (error) {
        first ??= error;
      }
    }
    this.#tasks.clear();
    this.#routes.clear();
    // Buffered records go with their tasks: they are fetched again from the committed offsets.
    for (const entry of this.#ordered) entry.group.clear();
    this.#ordered = [];
    if (options.keepRewind !== true) {
      this.#rewind.clear();
      this.#assignment = new Map();
    }
    if (first !== null) throw first;
  }

  /** After a lost transaction: drop the tasks dirty and build them again from their changelogs. */
  async recreate(): Promise<void> {
    const assignment = this.#assignment;
    // The consumer still owns these partitions and would keep them paused for the new, empty buffers.
    const paused = this.#ordered.flatMap((entry) => entry.group.queues.filter((queue) => queue.paused).map((queue) => queue.topicPartition));
    await this.closeAll({ clean: false, keepRewind: true }).catch(() => undefined);
    if (paused.length > 0) this.#options.input.resume(paused);
    await this.assign(assignment);
  }

  #route(queue: RecordQueue, task: ManagedTask, group: PartitionGroup): void {
    let byPartition = this.#routes.get(queue.topic);
    if (byPartition === undefined) this.#routes.set(queue.topic, (byPartition = []));
    const key = `${queue.topic}\u0000${queue.partition}`;
    let rewind = this.#rewind.get(key);
    if (rewind === undefined) this.#rewind.set(key, (rewind = { offset: undefined }));
    byPartition[queue.partition] = { task, group, queue, rewind };
  }

  #checkFull(route: Route, full: TopicPartition[] | undefined): TopicPartition[] | undefined {
    const queue = route.queue;
    if (queue.paused || queue.size <= this.#options.maxBufferedPerPartition) return full;
    queue.paused = true;
    (full ??= []).push(queue.topicPartition);
    return full;
  }

  #resumeDrained(group: PartitionGroup): void {
    let drained: TopicPartition[] | undefined;
    for (const queue of group.queues) {
      if (!queue.paused || queue.size > this.#options.maxBufferedPerPartition) continue;
      queue.paused = false;
      (drained ??= []).push(queue.topicPartition);
    }
    if (drained !== undefined) this.#options.input.resume(drained);
  }
}
