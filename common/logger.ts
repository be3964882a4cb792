/**
 * The logger the engine writes to: a small interface, so an application plugs in the
 * logging library it runs (pino, winston, its own) and the engine depends on none. Each
 * call takes a message and optional structured fields (`thread`, `task`, `topic`, …);
 * `child` binds fields for every later call, as pino's and winston's children do.
 *
 * The default, `consoleLogger`, writes warnings and errors to the console as the engine
 * always did (the message only) and drops info and debug.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const base = pino();
 * const adapt = (log: pino.Logger): Logger => ({
 *   error: (message, fields) => log.error(fields ?? {}, message),
 *   warn: (message, fields) => log.warn(fields ?? {}, message),
 *   info: (message, fields) => log.info(fields ?? {}, message),
 *   debug: (message, fields) => log.debug(fields ?? {}, message),
 *   child: (fields) => adapt(log.child(fields)),
 * });
 * new KafkaStreams(topology, config, { logger: adapt(base) });
 * ```
 */

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

const silent = (): void => undefined;

/** Warnings and errors to `console.warn` / `console.error`, info and debug dropped. */
export const consoleLogger: Logger = {
  error: (message) => console.error(message),
  warn: (message) => console.warn(message),
  info: silent,
  debug: silent,
  child: () => consoleLogger,
};

/** A logger that writes nothing (tests, benchmarks). */
export const silentLogger: Logger = { error: silent, warn: silent, info: silent, debug: silent, child: () => silentLogger };
