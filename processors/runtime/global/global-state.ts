/**
 * The global stores of one client and the tasks that feed them, as Kafka Streams'
 * `GlobalStateManager` with its `GlobalStateUpdateTask`: each `GlobalStorePlan` runs as a
 * task of its own (its source, then its processor, which writes the store), over every
 * partition of its topic. The stores live in `<state.dir>/<application.id>/global/`
 * with one `.checkpoint` for all of them: the next offset of each source partition that
 * the persistent stores hold.
 *
 * Records go through the processor both while restoring and afterwards, so a store
 * always holds what its processor makes of the topic (a timestamped table keeps the
 * record timestamps), never the topic's raw bytes.
 *
 * @example
 * ```ts
 * const state = new GlobalState({ applicationId, plan, stateDir });
 * const checkpointed = await state.open(); // stores open, checkpoint read
 * await state.process(records);
 * await state.flush();
 * await state.checkpoint(positions);
 * ```
 */

import { join } from 'node:path';
import { mkdir, rm } from 'node:fs/promises';
import type { Registry } from 'prom-client';
import { KstError, isKstError } from '../../../common/errors.ts';
import { CHECKPOINT_FILE, OffsetCheckpoint, type CheckpointOffset } from '../../../state/checkpoint.ts';
import type { StateStore, StateStoreContext } from '../../../state/api/state-store.ts';
import { StateDirectory } from '../../../state/state-directory.ts';
import type { KafkaRecord, TopicPartition } from '../../kafka/index.ts';
import type { GlobalStorePlan, TopologyPlan } from '../../plan/topology-plan.ts';
import { GLOBAL_SUBTOPOLOGY_BASE, globalStoreTaskPlan } from './global-task-plan.ts';
import type { RecordCollector } from '../record-collector.ts';
import { StreamTask } from '../stream-task.ts';

/** The folder of global stores under `<state.dir>/<application.id>`, as Kafka Streams names it. */
export const GLOBAL_STATE_FOLDER = 'global';

export interface GlobalStateOptions {
  readonly applicationId: string;
  readonly plan: TopologyPlan;
  readonly stateDir: string;
  /**
   * The folder under `<state.dir>/<application.id>`; `global` by default. The copy a
   * stream thread on a worker keeps of the global stores has its own (see
   * `processors/client/worker.ts`).
   */
  readonly folderName?: string;
  readonly metricsRegistry?: Registry;
}

/** One global store with its task and the topic feeding it. */
export interface GlobalStoreTask {
  readonly storeName: string;
  readonly topic: string;
  readonly task: StreamTask;
  readonly store: StateStore;
}

/** A global processor only writes its store: output has nowhere to go. */
const NO_OUTPUT: RecordCollector = {
  send(topic) {
    throw new KstError('KST_TOPOLOGY_PLAN_INVALID', `a global store processor tried to send a record to "${topic}"; global processors only update their store`, { topic });
  },
  partitionsFor: () => 1,
};

export class GlobalState {
  readonly folder: string;
  readonly tasks: readonly GlobalStoreTask[];
  readonly #byTopic = new Map<string, GlobalStoreTask>();
  readonly #checkpoint: OffsetCheckpoint;
  readonly #options: GlobalStateOptions;

  constructor(options: GlobalStateOptions) {
    this.#options = options;
    this.folder = join(new StateDirectory(options.stateDir, options.applicationId).root, options.folderName ?? GLOBAL_STATE_FOLDER);
    this.#checkpoint = new OffsetCheckpoint(join(this.folder, CHECKPOINT_FILE));
    this.tasks = options.plan.globalStores.map((global, index) => this.#task(global, index));
    for (const task of this.tasks) {
      const other = this.#byTopic.get(task.topic);
      if (other !== undefined) throw new KstError('KST_TOPOLOGY_PLAN_INVALID', `topic "${task.topic}" feeds two global stores, "${other.storeName}" and "${task.storeName}"`, { topic: task.topic });
      this.#byTopic.set(task.topic, task);
    }
  }

  /** Global stores by name, for the stream tasks' processors and for queries. */
  get stores(): ReadonlyMap<string, StateStore> {
    return new Map(this.tasks.map((t) => [t.storeName, t.store]));
  }

  get topics(): readonly string[] {
    return this.tasks.map((t) => t.topic);
  }

  /**
   * Reads the checkpoint and opens every store. Without a (readable) checkpoint the
   * folder is wiped first, as a task's is: its stores may hold anything. Returns the
   * offset to start each persistent store's partitions from (others start from the beginning).
   */
  async open(): Promise<readonly CheckpointOffset[]> {
    const offsets = await this.readCheckpoint();
    if (offsets.length === 0) await this.wipe();
    await mkdir(this.folder, { recursive: true });
    const opened: GlobalStoreTask[] = [];
    try {
      for (const task of this.tasks) {
        await task.task.initializeStores();
        opened.push(task);
      }
      for (const task of this.tasks) await task.task.initializeProcessors();
    } catch (error) {
      await Promise.all(opened.map((t) => t.task.close({ clean: false }).catch(() => undefined)));
      throw error;
    }
    const persistent = new Set(this.tasks.filter((t) => t.store.persistent).map((t) => t.topic));
    return offsets.filter((o) => persistent.has(o.topic));
  }

  /** The checkpointed positions; empty when there is none, or one that does not parse. */
  async readCheckpoint(): Promise<CheckpointOffset[]> {
    try {
      return await this.#checkpoint.read();
    } catch (error) {
      if (!isKstError(error, 'KST_STORE_CHECKPOINT_CORRUPT')) throw error;
      return [];
    }
  }

  /** Deletes the stores' folder (before `open`): they start from nothing. */
  async wipe(): Promise<void> {
    await rm(this.folder, { recursive: true, force: true, maxRetries: 3 });
  }

  /** True when the topic's store keeps its data on disk, so its positions are checkpointed. */
  persistent(topic: string): boolean {
    return this.#byTopic.get(topic)?.store.persistent === true;
  }

  /** Runs a fetched batch through the global processors: one `processBatch` per store. */
  async process(records: readonly KafkaRecord[]): Promise<void> {
    if (records.length === 0) return;
    if (this.tasks.length === 1) {
      const only = this.tasks[0] as GlobalStoreTask;
      const result = only.task.processBatch(records);
      if (result !== undefined) await result;
      return;
    }
    const byTask = new Map<GlobalStoreTask, KafkaRecord[]>();
    for (const record of records) {
      const task = this.#byTopic.get(record.topic);
      if (task === undefined) continue;
      const list = byTask.get(task);
      if (list === undefined) byTask.set(task, [record]);
      else list.push(record);
    }
    for (const [task, list] of byTask) {
      const result = task.task.processBatch(list);
      if (result !== undefined) await result;
    }
  }

  async flush(): Promise<void> {
    for (const task of this.tasks) await task.task.flush();
  }

  /** Writes the positions of the persistent stores' partitions (after `flush`). */
  async checkpoint(positions: ReadonlyArray<TopicPartition & { readonly offset: bigint }>): Promise<void> {
    const offsets = positions.filter((p) => this.persistent(p.topic)).map(({ topic, partition, offset }) => ({ topic, partition, offset }));
    if (offsets.length > 0) await this.#checkpoint.write(offsets);
  }

  /** Closes every task; a clean close flushes first. Returns the first error after trying all. */
  async close(clean: boolean): Promise<void> {
    let first: unknown = null;
    for (const task of this.tasks) {
      try {
        await task.task.close({ clean });
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== null) throw first;
  }

  #task(global: GlobalStorePlan, index: number): GlobalStoreTask {
    const options = this.#options;
    const topic = global.source.topics[0];
    if (topic === undefined || global.source.topics.length !== 1) {
      throw new KstError('KST_TOPOLOGY_PLAN_INVALID', `global store "${global.store.name}" must read exactly one topic (reads ${global.source.topics.length})`, { store: global.store.name });
    }
    const task = new StreamTask({
      applicationId: options.applicationId,
      plan: globalStoreTaskPlan(global, index),
      taskId: { subtopology: GLOBAL_SUBTOPOLOGY_BASE + index, partition: 0 },
      collector: NO_OUTPUT,
      storeContext: (): StateStoreContext => ({
        applicationId: options.applicationId,
        stateDir: this.folder,
        taskId: GLOBAL_STATE_FOLDER,
        partition: 0,
        // The topic is the store's changelog: nothing is logged again.
        changelog: undefined,
        ...(options.metricsRegistry === undefined ? {} : { metricsRegistry: options.metricsRegistry }),
      }),
    });
    const store = task.stores.get(global.store.name);
    if (store === undefined) throw new KstError('KST_TOPOLOGY_PLAN_INVALID', `global store "${global.store.name}" was not built`, { store: global.store.name });
    return { storeName: global.store.name, topic, task, store };
  }
}
