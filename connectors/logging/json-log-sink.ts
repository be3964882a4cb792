/**
 * The worker process's log sink: each entry that passed its logger's level (levels are
 * the `LoggerRegistry`'s, changed at runtime through `/admin/loggers`) as one JSON line
 * written by pino, with `service` (`connect`), `instance` (the worker id once known),
 * `logger`, and the logger's fields (`connector`, `task`). Pino itself lets every level
 * through: the registry already decided.
 *
 * @example
 * ```ts
 * const sink = jsonLogSink({ instance: () => worker.workerId });
 * const worker = new Worker(settings, { logSink: sink });
 * ```
 */

import { pino, type DestinationStream } from 'pino';
import type { LogEntry, LogSink } from './loggers.ts';

export interface JsonLogSinkOptions {
  /** The worker id (`host:port`), once the worker listens; `<pid>` until then. */
  readonly instance: () => string;
  /** Where lines go; stdout by default (tests pass a stream). */
  readonly destination?: DestinationStream;
}

const PINO_LEVEL: Readonly<Record<LogEntry['level'], 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'>> = {
  FATAL: 'fatal', ERROR: 'error', WARN: 'warn', INFO: 'info', DEBUG: 'debug', TRACE: 'trace',
};

export function jsonLogSink(options: JsonLogSinkOptions): LogSink {
  const log = pino({
    level: 'trace',
    base: { service: 'connect' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, options.destination ?? pino.destination({ dest: 1, sync: true }));
  return (_line, entry) => {
    const instance = options.instance();
    log[PINO_LEVEL[entry.level]]({ instance: instance === '' ? String(process.pid) : instance, logger: entry.logger, ...entry.fields }, entry.message);
  };
}
