/**
 * The punctuation of one task: its stream-time and wall-clock queues, the Kafka Streams
 * alignment rules for the first fire, and running one punctuator with the record context
 * set to the punctuation time and the task's error policy around it.
 */

import { KstError } from '../../common/errors.ts';
import type { Awaitable } from '../../common/awaitable.ts';
import { PunctuationType, type Cancellable, type Punctuator } from '../api/processor.ts';
import { NO_HEADERS } from '../api/record.ts';
import { PunctuationQueue, type PunctuationSchedule } from './punctuation-queue.ts';
import type { TaskErrorPolicy } from './task-error-policy.ts';
import type { RecordClock } from './task-services.ts';

/**
 * @example
 * ```ts
 * const punctuator = new TaskPunctuator(recordClock, errors, () => Date.now(), () => (commitNeeded = true));
 * punctuator.schedule('node', 1000, PunctuationType.WALL_CLOCK_TIME, (ts) => flushExpired(ts));
 * await punctuator.punctuateWallClock(Date.now());
 * ```
 */
export class TaskPunctuator {
  readonly #stream = new PunctuationQueue();
  readonly #wallClock = new PunctuationQueue();
  readonly #recordClock: RecordClock;
  readonly #errors: TaskErrorPolicy;
  readonly #clock: () => number;
  readonly #onPunctuate: () => void;
  readonly #run: (schedule: PunctuationSchedule, timestampMs: number) => Awaitable<void>;
  /** Punctuations run so far, for metrics. */
  count = 0;

  constructor(recordClock: RecordClock, errors: TaskErrorPolicy, clock: () => number, onPunctuate: () => void) {
    this.#recordClock = recordClock;
    this.#errors = errors;
    this.#clock = clock;
    this.#onPunctuate = onPunctuate;
    this.#run = (schedule, timestampMs) => this.#runOne(schedule, timestampMs);
  }

  schedule(nodeName: string, intervalMs: number, type: PunctuationType, punctuator: Punctuator): Cancellable {
    if (!Number.isSafeInteger(intervalMs) || intervalMs < 1) {
      throw new KstError('KST_PROCESSOR_SCHEDULE_INVALID', `node "${nodeName}" scheduled a punctuator every ${intervalMs} ms; the interval must be a whole number of milliseconds >= 1`, { node: nodeName, intervalMs });
    }
    // As Kafka Streams: stream-time punctuation is aligned to 0, so it fires with the first
    // record; wall-clock punctuation first fires one interval from now.
    if (type === PunctuationType.STREAM_TIME) return this.#stream.schedule(nodeName, 0, intervalMs, punctuator);
    return this.#wallClock.schedule(nodeName, this.#clock() + intervalMs, intervalMs, punctuator);
  }

  /** One comparison: the per-record check. */
  isStreamTimeDue(streamTimeMs: number): boolean {
    return this.#stream.isDue(streamTimeMs);
  }

  punctuateStreamTime(streamTimeMs: number): Awaitable<boolean> {
    return this.#stream.punctuate(streamTimeMs, this.#run);
  }

  punctuateWallClock(nowMs: number): Awaitable<boolean> {
    return this.#wallClock.punctuate(nowMs, this.#run);
  }

  clear(): void {
    this.#stream.clear();
    this.#wallClock.clear();
  }

  #runOne(schedule: PunctuationSchedule, timestampMs: number): Awaitable<void> {
    this.#onPunctuate();
    this.count++;
    const clock = this.#recordClock;
    clock.timestampMs = timestampMs;
    // A punctuator's records have no input record's headers, as in Kafka Streams.
    clock.headers = NO_HEADERS;
    let result: Awaitable<void>;
    try {
      result = schedule.punctuator(timestampMs);
    } catch (error) {
      clock.timestampMs = -1;
      return this.#errors.onProcessingError(schedule.nodeName, undefined, error, undefined);
    }
    if (result instanceof Promise) {
      return result.then(
        () => void (clock.timestampMs = -1),
        (error: unknown) => {
          clock.timestampMs = -1;
          return this.#errors.onProcessingError(schedule.nodeName, undefined, error, undefined);
        },
      );
    }
    clock.timestampMs = -1;
    return undefined;
  }
}
