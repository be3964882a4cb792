/**
 * One standby task, as Kafka Streams' `StandbyTask`: the stores of one partition of one
 * sub-topology, opened without processors and kept warm from their changelog partitions
 * (by the `StandbyUpdater`). It lives in the same task folder an active task of that id
 * would, and writes the same `.checkpoint`, so when it is promoted the active task
 * restores only what was written to the changelog after the standby's last update.
 *
 * @example
 * ```ts
 * const standby = await StandbyTask.open({ id: '1_0', plan, applicationId, stateDirectory });
 * await standby.apply(changelogTopic, records, nextOffset);
 * await standby.checkpoint();
 * await standby.close();
 * ```
 */

import type { Registry } from 'prom-client';
import { isKstError } from '../../../common/errors.ts';
import { checkpointedOffset, type CheckpointOffset } from '../../../state/checkpoint.ts';
import { isRestorableStore, type RestorableStore, type RestoreRecord } from '../../../state/api/restorable.ts';
import type { StateStore } from '../../../state/api/state-store.ts';
import type { StateDirectory } from '../../../state/state-directory.ts';
import type { TopologyPlan } from '../../plan/topology-plan.ts';
import { parseTaskId } from '../assignment/index.ts';

export interface StandbyTaskOptions {
  /** `<subtopology>_<partition>`. */
  readonly id: string;
  readonly plan: TopologyPlan;
  readonly applicationId: string;
  readonly stateDirectory: StateDirectory;
  readonly metricsRegistry?: Registry;
}

/** One changelog partition the standby follows. */
export interface StandbyChangelog {
  readonly storeName: string;
  readonly store: StateStore & RestorableStore;
  readonly topic: string;
  readonly partition: number;
  /** The next changelog offset the store holds everything before; undefined: nothing yet (start from the log's beginning). */
  position: bigint | undefined;
  /** True when applied records have not been flushed and checkpointed yet. */
  dirty: boolean;
}

export class StandbyTask {
  readonly id: string;
  readonly partition: number;
  readonly stores: ReadonlyMap<string, StateStore>;
  readonly changelogs: readonly StandbyChangelog[];
  readonly #stateDirectory: StateDirectory;

  private constructor(id: string, partition: number, stores: ReadonlyMap<string, StateStore>, changelogs: StandbyChangelog[], stateDirectory: StateDirectory) {
    this.id = id;
    this.partition = partition;
    this.stores = stores;
    this.changelogs = changelogs;
    this.#stateDirectory = stateDirectory;
  }

  /**
   * Opens the task's stores from its folder. As for an active task, a folder without a
   * (readable) checkpoint is wiped first; persistent stores follow their changelog from
   * the checkpointed offset, in-memory ones from the beginning.
   */
  static async open(options: StandbyTaskOptions): Promise<StandbyTask> {
    const { id, plan, stateDirectory } = options;
    const taskId = parseTaskId(id);
    const subtopology = plan.subtopologies.find((s) => s.id === taskId.subtopology);
    let offsets: CheckpointOffset[] = [];
    try {
      offsets = await stateDirectory.checkpoint(id).read();
    } catch (error) {
      if (!isKstError(error, 'KST_STORE_CHECKPOINT_CORRUPT')) throw error;
    }
    if (offsets.length === 0) await stateDirectory.wipeTask(id);
    await stateDirectory.ensureTaskDir(id);
    const stores = new Map<string, StateStore>();
    const changelogs: StandbyChangelog[] = [];
    try {
      for (const name of subtopology?.stores ?? []) {
        const storePlan = plan.stores[name];
        if (storePlan?.changelogTopic === undefined) continue;
        const store = storePlan.builder.build();
        await store.init({
          applicationId: options.applicationId,
          stateDir: stateDirectory.taskDir(id),
          taskId: id,
          partition: taskId.partition,
          // A standby never writes: its changes come from the changelog.
          changelog: undefined,
          cacheMaxBytes: 0,
          ...(options.metricsRegistry === undefined ? {} : { metricsRegistry: options.metricsRegistry }),
        });
        stores.set(name, store);
        if (!isRestorableStore(store) || store.changelogTopic === undefined) continue;
        const topic = store.changelogTopic;
        const position = store.persistent ? checkpointedOffset(offsets, topic, taskId.partition) : undefined;
        changelogs.push({ storeName: name, store, topic, partition: taskId.partition, position, dirty: false });
      }
    } catch (error) {
      await Promise.all([...stores.values()].map((s) => s.close().catch(() => undefined)));
      throw error;
    }
    return new StandbyTask(id, taskId.partition, stores, changelogs, stateDirectory);
  }

  /** Applies one fetched batch of a changelog partition; `nextOffset` is where the reader stands after it. */
  async apply(changelog: StandbyChangelog, records: readonly RestoreRecord[], nextOffset: bigint | undefined): Promise<void> {
    if (records.length > 0) await changelog.store.restoreBatch(records);
    if (nextOffset !== undefined && nextOffset !== changelog.position) {
      changelog.position = nextOffset;
      changelog.dirty = true;
    }
  }

  /** Flushes and writes the checkpoint when something was applied since the last one; returns the offset sum. */
  async checkpoint(force = false): Promise<bigint> {
    if (force || this.changelogs.some((c) => c.dirty)) {
      for (const store of this.stores.values()) await store.flush();
      const offsets: CheckpointOffset[] = [];
      for (const c of this.changelogs) if (c.store.persistent && c.position !== undefined) offsets.push({ topic: c.topic, partition: c.partition, offset: c.position });
      if (offsets.length > 0) await this.#stateDirectory.checkpoint(this.id).write(offsets);
      for (const c of this.changelogs) c.dirty = false;
    }
    return this.offsetSum;
  }

  /** Sum of the persistent positions, what the assignor compares to pick the most caught-up owner. */
  get offsetSum(): bigint {
    let sum = 0n;
    for (const c of this.changelogs) if (c.store.persistent && c.position !== undefined) sum += c.position;
    return sum;
  }

  /** Checkpoints (when asked to) and closes the stores; returns the first error after closing all. */
  async close(options: { readonly checkpoint: boolean }): Promise<void> {
    let first: unknown = null;
    if (options.checkpoint) {
      try {
        await this.checkpoint(true);
      } catch (error) {
        first = error;
      }
    }
    for (const store of this.stores.values()) {
      try {
        await store.close();
      } catch (error) {
        first ??= error;
      }
    }
    if (first !== null) throw first;
  }
}
