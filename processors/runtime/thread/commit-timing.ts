/**
 * When a stream thread commits. `commit.interval.ms` bounds how long processed input
 * waits for its commit; a task can also ask for one (`ProcessorContext.commit()`). Under
 * exactly-once the output becomes visible to read_committed readers only at the commit,
 * so waiting for the interval (100 ms by default) makes every hop through a topology
 * that slow. There the thread commits as soon as it has caught up — its input is drained
 * and every assigned partition is at its end — so a hop costs one fetch, the processing
 * and one transaction commit. While it still has a backlog it commits on the interval,
 * as before, and transactions stay large.
 *
 * @example
 * ```ts
 * if (commitDue({ nowMs, lastCommitMs, commitIntervalMs: 100, commitRequested, commitNeeded, exactlyOnce: true, drained, caughtUp: () => lagIsZero() })) await commit();
 * ```
 */

export interface CommitTiming {
  readonly nowMs: number;
  readonly lastCommitMs: number;
  readonly commitIntervalMs: number;
  /** A task asked for a commit. */
  readonly commitRequested: boolean;
  /** Some task processed records since the last commit. */
  readonly commitNeeded: boolean;
  readonly exactlyOnce: boolean;
  /** The last slice processed fewer records than it could: nothing processable is left in hand. */
  readonly drained: boolean;
  /** Every assigned input partition's position is at its known end (asked only when the rest holds). */
  readonly caughtUp: () => boolean;
}

export function commitDue(timing: CommitTiming): boolean {
  if (timing.commitRequested || timing.nowMs - timing.lastCommitMs >= timing.commitIntervalMs) return true;
  return timing.exactlyOnce && timing.commitNeeded && timing.drained && timing.caughtUp();
}
