/**
 * What interactive queries and lag reports see of one stream thread, as Kafka Streams'
 * `StreamThreadStateStoreProvider`: the stores of its active tasks (processing once the
 * task runs) and of its standby tasks, by store name, and how far each store's changelog
 * partition is applied.
 *
 * Lags follow `KafkaStreams.allLocalStorePartitionLags()`: a running active task is
 * caught up by definition (its position is the end, lag 0); a standby's position is the
 * next changelog offset it has applied.
 *
 * @example
 * ```ts
 * const view = new ThreadStores(() => manager.tasks.values(), standbys);
 * for (const instance of view.instances('counts')) console.log(instance.partition, instance.standby);
 * const lags = await view.lags();
 * ```
 */

import { isRestorableStore } from '../../../state/api/restorable.ts';
import type { StateStore } from '../../../state/api/state-store.ts';
import type { StandbyUpdater } from '../standby/standby-updater.ts';
import type { ManagedTask } from './task-factory.ts';

/** One local copy of a store: one task's (one partition's). */
export interface LocalStoreInstance {
  readonly storeName: string;
  readonly taskId: string;
  readonly partition: number;
  readonly store: StateStore;
  /** True for a standby task's copy (possibly behind the active's). */
  readonly standby: boolean;
}

/** How far one local store partition is, as Kafka Streams' `LagInfo`. */
export interface StorePartitionLag {
  readonly storeName: string;
  readonly partition: number;
  readonly taskId: string;
  readonly standby: boolean;
  readonly currentOffsetPosition: bigint;
  readonly endOffsetPosition: bigint;
  readonly offsetLag: bigint;
}

export class ThreadStores {
  readonly #activeTasks: () => Iterable<ManagedTask>;
  readonly #standbys: StandbyUpdater;

  constructor(activeTasks: () => Iterable<ManagedTask>, standbys: StandbyUpdater) {
    this.#activeTasks = activeTasks;
    this.#standbys = standbys;
  }

  /** The thread's copies of store `storeName`: its running active tasks', then its standbys' when asked. */
  instances(storeName: string, includeStandbys: boolean): LocalStoreInstance[] {
    const out: LocalStoreInstance[] = [];
    for (const managed of this.#activeTasks()) {
      if (managed.task.state !== 'RUNNING') continue;
      const store = managed.task.stores.get(storeName);
      if (store !== undefined && store.isOpen()) out.push({ storeName, taskId: managed.id, partition: managed.task.id.partition, store, standby: false });
    }
    if (!includeStandbys) return out;
    for (const task of this.#standbys.tasks.values()) {
      const store = task.stores.get(storeName);
      if (store !== undefined && store.isOpen()) out.push({ storeName, taskId: task.id, partition: task.partition, store, standby: true });
    }
    return out;
  }

  /** Lag of every local store partition with a changelog, active and standby. */
  async lags(): Promise<StorePartitionLag[]> {
    const entries: Array<{ storeName: string; taskId: string; topic: string; partition: number; standby: boolean; position: bigint | undefined }> = [];
    for (const managed of this.#activeTasks()) {
      for (const [storeName, store] of managed.task.stores) {
        if (!isRestorableStore(store) || store.changelogTopic === undefined) continue;
        entries.push({ storeName, taskId: managed.id, topic: store.changelogTopic, partition: managed.task.id.partition, standby: false, position: undefined });
      }
    }
    for (const p of this.#standbys.positions()) entries.push({ storeName: p.storeName, taskId: p.taskId, topic: p.topic, partition: p.partition, standby: true, position: p.position });
    const ends = await this.#standbys.endOffsets(entries.map((e) => ({ topic: e.topic, partition: e.partition })));
    return entries.map((entry, i) => {
      const end = (ends[i] as { offset: bigint }).offset;
      const current = entry.standby ? (entry.position ?? 0n) : end;
      const lag = end - current;
      return { storeName: entry.storeName, partition: entry.partition, taskId: entry.taskId, standby: entry.standby, currentOffsetPosition: current, endOffsetPosition: end, offsetLag: lag > 0n ? lag : 0n };
    });
  }
}
