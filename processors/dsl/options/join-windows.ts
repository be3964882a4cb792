/**
 * `JoinWindows`: how far apart in time two records of a stream-stream join may be, as
 * Kafka Streams' `JoinWindows`. A record of the left stream at `t` joins right records
 * with timestamps in `[t - before, t + after]`; `ofTimeDifference…` sets both to the same
 * difference, `before` / `after` move one boundary (they may go negative, as long as the
 * window `before + after` does not). The grace period is how long after a window closes
 * (by stream time) out-of-order records are still accepted; later ones are dropped.
 *
 * @example
 * ```ts
 * JoinWindows.ofTimeDifferenceAndGrace(5 * 60_000, 30_000);   // ±5 minutes, 30 s grace
 * JoinWindows.ofTimeDifferenceWithNoGrace(60_000).before(0);  // right records up to 1 minute after
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import { checkDuration } from '../windows/durations.ts';

export interface JoinWindows {
  readonly beforeMs: number;
  readonly afterMs: number;
  readonly graceMs: number;
  /** `before + after`: the window store's window size. */
  readonly sizeMs: number;
  before(timeDifferenceMs: number): JoinWindows;
  after(timeDifferenceMs: number): JoinWindows;
}

function make(beforeMs: number, afterMs: number, graceMs: number): JoinWindows {
  if (!Number.isSafeInteger(beforeMs) || !Number.isSafeInteger(afterMs) || beforeMs + afterMs < 0) {
    throw new KstError('KST_TOPOLOGY_WINDOW_INVALID', `JoinWindows before + after must be a whole number of milliseconds >= 0 (got before ${beforeMs}, after ${afterMs})`, { what: 'JoinWindows', value: beforeMs + afterMs });
  }
  return Object.freeze({
    beforeMs,
    afterMs,
    graceMs,
    sizeMs: beforeMs + afterMs,
    before: (timeDifferenceMs: number) => make(timeDifferenceMs, afterMs, graceMs),
    after: (timeDifferenceMs: number) => make(beforeMs, timeDifferenceMs, graceMs),
  });
}

export const JoinWindows = Object.freeze({
  /** Records at most `timeDifferenceMs` apart join; records later than their window's end are dropped. */
  ofTimeDifferenceWithNoGrace(timeDifferenceMs: number): JoinWindows {
    const difference = checkDuration(timeDifferenceMs, 'JoinWindows time difference', { positive: false });
    return make(difference, difference, 0);
  },
  /** As `ofTimeDifferenceWithNoGrace`, accepting records up to `graceMs` after their window's end. */
  ofTimeDifferenceAndGrace(timeDifferenceMs: number, graceMs: number): JoinWindows {
    const difference = checkDuration(timeDifferenceMs, 'JoinWindows time difference', { positive: false });
    return make(difference, difference, checkDuration(graceMs, 'JoinWindows grace', { positive: false }));
  },
});
