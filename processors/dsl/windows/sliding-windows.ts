/**
 * `SlidingWindows`: windows defined by the time difference of records, as Kafka Streams'
 * `SlidingWindows` (KIP-450). Two records are in a common window when their timestamps
 * differ by at most `timeDifferenceMs`; windows are `[start, end]`, both ends inclusive,
 * of length `timeDifferenceMs`. Windows exist only where records are: each record makes
 * its left window `[t - diff, t]` and, when a later record of the key is within `diff`, its
 * right window `[t + 1, t + 1 + diff]`, so each distinct set of records is aggregated once.
 *
 * @example
 * ```ts
 * clicks.groupByKey().windowedBy(SlidingWindows.ofTimeDifferenceAndGrace(10_000, 5_000)).count();
 * ```
 */

import { checkDuration } from './durations.ts';

export class SlidingWindows {
  readonly kind = 'sliding';
  readonly timeDifferenceMs: number;
  readonly graceMs: number;

  private constructor(timeDifferenceMs: number, graceMs: number) {
    this.timeDifferenceMs = timeDifferenceMs;
    this.graceMs = graceMs;
    Object.freeze(this);
  }

  static ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): SlidingWindows {
    return new SlidingWindows(checkDuration(timeDifferenceMs, 'SlidingWindows time difference', { positive: true }), 0);
  }

  static ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): SlidingWindows {
    return new SlidingWindows(
      checkDuration(timeDifferenceMs, 'SlidingWindows time difference', { positive: true }),
      checkDuration(graceMs, 'SlidingWindows grace', { positive: false }),
    );
  }

  /** The window store's window size: the time difference, as Kafka. */
  get sizeMs(): number {
    return this.timeDifferenceMs;
  }

  /** Kafka's default retention: a record reads windows back to `2 × difference`, plus grace. */
  get defaultRetentionMs(): number {
    return 2 * this.timeDifferenceMs + this.graceMs;
  }

  /** The shortest retention Kafka accepts: difference plus grace. */
  get minimumRetentionMs(): number {
    return this.timeDifferenceMs + this.graceMs;
  }
}
