/**
 * Exact completion detection, the same for every contender: a contender has processed
 * the whole input when its consumer group's committed offsets reach the input's end
 * offsets on every partition. Under exactly-once the offsets are committed inside the
 * transaction, so they become visible (with `requireStable`) only when it commits.
 */

import type { KafkaAdmin } from '../../processors/kafka/index.ts';

export interface Progress {
  /** Milliseconds (performance.now()) when the first committed offset was seen. */
  readonly firstCommitAt: number | undefined;
  /** Records covered by the committed offsets at `firstCommitAt`. */
  readonly firstCommitted: number;
  /** Milliseconds when every partition reached its end offset. */
  readonly doneAt: number;
  /**
   * How often the committed offsets were seen to move: a lower bound on the commits
   * (two commits within one poll interval count once).
   */
  readonly commitsSeen: number;
  /** How many offset polls failed transiently (e.g. an unstable offset during a transaction). */
  readonly pollErrors: number;
}

export interface WaitOptions {
  readonly admin: KafkaAdmin;
  readonly groupId: string;
  readonly topic: string;
  readonly endOffsets: ReadonlyMap<number, bigint>;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  /** Fails the wait when the committed offsets have not moved for this long. */
  readonly stallMs: number;
  /** Stops the wait early: returns a reason when the contender died. */
  readonly failed: () => string | undefined;
  /** Called when the first committed offset is seen (e.g. to sample the contender's CPU time). */
  readonly onFirstCommit?: () => void;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function committedOffsets(options: WaitOptions): Promise<Map<number, bigint> | undefined> {
  try {
    const committed = new Map<number, bigint>();
    for (const entry of await options.admin.listGroupOffsets(options.groupId)) {
      if (entry.topic === options.topic) committed.set(entry.partition, entry.offset);
    }
    return committed;
  } catch {
    return undefined; // transient, e.g. an unstable offset while a transaction is open
  }
}

/** Polls the group's committed offsets until they cover `endOffsets`. */
export async function waitForCompletion(options: WaitOptions): Promise<Progress> {
  const started = performance.now();
  let firstCommitAt: number | undefined;
  let firstCommitted = 0;
  let pollErrors = 0;
  let lastTotal = -1n;
  let lastMoveAt = started;
  let commitsSeen = 0;
  for (;;) {
    const failure = options.failed();
    if (failure !== undefined) throw new Error(`contender ${options.groupId} stopped before completing: ${failure}`);
    if (performance.now() - started > options.timeoutMs) {
      throw new Error(`contender ${options.groupId} did not complete within ${options.timeoutMs} ms`);
    }
    const committed = await committedOffsets(options);
    const now = performance.now();
    if (committed === undefined) {
      pollErrors++;
    } else {
      const total = [...committed.values()].reduce((a, b) => a + b, 0n);
      if (total !== lastTotal) {
        if (committed.size > 0) commitsSeen++;
        lastTotal = total;
        lastMoveAt = now;
      } else if (now - lastMoveAt > options.stallMs) {
        throw new Error(`contender ${options.groupId} stalled: committed offsets stayed at ${total} records for ${Math.round(options.stallMs / 1000)} s`);
      }
      if (firstCommitAt === undefined && committed.size > 0) {
        firstCommitAt = now;
        firstCommitted = Number(total);
        options.onFirstCommit?.();
      }
      if ([...options.endOffsets].every(([partition, end]) => (committed.get(partition) ?? -1n) >= end)) {
        return { firstCommitAt, firstCommitted, doneAt: now, commitsSeen, pollErrors };
      }
    }
    await sleep(options.intervalMs);
  }
}
