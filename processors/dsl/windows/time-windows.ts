/**
 * `TimeWindows`: tumbling and hopping windows of a fixed size, as Kafka Streams'
 * `TimeWindows`. A window is `[start, start + size)`; starts are multiples of the advance
 * counted from the epoch, so windows of every key and every task line up. A record at
 * time `t` falls in every window whose start is in `(t - size, t]`. Tumbling windows
 * advance by their size (one window per record); hopping ones by less (several).
 *
 * Grace: a window accepts out-of-order records until stream time reaches its end plus
 * grace; later records for it are dropped (and counted in `kstreams_dropped_records_total`).
 *
 * @example
 * ```ts
 * const tumbling = TimeWindows.ofSizeWithNoGrace(60_000);
 * const hopping = TimeWindows.ofSizeAndGrace(300_000, 10_000).advanceBy(60_000);
 * orders.groupByKey().windowedBy(hopping).count();
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import type { TimeWindow } from '../../../state/api/windowed.ts';
import { checkDuration } from './durations.ts';

export class TimeWindows {
  readonly kind = 'time';
  readonly sizeMs: number;
  readonly advanceMs: number;
  readonly graceMs: number;

  private constructor(sizeMs: number, advanceMs: number, graceMs: number) {
    this.sizeMs = sizeMs;
    this.advanceMs = advanceMs;
    this.graceMs = graceMs;
    Object.freeze(this);
  }

  /** Tumbling windows of `sizeMs` that close at their end: no out-of-order record is accepted after it. */
  static ofSizeWithNoGrace(sizeMs: number): TimeWindows {
    const size = checkDuration(sizeMs, 'TimeWindows size', { positive: true });
    return new TimeWindows(size, size, 0);
  }

  /** Tumbling windows of `sizeMs` that accept out-of-order records until `graceMs` after their end. */
  static ofSizeAndGrace(sizeMs: number, graceMs: number): TimeWindows {
    const size = checkDuration(sizeMs, 'TimeWindows size', { positive: true });
    return new TimeWindows(size, size, checkDuration(graceMs, 'TimeWindows grace', { positive: false }));
  }

  /** Hopping windows: a new window every `advanceMs`, which must be in `(0, size]`. */
  advanceBy(advanceMs: number): TimeWindows {
    const advance = checkDuration(advanceMs, 'TimeWindows advance', { positive: true });
    if (advance > this.sizeMs) {
      throw new KstError('KST_TOPOLOGY_WINDOW_INVALID', `TimeWindows advance (${advance} ms) cannot be larger than the window size (${this.sizeMs} ms)`, { advanceMs: advance, sizeMs: this.sizeMs });
    }
    return new TimeWindows(this.sizeMs, advance, this.graceMs);
  }

  /**
   * The windows a record at `timestamp` falls in, by start time, as Kafka's
   * `TimeWindows.windowsFor`: no window starts before the epoch.
   */
  windowsFor(timestamp: number): TimeWindow[] {
    const windows: TimeWindow[] = [];
    let start = Math.floor(Math.max(0, timestamp - this.sizeMs + this.advanceMs) / this.advanceMs) * this.advanceMs;
    for (; start <= timestamp; start += this.advanceMs) windows.push({ start, end: start + this.sizeMs });
    return windows;
  }

  /** Kafka's default retention of the window store: size plus grace. */
  get minimumRetentionMs(): number {
    return this.sizeMs + this.graceMs;
  }
}
