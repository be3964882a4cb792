/**
 * Restores state stores from their changelog topics, as Kafka Streams' `StoreChangelogReader`
 * in its restoring phase: every target's partition is read in one fetch loop (one
 * request per broker per round), each fetched partition batch goes to its store in one
 * `restoreBatch` call, and a target is done when its position reaches the end offset
 * taken at the start — the high watermark, or under read_committed the last stable
 * offset. Transaction markers occupy offsets but carry no record, so "done" is judged by
 * the position, never by the last record seen.
 *
 * A checkpoint outside the log (above its end: the changelog was deleted and recreated;
 * below its start: retention removed it) means the store may hold state the changelog no
 * longer has: restoring on top of it would keep keys the changelog never had. As Kafka
 * Streams' `TaskCorruptedException`, `restore` then throws `KST_TASK_CORRUPTED` naming the
 * tasks, before applying anything; their owner wipes their state and restores them from
 * the beginning. A position that leaves the log while restoring (retention) restarts that
 * target from the beginning and says so through the listener and the log.
 */

import { KstError } from '../../../common/errors.ts';
import type { RestoreRecord } from '../../../state/api/restorable.ts';
import { PartitionReader, type KafkaClientConfig, type KafkaRecord, type TopicPartition } from '../../kafka/index.ts';
import { retryTransient } from '../transient-retry.ts';
import type { RestoreResult, RestoreTarget, StateRestoreListener } from './restore-listener.ts';

export interface ChangelogRestorerOptions {
  readonly listener?: StateRestoreListener;
  /** read_committed (exactly-once) stops at the last stable offset and skips aborted records. Default read_uncommitted. */
  readonly isolation?: 'read_committed' | 'read_uncommitted';
  /** Where resets are reported besides the listener; console.warn by default. */
  readonly log?: (message: string) => void;
  /** Bytes one partition may contribute to a fetch; larger means bigger batches. Default 4 MiB. */
  readonly maxPartitionBytes?: number;
  /** How long listing offsets or fetching may keep failing transiently (a broker restart) before the restore fails; default 5 minutes, Kafka Streams' `task.timeout.ms`. */
  readonly retryMs?: number;
}

interface Progress {
  readonly target: RestoreTarget;
  readonly end: bigint;
  restored: number;
  done: boolean;
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/** Why a checkpointed offset cannot be restored from, or undefined when it lies in [beginning, end]. */
export function checkpointOutsideLog(checkpoint: bigint, beginning: bigint, end: bigint): string | undefined {
  if (checkpoint > end) return `the checkpoint ${checkpoint} is past the log's end ${end} (the changelog was deleted or recreated)`;
  if (checkpoint < beginning) return `the checkpoint ${checkpoint} is before the log's start ${beginning} (retention)`;
  return undefined;
}

/**
 * @example
 * ```ts
 * const restorer = new ChangelogRestorer(clientConfig, { isolation: 'read_committed', listener });
 * const results = await restorer.restore([{ taskId: '0_3', storeName: 'counts', store, topic: 'app-counts-changelog', partition: 3, startOffset: 1042n }]);
 * for (const [target, { checkpointOffset }] of results) offsets.push({ topic: target.topic, partition: target.partition, offset: checkpointOffset });
 * await restorer.close();
 * ```
 */
export class ChangelogRestorer {
  readonly #reader: PartitionReader;
  readonly #listener: StateRestoreListener;
  readonly #log: (message: string) => void;
  readonly #retryMs: number;
  /** Targets being read, by changelog partition; set during `restore`. */
  #active = new Map<string, Progress>();

  constructor(client: KafkaClientConfig, options: ChangelogRestorerOptions = {}) {
    this.#listener = options.listener ?? {};
    this.#log = options.log ?? ((message) => console.warn(`[restore] ${message}`));
    this.#retryMs = options.retryMs ?? 300_000;
    this.#reader = new PartitionReader(client, {
      isolation: options.isolation ?? 'read_uncommitted',
      maxWaitMs: 100,
      maxPartitionBytes: options.maxPartitionBytes ?? 4 * 1_048_576,
      offsetReset: 'earliest',
      onOffsetReset: (tp, from, to) => {
        const progress = this.#active.get(key(tp.topic, tp.partition));
        if (progress !== undefined) this.#reset(progress.target, from, to, 'the position left the log while restoring (retention)');
      },
    });
  }

  /**
   * Restores every target to the changelog's end offset; returns per target the offset
   * to checkpoint and how many records were applied. Each store is flushed when its
   * target is done, so the returned offset may be checkpointed at once. An aborted
   * `signal` stops between batches and rejects with its reason (nothing to checkpoint).
   */
  async restore(targets: readonly RestoreTarget[], signal?: AbortSignal): Promise<ReadonlyMap<RestoreTarget, RestoreResult>> {
    const results = new Map<RestoreTarget, RestoreResult>();
    if (targets.length === 0) return results;
    const seen = new Set<string>();
    for (const t of targets) {
      if (seen.has(key(t.topic, t.partition))) throw new KstError('KST_CONFIG_INVALID', `two restore targets read changelog ${t.topic}-${t.partition}`, { key: 'restore.targets', value: `${t.topic}-${t.partition}` });
      seen.add(key(t.topic, t.partition));
    }
    signal?.throwIfAborted();
    const partitions: TopicPartition[] = targets.map((t) => ({ topic: t.topic, partition: t.partition }));
    const [ends, beginnings] = await this.#retrying('listing the changelogs\' offsets', signal, () => Promise.all([this.#reader.endOffsets(partitions), this.#reader.beginningOffsets(partitions)]));
    const corrupted = targets.flatMap((target, i) => {
      const reason = target.startOffset === undefined ? undefined : checkpointOutsideLog(target.startOffset, (beginnings[i] as { offset: bigint }).offset, (ends[i] as { offset: bigint }).offset);
      return reason === undefined ? [] : [{ taskId: target.taskId, store: target.storeName, topic: target.topic, partition: target.partition, reason }];
    });
    if (corrupted.length > 0) {
      const taskIds = [...new Set(corrupted.map((entry) => entry.taskId))];
      const what = corrupted.map((entry) => `store "${entry.store}" of task ${entry.taskId}, changelog ${entry.topic}-${entry.partition}: ${entry.reason}`).join('; ');
      throw new KstError('KST_TASK_CORRUPTED', `task${taskIds.length > 1 ? 's' : ''} ${taskIds.join(', ')} corrupted: ${what}`, { taskIds, changelogs: corrupted });
    }

    this.#active = new Map();
    try {
      const assignments: Array<TopicPartition & { offset: bigint }> = [];
      targets.forEach((target, i) => {
        const end = (ends[i] as { offset: bigint }).offset;
        const start = target.startOffset ?? (beginnings[i] as { offset: bigint }).offset;
        if (start >= end) {
          results.set(target, { checkpointOffset: start, restored: 0 });
          return;
        }
        this.#listener.onRestoreStart?.(target, start, end);
        this.#active.set(key(target.topic, target.partition), { target, end, restored: 0, done: false });
        assignments.push({ topic: target.topic, partition: target.partition, offset: start });
      });
      this.#reader.assign(assignments);
      // The next fetch is in flight while a batch is applied: reading and writing overlap.
      let inflight: Promise<KafkaRecord[]> | null = this.#active.size > 0 ? this.#poll(signal) : null;
      try {
        while (inflight !== null) {
          signal?.throwIfAborted();
          const records = await inflight;
          inflight = null;
          const progressByKey = new Map(this.#active);
          const finished: Progress[] = [];
          for (const [k, progress] of this.#active) {
            if ((this.#reader.position(progress.target) ?? -1n) < progress.end) continue;
            this.#reader.unassign([progress.target]);
            this.#active.delete(k);
            finished.push(progress);
          }
          if (this.#active.size > 0) inflight = this.#poll(signal);
          await this.#applyBatch(records, progressByKey);
          for (const progress of finished) {
            await progress.target.store.flush();
            results.set(progress.target, { checkpointOffset: progress.end, restored: progress.restored });
            this.#listener.onRestoreEnd?.(progress.target, progress.restored);
          }
        }
      } finally {
        // Never leave a fetch running into the next restore on the same reader.
        await inflight?.catch(() => undefined);
      }
      return results;
    } finally {
      this.#reader.unassign([...this.#active.values()].map((p) => p.target));
      this.#active = new Map();
    }
  }

  async close(): Promise<void> {
    await this.#reader.close();
  }

  /** A fetch of the changelogs; a broker restart pauses the restore instead of failing it. */
  #poll(signal: AbortSignal | undefined): Promise<KafkaRecord[]> {
    return this.#retrying('fetching changelog records', signal, () => this.#reader.poll());
  }

  #retrying<T>(what: string, signal: AbortSignal | undefined, step: () => Promise<T>): Promise<T> {
    return retryTransient(step, { maxMs: this.#retryMs, what, log: this.#log, ...(signal === undefined ? {} : { signal }) });
  }

  /** One `restoreBatch` per partition of the fetched round; records past the end offset wait for the next restore. */
  async #applyBatch(records: readonly KafkaRecord[], progressByKey: ReadonlyMap<string, Progress>): Promise<void> {
    if (records.length === 0) return;
    const byPartition = new Map<string, { batch: RestoreRecord[]; last: bigint }>();
    for (const record of records) {
      const k = key(record.topic, record.partition);
      const progress = progressByKey.get(k);
      // A changelog record always has a key; one without cannot be applied to a store.
      if (progress === undefined || record.offset >= progress.end || record.key === null) continue;
      let entry = byPartition.get(k);
      if (entry === undefined) {
        entry = { batch: [], last: record.offset };
        byPartition.set(k, entry);
      }
      entry.batch.push({ key: record.key, value: record.value, timestamp: Number(record.timestamp) });
      entry.last = record.offset;
    }
    await Promise.all([...byPartition].map(async ([k, { batch, last }]) => {
      const progress = progressByKey.get(k) as Progress;
      await progress.target.store.restoreBatch(batch);
      progress.restored += batch.length;
      this.#listener.onBatchRestored?.(progress.target, last, batch.length);
    }));
  }

  #reset(target: RestoreTarget, from: bigint, to: bigint, reason: string): void {
    this.#log(`store "${target.storeName}" of task ${target.taskId}: changelog ${target.topic}-${target.partition} offset ${from} is not in the log (${reason}); restoring from the beginning, offset ${to}`);
    this.#listener.onRestoreReset?.(target, from, to, reason);
  }
}
