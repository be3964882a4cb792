/**
 * A Node entry run as a child process, the one piece every launcher and test harness
 * uses for it (platform service processes, the gateway, the Connect worker, test apps):
 * started with the project's Node, its stdout and stderr appended (time-stamped) to a log
 * file that survives restarts, its stdout lines kept (the last `keptLines`, with absolute
 * indexes) so a caller can wait for the next line matching a pattern.
 *
 * It can be SIGKILLed (a crash: no commit, no close) and started again, or stopped:
 * SIGTERM, then SIGKILL when it does not exit in time. A caller that restarts it may keep
 * a warm spare (`prepareSpare`): a process of the same entry started ahead, its modules
 * loaded, which the next `start` activates instead of spawning (common/warm-start.ts).
 *
 * @example
 * ```ts
 * const app = new NodeProcess({ name: 'gateway', entry: '/repo/gateway/main.ts', env, logFile });
 * app.start();
 * const line = await app.waitFor(/^gateway listening on /, { timeoutMs: 60_000 });
 * const from = app.mark();
 * await app.kill();
 * app.start();
 * await app.waitFor(/^gateway listening on /, { from });
 * await app.stop(10_000);
 * ```
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readableLogFileLine } from './log-lines.ts';
import { WARM_SPARE_VARIABLE } from '../../common/warm-start.ts';

/**
 * Node's on-disk compile cache for the launcher's children: with it, loading the engine's
 * modules on a restart takes about half as long (measured: 1.2–1.9 s instead of 2.7–3.0 s
 * for the service entry's imports on the shared 2-core machine), which is most of the
 * time a restarted process needs before it joins its group.
 */
export const LAUNCHER_COMPILE_CACHE = fileURLToPath(new URL('../../.cache/node-compile/', import.meta.url));

export interface NodeProcessOptions {
  /** Shown in logs and errors, e.g. `order-0`. */
  readonly name: string;
  /** Absolute path of the `.ts` (or `.js`) entry point. */
  readonly entry: string;
  readonly args?: readonly string[];
  /** Added to this process's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  readonly cwd?: string;
  /** Stdout lines kept in memory (the log file has all of them); default 10 000. */
  readonly keptLines?: number;
  /**
   * Run it in a process group of its own, so that a Ctrl-C in the terminal reaches only
   * the launcher, which then stops it (and knows the exit is no crash). Default false: a
   * test's children die with the test run's process group.
   */
  readonly ownProcessGroup?: boolean;
  /** `NODE_COMPILE_CACHE` of the child (unless the environment sets one); default none. */
  readonly compileCache?: string;
}

interface Spare {
  readonly child: ChildProcess;
  /** Date.now() when it was spawned. */
  readonly since: number;
}

const alive = (child: ChildProcess): boolean => child.exitCode === null && child.signalCode === null;

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface WaitOptions {
  /** Only lines from this index on count (see `mark()`); default: from the first kept line. */
  readonly from?: number;
  readonly timeoutMs?: number;
}

/** `code 70` or `signal SIGKILL`: how a process ended, for messages. */
export function describeExit(exit: ProcessExit): string {
  return exit.signal !== null ? `signal ${exit.signal}` : `code ${String(exit.code)}`;
}

export class NodeProcess {
  readonly name: string;
  readonly logFile: string;
  readonly #options: NodeProcessOptions;
  readonly #kept: number;
  #lines: string[] = [];
  /** Lines dropped from the front of `#lines`, so indexes stay absolute. */
  #dropped = 0;
  #child: ChildProcess | null = null;
  #exit: ProcessExit | null = null;
  #exited: Promise<ProcessExit> = Promise.resolve({ code: null, signal: null });
  #runs = 0;
  #spare: Spare | undefined;
  #lastRunSpare: { readonly pid: number | undefined; readonly waitedMs: number } | undefined;
  readonly #listeners = new Set<() => void>();
  readonly #exitListeners = new Set<(exit: ProcessExit) => void>();
  readonly #lineListeners = new Set<(line: string) => void>();

  constructor(options: NodeProcessOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    this.#options = options;
    this.#kept = options.keptLines ?? 10_000;
  }

  get running(): boolean {
    return this.#child !== null && this.#exit === null;
  }

  get pid(): number | undefined {
    return this.running ? this.#child?.pid : undefined;
  }

  /** How often it has been started. */
  get runs(): number {
    return this.#runs;
  }

  /** How the last run ended; null while it runs or before the first. */
  get exit(): ProcessExit | null {
    return this.#exit;
  }

  /** The kept stdout lines (the last `keptLines` of every run). */
  get lines(): readonly string[] {
    return this.#lines;
  }

  /** Index of the next line; pass it as `from` to wait only for what comes after now. */
  mark(): number {
    return this.#dropped + this.#lines.length;
  }

  /**
   * Starts a run. `env` is added to the options' environment for this run only (a port
   * the first run reported, for instance). When a warm spare waits (`prepareSpare`), the
   * run is that spare, activated with `env`; otherwise a new process is spawned.
   */
  start(env: Readonly<Record<string, string>> = {}): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.#runs += 1;
    this.#exit = null;
    const spare = this.#takeSpare();
    let child: ChildProcess;
    if (spare !== undefined) {
      child = spare.child;
      this.#lastRunSpare = { pid: child.pid, waitedMs: Date.now() - spare.since };
      this.#log(`---- run ${this.#runs} of ${this.name}: the warm spare (pid ${String(child.pid)}, started ${((Date.now() - spare.since) / 1000).toFixed(1)} s before), activated`);
      child.stdin?.write(`${JSON.stringify(env)}\n`);
    } else {
      this.#lastRunSpare = undefined;
      const { entry, args = [] } = this.#options;
      this.#log(`---- run ${this.#runs} of ${this.name}: ${process.execPath} ${[entry, ...args].join(' ')}`);
      child = this.#spawn(env, false);
    }
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      const ended = (exit: ProcessExit): void => {
        if (this.#exit !== null) return;
        this.#exit = exit;
        this.#log(`---- ${this.name} exited (${describeExit(exit)})`);
        this.#notify();
        for (const listener of [...this.#exitListeners]) listener(exit);
        resolve(exit);
      };
      child.once('exit', (code, signal) => ended({ code, signal }));
      // A spawn that fails (no such executable) emits 'error' and no 'exit'.
      child.once('error', (error) => {
        this.#log(`[spawn] ${error.message}`);
        ended({ code: null, signal: null });
      });
    });
  }

  /**
   * Starts a warm spare for the next run, unless one waits already: the entry is spawned
   * with `KST_WARM_SPARE=1`, loads its modules and waits (see common/warm-start.ts) until
   * `start` activates it. Its output goes to the log, marked, until then.
   */
  prepareSpare(): void {
    if (this.#spare !== undefined && alive(this.#spare.child)) return;
    const child = this.#spawn({}, true);
    const spare = { child, since: Date.now() };
    this.#spare = spare;
    this.#log(`---- warm spare of ${this.name} started (pid ${String(child.pid)})`);
    const gone = (why: string): void => {
      if (this.#spare !== spare) return;
      this.#spare = undefined;
      this.#log(`---- warm spare of ${this.name} (pid ${String(child.pid)}) ${why}`);
    };
    child.once('exit', (code, signal) => gone(`exited (${describeExit({ code, signal })})`));
    child.once('error', (error) => gone(`failed: ${error.message}`));
  }

  /** Ends the warm spare, if one waits (a shutdown). */
  async discardSpare(): Promise<void> {
    const spare = this.#spare;
    this.#spare = undefined;
    if (spare === undefined || !alive(spare.child)) return;
    const exited = new Promise((resolve) => spare.child.once('exit', resolve));
    spare.child.kill('SIGKILL');
    await exited;
  }

  /** Whether a warm spare waits for the next run. */
  get spareReady(): boolean {
    return this.#spare !== undefined && alive(this.#spare.child);
  }

  /** The current (or last) run's spare: its pid and how long it had waited; undefined when the run was spawned. */
  get lastRunSpare(): { readonly pid: number | undefined; readonly waitedMs: number } | undefined {
    return this.#lastRunSpare;
  }

  #takeSpare(): Spare | undefined {
    const spare = this.#spare;
    this.#spare = undefined;
    return spare !== undefined && alive(spare.child) && spare.child.stdin !== null ? spare : undefined;
  }

  #spawn(env: Readonly<Record<string, string>>, spare: boolean): ChildProcess {
    const { entry, args = [], cwd } = this.#options;
    const child = spawn(process.execPath, [entry, ...args], {
      ...(cwd === undefined ? {} : { cwd }),
      detached: this.#options.ownProcessGroup === true,
      env: {
        ...(this.#options.compileCache === undefined ? {} : { NODE_COMPILE_CACHE: this.#options.compileCache }),
        ...process.env,
        ...this.#options.env,
        ...env,
        ...(spare ? { [WARM_SPARE_VARIABLE]: '1' } : {}),
      },
      stdio: [spare ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    });
    // A spare that died before its activation must not take the launcher with it (EPIPE).
    child.stdin?.on('error', () => undefined);
    const current = (): boolean => this.#child === child;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      if (!current()) {
        this.#log(`[spare ${String(child.pid)}] ${line}`);
        return;
      }
      this.#lines.push(line);
      if (this.#lines.length > this.#kept) {
        this.#lines.shift();
        this.#dropped += 1;
      }
      this.#log(line);
      for (const listener of [...this.#lineListeners]) listener(line);
      this.#notify();
    });
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => this.#log(`${current() ? '' : `[spare ${String(child.pid)}] `}[stderr] ${line}`));
    return child;
  }

  /** Calls `listener` each time a run ends; returns a function that stops it. */
  onExit(listener: (exit: ProcessExit) => void): () => void {
    this.#exitListeners.add(listener);
    return () => this.#exitListeners.delete(listener);
  }

  /** Calls `listener` with each stdout line of every run; returns a function that stops it. */
  onLine(listener: (line: string) => void): () => void {
    this.#lineListeners.add(listener);
    return () => this.#lineListeners.delete(listener);
  }

  /** Sends a signal and returns at once (a test app's SIGUSR2 arms its transaction probe, SIGHUP closes and leaves the group). */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.#child?.kill(signal);
  }

  /** Resolves once the current run has exited; rejects after `timeoutMs` naming `what`, with the log tail. */
  async waitExit(what: string, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      this.#exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!exited) throw new Error(`${this.name} did not exit within ${timeoutMs} ms: ${what}\n${this.tail()}`);
  }

  /** A crash: no commit, no close, open transactions left behind. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.#child?.kill(signal);
    await this.#exited;
  }

  /** SIGTERM (it closes cleanly), then SIGKILL after `timeoutMs`; a warm spare is ended. True when it exited by itself with code 0. */
  async stop(timeoutMs = 20_000): Promise<boolean> {
    await this.discardSpare();
    if (!this.running) return this.#exit?.code === 0;
    this.#child?.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.#exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (timedOut) await this.kill('SIGKILL');
    return !timedOut && this.#exit?.code === 0;
  }

  /**
   * Resolves with the first stdout line (from `from` on) that matches; rejects when the
   * run exits first or the time is up, with the tail of its log in the message.
   */
  waitFor(pattern: RegExp, options: WaitOptions = {}): Promise<string> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      let scanned = Math.max(options.from ?? 0, this.#dropped);
      const check = (): void => {
        for (scanned = Math.max(scanned, this.#dropped); scanned < this.mark(); scanned++) {
          const line = this.#lines[scanned - this.#dropped] as string;
          if (pattern.test(line)) return done(() => resolve(line));
        }
        if (this.#exit !== null) done(() => reject(new Error(`${this.name} exited (${describeExit(this.#exit as ProcessExit)}) before printing ${String(pattern)}\n${this.tail()}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`${this.name} printed no ${String(pattern)} within ${timeoutMs} ms\n${this.tail()}`))), timeoutMs);
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        settle();
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Every kept stdout line matching `pattern` (from `from` on). */
  matching(pattern: RegExp, from = 0): string[] {
    return this.#lines.slice(Math.max(0, from - this.#dropped)).filter((line) => pattern.test(line));
  }

  /** The last lines of the log file (all runs, stderr included), JSON log lines shown as level and message. */
  tail(count = 60): string {
    let text: string;
    try {
      text = readFileSync(this.logFile, 'utf8');
    } catch {
      return `(no log at ${this.logFile})`;
    }
    const lines = text.trimEnd().split('\n');
    return `---- last ${Math.min(count, lines.length)} of ${lines.length} log lines of ${this.name} (${this.logFile})\n${lines.slice(-count).map(readableLogFileLine).join('\n')}`;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #log(line: string): void {
    appendFileSync(this.logFile, `${new Date().toISOString()} ${line}\n`);
  }
}
