/**
 * `SessionWindows`: per-key sessions of activity, as Kafka Streams' `SessionWindows`. A
 * session is `[start, end]`, the timestamps of its first and last record (both
 * inclusive); a record within the inactivity gap of a session joins it, and a record
 * within the gap of two sessions merges them into one.
 *
 * @example
 * ```ts
 * pageViews.groupByKey().windowedBy(SessionWindows.ofInactivityGapAndGrace(30 * 60_000, 60_000)).count();
 * ```
 */

import { checkDuration } from './durations.ts';

export class SessionWindows {
  readonly kind = 'session';
  readonly inactivityGapMs: number;
  readonly graceMs: number;

  private constructor(inactivityGapMs: number, graceMs: number) {
    this.inactivityGapMs = inactivityGapMs;
    this.graceMs = graceMs;
    Object.freeze(this);
  }

  static ofInactivityGapWithNoGrace(inactivityGapMs: number): SessionWindows {
    return new SessionWindows(checkDuration(inactivityGapMs, 'SessionWindows inactivity gap', { positive: true }), 0);
  }

  static ofInactivityGapAndGrace(inactivityGapMs: number, graceMs: number): SessionWindows {
    return new SessionWindows(
      checkDuration(inactivityGapMs, 'SessionWindows inactivity gap', { positive: true }),
      checkDuration(graceMs, 'SessionWindows grace', { positive: false }),
    );
  }

  /** Kafka's default (and shortest) retention of the session store: gap plus grace. */
  get minimumRetentionMs(): number {
    return this.inactivityGapMs + this.graceMs;
  }
}
