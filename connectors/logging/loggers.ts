/**
 * Named loggers with levels that `/admin/loggers` reads and changes at runtime, as
 * Connect's `Loggers` over log4j: setting a level on a namespace sets it on every known
 * logger below it, and `last_modified` records when. A line that passes its logger's
 * level goes to the sink as text and as a structured entry (`jsonLogSink` in
 * json-log-sink.ts writes the entry as a JSON line).
 */

export const LEVELS = ['OFF', 'FATAL', 'ERROR', 'WARN', 'INFO', 'DEBUG', 'TRACE'] as const;
export type Level = (typeof LEVELS)[number];

export interface LoggerLevel {
  readonly level: Level;
  readonly last_modified: number | null;
}

export interface Logger {
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export const ROOT_LOGGER = 'root';

/** One line that passed its logger's level. */
export interface LogEntry {
  readonly level: Exclude<Level, 'OFF'>;
  /** The logger's name, e.g. `io.kstreams.connect.runtime.Worker`. */
  readonly logger: string;
  readonly message: string;
  /** Fields the logger was created with (`connector`, `task`). */
  readonly fields: Readonly<Record<string, string>>;
}

/** Where lines go: the text form (`[time] LEVEL message (logger)`) and the entry. */
export type LogSink = (line: string, entry: LogEntry) => void;

/**
 * @example
 * ```ts
 * const loggers = new LoggerRegistry('INFO');
 * const log = loggers.get('io.kstreams.connect.runtime.WorkerSinkTask');
 * loggers.setLevel('io.kstreams.connect', 'DEBUG'); // ['io.kstreams.connect.runtime.WorkerSinkTask']
 * ```
 */
export class LoggerRegistry {
  readonly #levels = new Map<string, LoggerLevel>();
  readonly #sink: LogSink;

  constructor(rootLevel: Level = 'INFO', sink: LogSink = (line) => console.log(line)) {
    this.#levels.set(ROOT_LOGGER, { level: rootLevel, last_modified: null });
    this.#sink = sink;
  }

  /** The logger `name`; it inherits the nearest ancestor's level until set on its own. Its lines carry `fields`. */
  get(name: string, fields: Readonly<Record<string, string>> = {}): Logger {
    if (!this.#levels.has(name)) this.#levels.set(name, { level: this.#inherited(name), last_modified: null });
    const write = (level: Exclude<Level, 'OFF'>) => (message: string): void => {
      const current = this.#levels.get(name)?.level ?? 'INFO';
      if (LEVELS.indexOf(level) <= LEVELS.indexOf(current) && current !== 'OFF') {
        this.#sink(`[${new Date().toISOString()}] ${level} ${message} (${name})`, { level, logger: name, message, fields });
      }
    };
    return { error: write('ERROR'), warn: write('WARN'), info: write('INFO'), debug: write('DEBUG') };
  }

  all(): Record<string, LoggerLevel> {
    return Object.fromEntries([...this.#levels].sort(([a], [b]) => (a === ROOT_LOGGER ? -1 : b === ROOT_LOGGER ? 1 : a < b ? -1 : 1)));
  }

  level(name: string): LoggerLevel | undefined {
    return this.#levels.get(name);
  }

  /** Sets `namespace` and every known logger under it; returns the names changed, sorted. */
  setLevel(namespace: string, level: Level): string[] {
    const now = Date.now();
    const changed: string[] = [];
    if (!this.#levels.has(namespace)) this.#levels.set(namespace, { level, last_modified: now });
    for (const name of this.#levels.keys()) {
      if (namespace === ROOT_LOGGER || name === namespace || name.startsWith(`${namespace}.`)) {
        this.#levels.set(name, { level, last_modified: now });
        changed.push(name);
      }
    }
    return changed.sort();
  }

  #inherited(name: string): Level {
    for (let cut = name.lastIndexOf('.'); cut > 0; cut = name.lastIndexOf('.', cut - 1)) {
      const parent = this.#levels.get(name.slice(0, cut));
      if (parent !== undefined) return parent.level;
    }
    return this.#levels.get(ROOT_LOGGER)?.level ?? 'INFO';
  }
}
