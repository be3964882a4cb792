/**
 * Creates, restores, checkpoints and closes the active tasks of one stream thread, as
 * Kafka Streams' `ActiveTaskCreator` with the `ProcessorStateManager`'s checkpoint rules:
 *
 * - A task starts from its `.checkpoint`: persistent stores restore their changelog from
 *   the checkpointed offset, in-memory stores from the beginning. A task folder without a
 *   (readable) checkpoint is wiped first: its stores may hold anything.
 * - Under exactly_once_v2 each task has a store transaction (`TaskStoreTransaction`): its
 *   persistent stores keep their writes in memory until the thread's Kafka transaction
 *   commits, then write them, so the local state holds committed writes only. The
 *   checkpoint is kept, rewritten after commits once the changelogs moved
 *   `CHECKPOINT_DELTA` records past it, and at a clean close; after a crash the task
 *   restores only the changelogs' tail past it (replaying a changelog record the store
 *   already holds writes the same value again). A lost transaction drops the staged
 *   writes and keeps the folder. When a persistent store of the task does not take part
 *   (a user's bytes store), the task falls back to Kafka Streams' rule: the checkpoint is
 *   deleted once read and a dirty close wipes the folder, so a crash restores from scratch.
 * - Under at_least_once it is written after every commit.
 * - A checkpoint outside its changelog (`KST_TASK_CORRUPTED` from the restorer: the
 *   changelog was recreated, or retention passed it) wipes the task's folder, once, and
 *   the task is created again, restoring from the changelogs' beginning.
 *
 * @example
 * ```ts
 * const factory = new TaskFactory({ applicationId, plan, stateDirectory, exactlyOnce, collector, restorer, ... });
 * const task = await factory.create('0_3', partitions, new CacheBudget(cacheBytes));
 * await factory.close(task, { clean: true });
 * ```
 */

import type { Registry } from 'prom-client';
import { isKstError } from '../../../common/errors.ts';
import { NO_HEADERS } from '../../api/record.ts';
import type { StorePlan, TopologyPlan } from '../../plan/topology-plan.ts';
import type { TopicPartition } from '../../kafka/index.ts';
import { checkpointedOffset, type CheckpointOffset } from '../../../state/checkpoint.ts';
import { isRestorableStore } from '../../../state/api/restorable.ts';
import type { ChangelogWriter, RecordCacheBudget, StateStore, StateStoreContext } from '../../../state/api/state-store.ts';
import type { StateDirectory } from '../../../state/state-directory.ts';
import { TaskStoreTransaction } from '../../../state/task-store-transaction.ts';
import { parseTaskId } from '../assignment/index.ts';
import { reportStateWipe, type RestoreResult, type RestoreTarget } from '../restoration/index.ts';
import type { DeadLetterCallback, DeserializationExceptionHandler, ProcessingExceptionHandler } from '../exception-handlers.ts';
import { StreamTask } from '../stream-task.ts';
import type { KafkaRecordCollector } from './kafka-record-collector.ts';

/** What the thread needs of a restorer (the `ChangelogRestorer`, or a fake in tests). */
export interface Restorer {
  restore(targets: readonly RestoreTarget[]): Promise<ReadonlyMap<RestoreTarget, RestoreResult>>;
}

/**
 * Under exactly-once, a checkpoint is rewritten after a commit once the task's changelogs
 * moved this many records past it (Kafka Streams' `OFFSET_DELTA_THRESHOLD_FOR_CHECKPOINT`):
 * a crash then replays at most about this many records per changelog.
 */
export const CHECKPOINT_DELTA = 10_000n;

interface ChangelogPartition {
  readonly topic: string;
  readonly partition: number;
  readonly persistent: boolean;
  /**
   * How far the local state holds the changelog: where restoration ended, then, under a
   * store transaction, where the last committed transaction left it.
   */
  heldOffset: bigint | undefined;
  /** The offset in the checkpoint file, as this thread last wrote or read it. */
  checkpointed: bigint | undefined;
}

/** A task as the thread holds it. */
export interface ManagedTask {
  readonly id: string;
  readonly task: StreamTask;
  readonly partitions: readonly TopicPartition[];
  readonly changelogs: readonly ChangelogPartition[];
  /** Under exactly-once when every persistent store of the task takes part; else undefined. */
  readonly transaction: TaskStoreTransaction | undefined;
}

export interface TaskFactoryOptions {
  readonly applicationId: string;
  readonly plan: TopologyPlan;
  readonly stateDirectory: StateDirectory;
  readonly exactlyOnce: boolean;
  readonly collector: KafkaRecordCollector;
  readonly restorer: Restorer;
  readonly deserializationExceptionHandler: DeserializationExceptionHandler;
  readonly processingExceptionHandler: ProcessingExceptionHandler;
  readonly deadLetters: DeadLetterCallback;
  readonly metricsRegistry?: Registry;
  /** Where a wiped task is reported; console.warn by default. */
  readonly log?: (message: string, fields?: Readonly<Record<string, unknown>>) => void;
  /** The client's global stores (GlobalKTables), open before any task is created. */
  readonly globalStores?: ReadonlyMap<string, StateStore>;
}

export class TaskFactory {
  readonly #options: TaskFactoryOptions;
  readonly #changelog: ChangelogWriter;

  constructor(options: TaskFactoryOptions) {
    this.#options = options;
    const collector = options.collector;
    this.#changelog = { append: (topic, partition, key, value, timestamp) => collector.send(topic, partition, key, value, timestamp, NO_HEADERS) };
  }

  /** Builds the task, opens and restores its stores, starts its processors. */
  async create(id: string, partitions: readonly TopicPartition[], cache: RecordCacheBudget): Promise<ManagedTask> {
    try {
      return await this.#create(id, partitions, cache);
    } catch (error) {
      if (!isKstError(error, 'KST_TASK_CORRUPTED')) throw error;
      await this.#options.stateDirectory.wipeTask(id);
      const log = this.#options.log;
      reportStateWipe({
        registry: this.#options.metricsRegistry, applicationId: this.#options.applicationId, reason: 'task-corrupted', message: `${error.message}: wiped task ${id}'s state, restoring it from the changelogs`,
        ...(log === undefined ? {} : { log: (message: string) => log(message, { task: id }) }),
      });
      return this.#create(id, partitions, cache);
    }
  }

  async #create(id: string, partitions: readonly TopicPartition[], cache: RecordCacheBudget): Promise<ManagedTask> {
    const options = this.#options;
    const taskId = parseTaskId(id);
    const directory = options.stateDirectory;
    const checkpoint = directory.checkpoint(id);
    let offsets: CheckpointOffset[] = [];
    try {
      offsets = await checkpoint.read();
    } catch (error) {
      if (!isKstError(error, 'KST_STORE_CHECKPOINT_CORRUPT')) throw error;
    }
    if (offsets.length === 0) await directory.wipeTask(id);
    await directory.ensureTaskDir(id);
    const transaction = options.exactlyOnce ? new TaskStoreTransaction() : undefined;
    const task = new StreamTask({
      applicationId: options.applicationId,
      plan: options.plan,
      taskId,
      collector: options.collector,
      storeContext: (store) => this.#storeContext(store, id, taskId.partition, cache, transaction),
      deserializationExceptionHandler: options.deserializationExceptionHandler,
      processingExceptionHandler: options.processingExceptionHandler,
      deadLetters: options.deadLetters,
      ...(options.globalStores === undefined ? {} : { globalStores: options.globalStores }),
    });
    const changelogs: ChangelogPartition[] = [];
    let transactional: boolean;
    try {
      await task.initializeStores();
      const persistentStores = [...task.stores].filter(([, store]) => store.persistent).map(([name]) => name);
      transactional = transaction !== undefined && transaction.covers(persistentStores);
      if (options.exactlyOnce && !transactional) await checkpoint.delete();
      const targets: RestoreTarget[] = [];
      for (const [storeName, store] of task.stores) {
        if (!isRestorableStore(store) || store.changelogTopic === undefined) continue;
        const topic = store.changelogTopic;
        const startOffset = store.persistent ? checkpointedOffset(offsets, topic, taskId.partition) : undefined;
        targets.push({ taskId: id, storeName, store, topic, partition: taskId.partition, startOffset });
        changelogs.push({ topic, partition: taskId.partition, persistent: store.persistent, heldOffset: startOffset, checkpointed: transactional ? startOffset : undefined });
      }
      if (targets.length > 0) {
        const results = await options.restorer.restore(targets);
        targets.forEach((target, index) => {
          const result = results.get(target);
          if (result !== undefined) (changelogs[index] as ChangelogPartition).heldOffset = result.checkpointOffset;
        });
      }
      // Restored: from here on the stores keep their writes until the Kafka transaction commits.
      if (transactional) transaction?.begin();
      await task.initializeProcessors();
    } catch (error) {
      transaction?.abort();
      await task.close({ clean: false }).catch(() => undefined);
      throw error;
    }
    return { id, task, partitions, changelogs, transaction: transactional ? transaction : undefined };
  }

  /** Offsets of the task's persistent stores' changelogs, as far as the local state holds them. */
  checkpointOffsets(managed: ManagedTask): CheckpointOffset[] {
    const out: CheckpointOffset[] = [];
    for (const changelog of managed.changelogs) {
      if (!changelog.persistent) continue;
      // Under a store transaction the stores hold what the last commit left; the collector may be ahead.
      const offset = managed.transaction !== undefined ? changelog.heldOffset : (this.#options.collector.changelogOffset(changelog.topic, changelog.partition) ?? changelog.heldOffset);
      if (offset !== undefined) out.push({ topic: changelog.topic, partition: changelog.partition, offset });
    }
    return out;
  }

  /** Writes the checkpoint after a commit (at_least_once) or at a clean close. */
  async writeCheckpoint(managed: ManagedTask): Promise<bigint> {
    const offsets = this.checkpointOffsets(managed);
    if (offsets.length > 0) await this.#options.stateDirectory.checkpoint(managed.id).write(offsets);
    for (const changelog of managed.changelogs) {
      const written = checkpointedOffset(offsets, changelog.topic, changelog.partition);
      if (written !== undefined) changelog.checkpointed = written;
    }
    return offsets.reduce((sum, entry) => sum + entry.offset, 0n);
  }

  /**
   * Under exactly-once, after the thread's Kafka transaction committed: the task's staged
   * store writes go to disk, and the checkpoint follows once the changelogs moved
   * `CHECKPOINT_DELTA` records past it. Returns the checkpointed offset sum when written.
   */
  async commitStores(managed: ManagedTask): Promise<bigint | undefined> {
    const transaction = managed.transaction;
    if (transaction === undefined) return undefined;
    await transaction.commit();
    let moved = 0n;
    for (const changelog of managed.changelogs) {
      if (!changelog.persistent) continue;
      const offset = this.#options.collector.changelogOffset(changelog.topic, changelog.partition);
      if (offset !== undefined) changelog.heldOffset = offset;
      if (changelog.heldOffset !== undefined) moved += changelog.heldOffset - (changelog.checkpointed ?? 0n);
    }
    return moved >= CHECKPOINT_DELTA ? this.writeCheckpoint(managed) : undefined;
  }

  /**
   * Clean: flushes, closes, checkpoints (the caller committed first). Dirty: closes
   * without flushing; under exactly-once the folder is wiped, as the stores may hold
   * uncommitted writes. Returns the checkpointed offset sum, -1 when none.
   */
  async close(managed: ManagedTask, options: { readonly clean: boolean }): Promise<bigint> {
    const options_ = this.#options;
    let sum = -1n;
    try {
      // Whatever the stores staged since the last commit is not committed: dropped, not written.
      if (!options.clean) managed.transaction?.abort();
      await managed.task.close({ clean: options.clean });
      if (options.clean) sum = await this.writeCheckpoint(managed);
    } finally {
      for (const changelog of managed.changelogs) options_.collector.forgetChangelog(changelog.topic, changelog.partition);
      if (!options.clean && options_.exactlyOnce && managed.transaction === undefined) await options_.stateDirectory.wipeTask(managed.id);
    }
    return sum;
  }

  #storeContext(store: StorePlan, id: string, partition: number, cache: RecordCacheBudget, transaction: TaskStoreTransaction | undefined): StateStoreContext {
    const options = this.#options;
    return {
      applicationId: options.applicationId,
      stateDir: options.stateDirectory.taskDir(id),
      taskId: id,
      partition,
      changelog: store.changelogTopic === undefined ? undefined : this.#changelog,
      cacheMaxBytes: cache.maxBytes,
      cacheBudget: cache,
      ...(options.metricsRegistry === undefined ? {} : { metricsRegistry: options.metricsRegistry }),
      ...(transaction === undefined ? {} : { transaction }),
    };
  }
}
