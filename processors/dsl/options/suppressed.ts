/**
 * `Suppressed`: how `KTable.suppress` holds back a table's updates, as Kafka Streams'
 * `Suppressed` with its `BufferConfig`:
 * - `untilWindowCloses(BufferConfig.unbounded())`: final results of a windowed table, one
 *   per window, sent once stream time passes the window's end plus grace. The buffer must
 *   be strict (unbounded, or `shutDownWhenFull`): emitting early would not be final.
 * - `untilTimeLimit(ms, config)`: the latest update of a key, sent once stream time is `ms`
 *   past the key's first buffered update; a full buffer emits its oldest keys early
 *   (the default) or fails the task (`shutDownWhenFull`).
 *
 * @example
 * ```ts
 * counts.suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('final-counts'));
 * latest.suppress(Suppressed.untilTimeLimit(60_000, BufferConfig.maxRecords(10_000)));
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import { checkDuration } from '../windows/durations.ts';
import { checkName } from './named.ts';

export interface BufferConfig {
  /** Keys held at most; undefined for no bound. */
  readonly maxRecords: number | undefined;
  readonly whenFull: 'emit-early' | 'shut-down';
  /** A bounded buffer that sends its oldest keys early when full. */
  emitEarlyWhenFull(): BufferConfig;
  /** A buffer that fails the task (`KST_SUPPRESS_BUFFER_FULL`) when full. */
  shutDownWhenFull(): BufferConfig;
}

function bufferConfig(maxRecords: number | undefined, whenFull: BufferConfig['whenFull']): BufferConfig {
  return Object.freeze({
    maxRecords,
    whenFull,
    emitEarlyWhenFull: () => bufferConfig(maxRecords, 'emit-early'),
    shutDownWhenFull: () => bufferConfig(maxRecords, 'shut-down'),
  });
}

export const BufferConfig = Object.freeze({
  /** No bound: the buffer grows with the number of open windows (or keys). */
  unbounded: (): BufferConfig => bufferConfig(undefined, 'shut-down'),
  /** At most `count` keys; emits early when full unless told `shutDownWhenFull()`. */
  maxRecords: (count: number): BufferConfig => bufferConfig(checkDuration(count, 'BufferConfig maxRecords', { positive: true }), 'emit-early'),
});

export interface Suppressed {
  readonly kind: 'window-close' | 'time-limit';
  /** For `time-limit`: how long an update waits, in ms of stream time. */
  readonly timeLimitMs: number;
  readonly buffer: BufferConfig;
  /** Names the suppress node; its buffer store is `<name>-store`. */
  readonly name: string | undefined;
  withName(name: string): Suppressed;
}

function suppressed(kind: Suppressed['kind'], timeLimitMs: number, buffer: BufferConfig, name: string | undefined): Suppressed {
  return Object.freeze({ kind, timeLimitMs, buffer, name, withName: (given: string) => suppressed(kind, timeLimitMs, buffer, checkName(given, 'Suppressed')) });
}

export const Suppressed = Object.freeze({
  untilWindowCloses(buffer: BufferConfig): Suppressed {
    if (buffer.whenFull === 'emit-early') {
      throw new KstError('KST_TOPOLOGY_INVALID', 'Suppressed.untilWindowCloses needs a strict buffer (BufferConfig.unbounded() or shutDownWhenFull()): emitting early would not give final results', {});
    }
    return suppressed('window-close', 0, buffer, undefined);
  },
  untilTimeLimit(timeLimitMs: number, buffer: BufferConfig): Suppressed {
    return suppressed('time-limit', checkDuration(timeLimitMs, 'Suppressed time limit', { positive: false }), buffer, undefined);
  },
});
