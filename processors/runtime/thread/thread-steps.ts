/**
 * Two step runners of the stream thread's loop, kept out of its coordinator: a poll that
 * rides out transient failures, and a shutdown that tries every step even when one fails.
 *
 * @example
 * ```ts
 * const batch = await pollRetrying(() => consumer.poll(), { maxMs: 300_000, backoffMs: 200, stop: () => stopping, log });
 * const errors = await attemptAll([() => consumer.close(), () => producer.close()]);
 * ```
 */

import { isKstError } from '../../../common/errors.ts';

export interface PollRetry {
  /** How long failures are retried for (`max.poll.interval.ms`). */
  readonly maxMs: number;
  readonly backoffMs: number;
  /** True when retrying must stop (close requested). */
  readonly stop: () => boolean;
  /** A failure that must not be retried however it looks (a rebalance callback failed). */
  readonly fatal: () => unknown;
  readonly log: (attempt: number, message: string) => void;
}

/**
 * Runs `poll`; a transient failure (broker restart, network, or a retriable failure of
 * the assignment callback, which the next poll runs again) is retried with a growing pause.
 */
export async function pollRetrying<T>(poll: () => Promise<T>, retry: PollRetry): Promise<T> {
  const deadline = Date.now() + retry.maxMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await poll();
    } catch (error) {
      const fatal = retry.fatal();
      if (fatal !== null) throw fatal;
      if (!isKstError(error) || !error.canRetry || Date.now() > deadline || retry.stop()) throw error;
      retry.log(attempt, error.message);
      await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, retry.backoffMs * attempt)));
    }
  }
}

/** Runs every step in order, each even when an earlier one failed; returns the errors. */
export async function attemptAll(steps: ReadonlyArray<() => Promise<unknown>>): Promise<unknown[]> {
  const errors: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      errors.push(error);
    }
  }
  return errors;
}
