/**
 * A service process's structured log: JSON lines (pino) on stdout, each with the
 * `service`, its `instance` (the static member id, else host and pid), and what the line
 * is about (`thread`, `task`, `orderId`), at the level `log.level` sets
 * (`ECOMMERCE_LOG_LEVEL`). `engineLogger` adapts it to the engine's `Logger` interface,
 * which `KafkaStreams` takes, so the engine itself depends on no logging library.
 *
 * The process's contract lines for launchers (`<app> started`, `<app> state RUNNING`)
 * stay plain text on stdout beside these lines (see service-main-loop.ts); a launcher
 * shows a JSON line as its level and message (scripts/platform/log-lines.ts).
 *
 * @example
 * ```ts
 * const log = serviceLog({ service: 'order', instance: 'order-0', level: 'info' });
 * log.info({ orderId: 'o-1' }, 'order PENDING → RESERVED');
 * new KafkaStreams(topology, config, { logger: engineLogger(log) });
 * ```
 */

import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import type { LogFields, Logger } from '../../../common/logger.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface ServiceLogOptions {
  readonly service: string;
  /** The process's stable name (`order-0`); empty: `<host>-<pid>`. */
  readonly instance: string;
  readonly level: LogLevel;
  /** Where the lines go; stdout by default (tests pass a stream). */
  readonly destination?: DestinationStream;
}

export type ServiceLog = Pino;

export function serviceLog(options: ServiceLogOptions): ServiceLog {
  const instance = options.instance === '' ? `${hostname()}-${process.pid}` : options.instance;
  return pino({
    level: options.level,
    base: { service: options.service, instance },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  }, options.destination ?? pino.destination({ dest: 1, sync: true }));
}

/** The engine's `Logger` over a pino logger: fields first, as pino takes them. */
export function engineLogger(log: Pino): Logger {
  const call = (method: 'error' | 'warn' | 'info' | 'debug') => (message: string, fields?: LogFields): void => {
    if (fields === undefined) log[method](message);
    else log[method](fields as Record<string, unknown>, message);
  };
  return { error: call('error'), warn: call('warn'), info: call('info'), debug: call('debug'), child: (fields) => engineLogger(log.child(fields as Record<string, unknown>)) };
}
