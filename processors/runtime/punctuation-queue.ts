/**
 * The punctuators of one task for one time type (stream time or wall-clock time), as
 * Kafka Streams' `PunctuationQueue`. The per-record check is one comparison against the
 * earliest due time, cached, so a task without punctuators pays nothing.
 *
 * Rescheduling follows Kafka: after a punctuation at `now`, the next one is the first
 * multiple of the interval after `now` counted from the schedule's start, so a gap in
 * the data (or a long pause of the clock) fires once, not once per missed interval.
 *
 * @example
 * ```ts
 * const queue = new PunctuationQueue();
 * queue.schedule('my-node', 0, 1000, (ts) => console.log('tick', ts));
 * if (queue.isDue(streamTime)) await queue.punctuate(streamTime, (s, ts) => s.punctuator(ts));
 * ```
 */

import type { Cancellable, Punctuator } from '../api/processor.ts';
import type { Awaitable } from '../../common/awaitable.ts';

export interface PunctuationSchedule {
  /** The node that scheduled it: its context forwards what the punctuator emits. */
  readonly nodeName: string;
  readonly intervalMs: number;
  readonly punctuator: Punctuator;
  /** When it fires next. */
  readonly nextMs: number;
}

interface MutableSchedule extends PunctuationSchedule {
  nextMs: number;
  cancelled: boolean;
  readonly seq: number;
}

/** Runs one punctuation, with the task's error policy around it. */
export type PunctuationRunner = (schedule: PunctuationSchedule, timestampMs: number) => Awaitable<void>;

export class PunctuationQueue {
  #schedules: MutableSchedule[] = [];
  #nextDueMs = Number.POSITIVE_INFINITY;
  #seq = 0;

  /** Adds a punctuator that first fires when time reaches `firstMs`. */
  schedule(nodeName: string, firstMs: number, intervalMs: number, punctuator: Punctuator): Cancellable {
    const schedule: MutableSchedule = { nodeName, intervalMs, punctuator, nextMs: firstMs, cancelled: false, seq: this.#seq++ };
    this.#schedules.push(schedule);
    if (firstMs < this.#nextDueMs) this.#nextDueMs = firstMs;
    return {
      cancel: () => {
        if (schedule.cancelled) return;
        schedule.cancelled = true;
        this.#schedules = this.#schedules.filter((s) => s !== schedule);
        this.#recomputeNextDue();
      },
    };
  }

  /** True when at least one punctuator is due at `nowMs`. */
  isDue(nowMs: number): boolean {
    return nowMs >= this.#nextDueMs;
  }

  get size(): number {
    return this.#schedules.length;
  }

  /**
   * Fires every punctuator due at `nowMs`, earliest first (ties in scheduling order), each
   * with `nowMs` as its timestamp; waits for one that returns a promise before the next.
   * Resolves to true when at least one fired.
   */
  punctuate(nowMs: number, run: PunctuationRunner): Awaitable<boolean> {
    return this.#fireFrom(nowMs, run, false);
  }

  #fireFrom(nowMs: number, run: PunctuationRunner, firedBefore: boolean): Awaitable<boolean> {
    let fired = firedBefore;
    for (;;) {
      const due = this.#earliestDue(nowMs);
      if (due === undefined) return fired;
      fired = true;
      const result = run(due, nowMs);
      if (result instanceof Promise) {
        return result.then(() => {
          this.#reschedule(due, nowMs);
          return this.#fireFrom(nowMs, run, true);
        });
      }
      this.#reschedule(due, nowMs);
    }
  }

  #earliestDue(nowMs: number): MutableSchedule | undefined {
    if (nowMs < this.#nextDueMs) return undefined;
    let best: MutableSchedule | undefined;
    for (const schedule of this.#schedules) {
      if (schedule.nextMs > nowMs) continue;
      if (best === undefined || schedule.nextMs < best.nextMs || (schedule.nextMs === best.nextMs && schedule.seq < best.seq)) best = schedule;
    }
    return best;
  }

  #reschedule(schedule: MutableSchedule, nowMs: number): void {
    // A punctuator may cancel itself; it is gone from the list already.
    if (schedule.cancelled) return;
    let next = schedule.nextMs + schedule.intervalMs;
    if (nowMs >= next) next = schedule.nextMs + (Math.floor((nowMs - schedule.nextMs) / schedule.intervalMs) + 1) * schedule.intervalMs;
    schedule.nextMs = next;
    this.#recomputeNextDue();
  }

  #recomputeNextDue(): void {
    let next = Number.POSITIVE_INFINITY;
    for (const schedule of this.#schedules) if (schedule.nextMs < next) next = schedule.nextMs;
    this.#nextDueMs = next;
  }

  clear(): void {
    for (const schedule of this.#schedules) schedule.cancelled = true;
    this.#schedules = [];
    this.#nextDueMs = Number.POSITIVE_INFINITY;
  }
}
