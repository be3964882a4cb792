/**
 * Rides out a transient Kafka failure (a broker restart, a lost connection, a coordinator
 * moving) in a step that has no retries of its own long enough: the client library gives
 * up after `retries` quick attempts, a few seconds, while a broker restart takes tens of
 * seconds. Kafka Streams bounds such a stall by `task.timeout.ms` (5 minutes) before it
 * fails the task; the changelog restorer and the global thread do the same here, so a
 * broker restart costs a pause, not a process.
 *
 * Only errors that say they can be retried (`KstError.canRetry`) are; anything else, or
 * the same failure past `maxMs`, is thrown as it came.
 *
 * @example
 * ```ts
 * const ends = await retryTransient(() => reader.endOffsets(partitions), { maxMs: 300_000, what: 'listing the changelogs\' end offsets', log });
 * ```
 */

import { isKstError } from '../../common/errors.ts';

export interface TransientRetry {
  /** How long the step may keep failing before its error is thrown. */
  readonly maxMs: number;
  /** What the step does, for the log line of each retry. */
  readonly what: string;
  readonly log: (message: string) => void;
  /** First pause; it grows by this much per attempt, to at most 5 s. Default 250 ms. */
  readonly backoffMs?: number;
  /** Stops retrying (and throws its reason) once aborted. */
  readonly signal?: AbortSignal;
}

export async function retryTransient<T>(step: () => Promise<T>, retry: TransientRetry): Promise<T> {
  const deadline = Date.now() + retry.maxMs;
  const backoffMs = retry.backoffMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (!isKstError(error) || !error.canRetry || Date.now() >= deadline) throw error;
      retry.signal?.throwIfAborted();
      retry.log(`${retry.what} failed (attempt ${attempt}), retrying: ${error.message}`);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, backoffMs * attempt)));
      retry.signal?.throwIfAborted();
    }
  }
}
