/**
 * Keeps a stream thread's standby tasks warm, as Kafka Streams' `StoreChangelogReader`
 * in its standby-updating phase: one `PartitionReader` follows every changelog partition
 * of every standby task. The stream thread calls `maybeUpdate()` between processing
 * rounds; a fetch runs in the background while the thread processes, and only a fetch
 * that has already answered is applied (one `restoreBatch` per changelog partition), so
 * standbys never make processing wait on the broker. Checkpoints are written at the
 * thread's commits, of what was applied and flushed.
 *
 * @example
 * ```ts
 * const standbys = new StandbyUpdater({ applicationId, plan, stateDirectory, client, exactlyOnce });
 * await standbys.assign(assignment.standbyTasks); // closes promoted and dropped standbys (checkpointed), opens new ones
 * const applying = standbys.maybeUpdate();        // in the thread loop
 * if (applying !== undefined) await applying;
 * await standbys.checkpoint();                     // at commit
 * ```
 */

import type { Registry } from 'prom-client';
import type { RestoreRecord } from '../../../state/api/restorable.ts';
import type { StateDirectory } from '../../../state/state-directory.ts';
import { PartitionReader, type KafkaClientConfig, type KafkaRecord, type TopicPartition } from '../../kafka/index.ts';
import type { TopologyPlan } from '../../plan/topology-plan.ts';
import { parseTaskId } from '../assignment/index.ts';
import type { TaskId } from '../../api/processor.ts';
import { checkpointOutsideLog, reportStateWipe } from '../restoration/index.ts';
import { StandbyTask, type StandbyChangelog } from './standby-task.ts';

export interface StandbyUpdaterOptions {
  readonly applicationId: string;
  readonly plan: TopologyPlan;
  readonly stateDirectory: StateDirectory;
  readonly client: KafkaClientConfig;
  /** read_committed: a standby never holds an aborted write. */
  readonly exactlyOnce: boolean;
  /** How long one background fetch may wait for data; default 100. */
  readonly pollMs?: number;
  readonly metricsRegistry?: Registry;
  readonly log?: (message: string) => void;
}

/** Where one standby changelog partition stands, for lag reports and queries. */
export interface StandbyPosition extends TopicPartition {
  readonly taskId: string;
  readonly storeName: string;
  readonly position: bigint | undefined;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export class StandbyUpdater {
  readonly #options: StandbyUpdaterOptions;
  readonly #tasks = new Map<string, StandbyTask>();
  readonly #changelogs = new Map<string, { task: StandbyTask; changelog: StandbyChangelog }>();
  readonly #log: (message: string) => void;
  #reader: PartitionReader | undefined;
  /** The background fetch, and what it answered once it did. */
  #inflight: Promise<void> | null = null;
  #fetched: { records: KafkaRecord[]; positions: Map<string, bigint | undefined> } | null = null;
  #fetchError: unknown = null;
  /** Offset sums of the standbys' checkpoints, for the assignor. */
  readonly offsetSums = new Map<string, bigint>();

  constructor(options: StandbyUpdaterOptions) {
    this.#options = options;
    this.#log = options.log ?? ((message) => console.warn(message));
  }

  get tasks(): ReadonlyMap<string, StandbyTask> {
    return this.#tasks;
  }

  get taskIds(): TaskId[] {
    return [...this.#tasks.keys()].map(parseTaskId);
  }

  /**
   * Makes the standbys those of `standbyTasks`: the others (dropped, or promoted to
   * active) are checkpointed and closed first, so an active task created next from the
   * same folder restores only what the standby had not applied; new ones are opened.
   */
  async assign(standbyTasks: ReadonlyMap<string, readonly TopicPartition[]>): Promise<void> {
    await this.#drain();
    let first: unknown = null;
    for (const [id, task] of this.#tasks) {
      if (standbyTasks.has(id)) continue;
      try {
        await this.#close(task, true);
      } catch (error) {
        first ??= error;
      }
    }
    for (const id of standbyTasks.keys()) {
      if (this.#tasks.has(id)) continue;
      const task = await this.#open(id);
      this.#tasks.set(id, task);
      this.offsetSums.set(id, task.offsetSum);
      if (task.changelogs.length === 0) continue;
      for (const changelog of task.changelogs) this.#changelogs.set(key(changelog.topic, changelog.partition), { task, changelog });
      this.#readerOrNew().assign(task.changelogs.map((c) => ({ topic: c.topic, partition: c.partition, offset: c.position ?? 'earliest' })));
    }
    if (first !== null) throw first;
  }

  /**
   * Applies a fetch that has answered (and starts the next); undefined when there is
   * nothing to apply yet, so the caller awaits only real work.
   */
  maybeUpdate(): Promise<void> | undefined {
    if (this.#fetchError !== null) {
      const error = this.#fetchError;
      this.#fetchError = null;
      this.#log(`kstreams: updating standby tasks failed, trying again: ${(error as Error).message ?? String(error)}`);
    }
    if (this.#fetched !== null) return this.#applyFetched().then(() => this.#startFetch());
    if (this.#inflight === null) this.#startFetch();
    return undefined;
  }

  /** At the thread's commit: flushes and checkpoints the standbys that applied records since the last one. */
  async checkpoint(): Promise<void> {
    for (const task of this.#tasks.values()) this.offsetSums.set(task.id, await task.checkpoint());
  }

  /** Every standby changelog partition's position. */
  positions(): StandbyPosition[] {
    const out: StandbyPosition[] = [];
    for (const task of this.#tasks.values()) {
      for (const c of task.changelogs) out.push({ taskId: task.id, storeName: c.storeName, topic: c.topic, partition: c.partition, position: c.position });
    }
    return out;
  }

  /** End offsets of the followed changelog partitions (as the standbys read them). */
  async endOffsets(partitions: readonly TopicPartition[]): Promise<Array<TopicPartition & { offset: bigint }>> {
    if (partitions.length === 0) return [];
    return this.#readerOrNew().endOffsets(partitions);
  }

  #readerOrNew(): PartitionReader {
    this.#reader ??= new PartitionReader(this.#options.client, {
      isolation: this.#options.exactlyOnce ? 'read_committed' : 'read_uncommitted',
      maxWaitMs: this.#options.pollMs ?? 100,
      offsetReset: 'earliest',
      onOffsetReset: (tp, from, to) => this.#log(`kstreams: standby changelog ${tp.topic}-${tp.partition} offset ${from} is not in the log; following it from ${to}`),
    });
    return this.#reader;
  }

  /**
   * Opens a standby. One whose checkpoint lies outside its changelog (recreated, or passed
   * by retention) is closed, wiped and opened again from nothing, as an active task is:
   * following the changelog from its start over the old stores would keep keys the
   * changelog no longer has, and a promotion would then serve them.
   */
  async #open(id: string): Promise<StandbyTask> {
    const options = this.#options;
    const open = (): Promise<StandbyTask> => StandbyTask.open({
      id,
      plan: options.plan,
      applicationId: options.applicationId,
      stateDirectory: options.stateDirectory,
      ...(options.metricsRegistry === undefined ? {} : { metricsRegistry: options.metricsRegistry }),
    });
    const task = await open();
    const checkpointed = task.changelogs.filter((c) => c.position !== undefined);
    if (checkpointed.length === 0) return task;
    const partitions = checkpointed.map(({ topic, partition }) => ({ topic, partition }));
    let reasons: string[];
    try {
      const reader = this.#readerOrNew();
      const [ends, beginnings] = await Promise.all([reader.endOffsets(partitions), reader.beginningOffsets(partitions)]);
      reasons = checkpointed.flatMap((c, i) => {
        const reason = checkpointOutsideLog(c.position as bigint, (beginnings[i] as { offset: bigint }).offset, (ends[i] as { offset: bigint }).offset);
        return reason === undefined ? [] : [`changelog ${c.topic}-${c.partition}: ${reason}`];
      });
    } catch (error) {
      await task.close({ checkpoint: false }).catch(() => undefined);
      throw error;
    }
    if (reasons.length === 0) return task;
    await task.close({ checkpoint: false });
    await options.stateDirectory.wipeTask(id);
    reportStateWipe({ registry: options.metricsRegistry, applicationId: options.applicationId, reason: 'task-corrupted', message: `standby task ${id} corrupted: ${reasons.join('; ')}: wiped, following its changelogs from the beginning`, log: this.#log });
    return open();
  }

  /** Checkpoints and closes every standby, and the reader. */
  async close(): Promise<void> {
    await this.#drain().catch(() => undefined);
    let first: unknown = null;
    for (const task of [...this.#tasks.values()]) {
      try {
        await this.#close(task, true);
      } catch (error) {
        first ??= error;
      }
    }
    await this.#reader?.close().catch(() => undefined);
    this.#reader = undefined;
    if (first !== null) throw first;
  }

  #startFetch(): void {
    const reader = this.#reader;
    if (reader === undefined || this.#changelogs.size === 0 || this.#inflight !== null) return;
    this.#inflight = reader.poll().then(
      (records) => {
        // Positions as of this answer: the next fetch is not started before these records are applied.
        const positions = new Map<string, bigint | undefined>();
        for (const tp of reader.assignment()) positions.set(key(tp.topic, tp.partition), reader.position(tp));
        this.#fetched = { records, positions };
        this.#inflight = null;
      },
      (error: unknown) => {
        this.#fetchError = error;
        this.#inflight = null;
      },
    );
  }

  /** Waits for the background fetch and applies it: before the set of standbys changes. */
  async #drain(): Promise<void> {
    if (this.#inflight !== null) await this.#inflight;
    if (this.#fetched !== null) await this.#applyFetched();
  }

  async #applyFetched(): Promise<void> {
    const fetched = this.#fetched;
    this.#fetched = null;
    if (fetched === null) return;
    const batches = new Map<string, RestoreRecord[]>();
    for (const record of fetched.records) {
      // A changelog record always has a key; one without cannot be applied to a store.
      if (record.key === null) continue;
      const k = key(record.topic, record.partition);
      const batch = batches.get(k);
      const entry = { key: record.key, value: record.value, timestamp: Number(record.timestamp) };
      if (batch === undefined) batches.set(k, [entry]);
      else batch.push(entry);
    }
    await Promise.all([...this.#changelogs].map(([k, { task, changelog }]) => {
      if (!fetched.positions.has(k)) return undefined;
      return task.apply(changelog, batches.get(k) ?? [], fetched.positions.get(k));
    }));
  }

  async #close(task: StandbyTask, checkpoint: boolean): Promise<void> {
    this.#tasks.delete(task.id);
    const partitions = task.changelogs.map((c) => ({ topic: c.topic, partition: c.partition }));
    for (const tp of partitions) this.#changelogs.delete(key(tp.topic, tp.partition));
    this.#reader?.unassign(partitions);
    try {
      await task.close({ checkpoint });
    } finally {
      this.offsetSums.set(task.id, task.offsetSum);
    }
  }
}
