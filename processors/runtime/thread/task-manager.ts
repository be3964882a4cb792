/**
 * The active tasks of one stream thread, as Kafka Streams' `TaskManager`: it turns an
 * assignment into running tasks, routes each polled batch to its tasks by (topic,
 * partition) and runs one `processBatch` per task (never one await per record), fires
 * wall-clock punctuators, and keeps the bookkeeping commits need: which offsets to
 * commit, and where each input partition must be rewound to when a transaction is lost.
 *
 * @example
 * ```ts
 * await manager.assign(assignment.activeTasks);
 * await manager.process(batch.records);
 * await manager.punctuate(Date.now());
 * await manager.flush();
 * const offsets = manager.committableOffsets();
 * ```
 */

import type { KafkaRecord, TopicPartition, TopicPartitionOffset } from '../../kafka/index.ts';
import type { TaskId } from '../../api/processor.ts';
import { parseTaskId } from '../assignment/index.ts';
import type { ManagedTask, TaskFactory } from './task-factory.ts';
import { mergeByTimestamp } from './record-order.ts';

interface Route {
  readonly task: ManagedTask;
  /** Where this partition's input stands at the last commit (or the first record seen since assignment). */
  readonly rewind: { offset: bigint | undefined };
}

export interface TaskManagerOptions {
  readonly factory: TaskFactory;
  /** The thread's share of `cache.max.bytes.buffering`, split among its stores. */
  readonly cacheMaxBytes: number;
  /** Records per store name, to split the cache. */
  readonly storesPerTask: (taskId: TaskId) => number;
}

export class TaskManager {
  readonly #options: TaskManagerOptions;
  readonly #tasks = new Map<string, ManagedTask>();
  /** topic → partition → route; arrays because partitions are small dense integers. */
  readonly #routes = new Map<string, Array<Route | undefined>>();
  /** Survives re-creating tasks after a lost transaction, cleared by revocation. */
  readonly #rewind = new Map<string, { offset: bigint | undefined }>();
  #assignment: ReadonlyMap<string, readonly TopicPartition[]> = new Map();
  /** Offset sums of the checkpoints this thread wrote, for the assignor's stickiness. */
  readonly offsetSums = new Map<string, bigint>();

  constructor(options: TaskManagerOptions) {
    this.#options = options;
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
    let stores = 0;
    for (const id of activeTasks.keys()) stores += this.#options.storesPerTask(parseTaskId(id));
    const perStore = Math.floor(this.#options.cacheMaxBytes / Math.max(1, stores));
    for (const [id, partitions] of activeTasks) {
      const managed = await this.#options.factory.create(id, partitions, perStore);
      this.#tasks.set(id, managed);
      for (const tp of partitions) this.#route(tp, managed);
    }
  }

  /** Processes one slice of a polled batch (the thread slices by `max.poll.records` and commits between slices). */
  async process(records: readonly KafkaRecord[]): Promise<number> {
    // Group by task, remembering per task whether its records came from several partitions.
    const byTask = new Map<ManagedTask, { records: KafkaRecord[]; partitions: Map<Route, KafkaRecord[]> | undefined; first: Route }>();
    let routed = 0;
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as KafkaRecord;
      const route = this.#routes.get(record.topic)?.[record.partition];
      if (route === undefined) continue;
      if (route.rewind.offset === undefined) route.rewind.offset = record.offset;
      routed++;
      let group = byTask.get(route.task);
      if (group === undefined) {
        group = { records: [], partitions: undefined, first: route };
        byTask.set(route.task, group);
      }
      group.records.push(record);
      if (group.partitions !== undefined || route !== group.first) {
        if (group.partitions === undefined) group.partitions = new Map([[group.first, group.records.slice(0, -1)]]);
        const list = group.partitions.get(route);
        if (list === undefined) group.partitions.set(route, [record]);
        else list.push(record);
      }
    }
    for (const [managed, group] of byTask) {
      // Across partitions, the lowest timestamp goes first, as Kafka Streams' PartitionGroup.
      const ordered = group.partitions === undefined ? group.records : mergeByTimestamp([...group.partitions.values()]);
      const result = managed.task.processBatch(ordered);
      if (result !== undefined) await result;
    }
    return routed;
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
   * What to commit: each task's progress and, once a fetch has been fully processed, the
   * consumer's position where it stands past the last record (transaction markers or
   * aborted records follow it). Committing that position lets the group's lag reach zero
   * on transactional input, as Kafka Streams does (KAFKA-6607).
   */
  offsetsToCommit(drainedPositions: readonly TopicPartitionOffset[] | undefined): TopicPartitionOffset[] {
    const offsets = this.committableOffsets();
    if (drainedPositions === undefined) return offsets;
    const byPartition = new Map(offsets.map((offset) => [`${offset.topic}\u0000${offset.partition}`, offset]));
    for (const position of drainedPositions) {
      const route = this.#routes.get(position.topic)?.[position.partition];
      if (route === undefined) continue;
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

  /** After a successful commit: the offsets become the rewind points; at_least_once checkpoints. */
  async postCommit(committed: readonly TopicPartitionOffset[], checkpoint: boolean): Promise<void> {
    for (const { topic, partition, offset } of committed) {
      const point = this.#rewind.get(`${topic}\u0000${partition}`);
      if (point !== undefined) point.offset = offset;
    }
    for (const managed of this.#tasks.values()) {
      const needed = managed.task.commitNeeded;
      managed.task.postCommit();
      if (checkpoint && needed) this.offsetSums.set(managed.id, await this.#options.factory.writeCheckpoint(managed));
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
    if (options.keepRewind !== true) {
      this.#rewind.clear();
      this.#assignment = new Map();
    }
    if (first !== null) throw first;
  }

  /** After a lost transaction: drop the tasks dirty and build them again from their changelogs. */
  async recreate(): Promise<void> {
    const assignment = this.#assignment;
    await this.closeAll({ clean: false, keepRewind: true }).catch(() => undefined);
    await this.assign(assignment);
  }

  #route(tp: TopicPartition, task: ManagedTask): void {
    let byPartition = this.#routes.get(tp.topic);
    if (byPartition === undefined) this.#routes.set(tp.topic, (byPartition = []));
    const key = `${tp.topic}\u0000${tp.partition}`;
    let rewind = this.#rewind.get(key);
    if (rewind === undefined) this.#rewind.set(key, (rewind = { offset: undefined }));
    byPartition[tp.partition] = { task, rewind };
  }
}
