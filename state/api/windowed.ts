/**
 * Windows and windowed keys, as Kafka Streams' `Window` / `Windowed<K>`. A time window is
 * `[start, end)`; a session window is `[start, end]` (both ends inclusive: the timestamps
 * of its first and last record).
 */

export interface TimeWindow {
  /** Inclusive, ms since the epoch. */
  readonly start: number;
  /** Exclusive for time windows, inclusive for session windows. */
  readonly end: number;
}

export interface Windowed<K> {
  readonly key: K;
  readonly window: TimeWindow;
}
