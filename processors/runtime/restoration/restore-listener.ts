/**
 * What the changelog restorer works on and reports, as Kafka Streams'
 * `StateRestoreListener`: one target per (store, changelog partition), and callbacks at
 * the start, after every applied batch and at the end of each target's restoration.
 */

import type { RestorableStore } from '../../../state/api/restorable.ts';
import type { StateStore } from '../../../state/api/state-store.ts';

export interface RestoreTarget {
  /** `taskIdToString` of the owning task. */
  readonly taskId: string;
  readonly storeName: string;
  readonly store: RestorableStore & StateStore;
  /** The changelog topic as named on the broker. */
  readonly topic: string;
  readonly partition: number;
  /** The checkpointed next offset; undefined means from the beginning of the log. */
  readonly startOffset: bigint | undefined;
}

/**
 * Callbacks run on the restoring thread, between batches: keep them short.
 *
 * @example
 * ```ts
 * const listener: StateRestoreListener = {
 *   onRestoreStart: (t, start, end) => log.info(`restoring ${t.storeName} ${t.topic}-${t.partition} from ${start} to ${end}`),
 *   onRestoreEnd: (t, total) => metrics.restored.inc({ store: t.storeName }, total),
 * };
 * ```
 */
export interface StateRestoreListener {
  onRestoreStart?(target: RestoreTarget, startOffset: bigint, endOffset: bigint): void;
  /** `batchEndOffset`: offset of the last record applied in this batch. */
  onBatchRestored?(target: RestoreTarget, batchEndOffset: bigint, numRestored: number): void;
  onRestoreEnd?(target: RestoreTarget, totalRestored: number): void;
  /**
   * The position left the log while restoring (retention deleted what was still to be
   * read), so restoration restarts from the log's beginning `to`. A checkpoint outside
   * the log is not reported here: `restore` throws `KST_TASK_CORRUPTED` for it.
   */
  onRestoreReset?(target: RestoreTarget, from: bigint, to: bigint, reason: string): void;
}

/** The outcome for one target. */
export interface RestoreResult {
  /** The next changelog offset the store holds everything before: write it to the checkpoint. */
  readonly checkpointOffset: bigint;
  /** Records applied (aborted records and transaction markers are not counted). */
  readonly restored: number;
}
