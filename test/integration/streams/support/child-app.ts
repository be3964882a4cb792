/**
 * A streams app run as a child process of a test: started with the project's Node, its
 * stdout and stderr appended (time-stamped) to a log file that survives restarts, its
 * stdout lines kept so a test can wait for the next line matching a pattern.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

export interface ChildAppOptions {
  /** Shown in logs and errors, e.g. `agg-a`. */
  readonly name: string;
  /** Absolute path of the `.ts` entry point. */
  readonly script: string;
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
}

export interface WaitOptions {
  /** Only lines from this index on count (see `mark()`); default: from the start. */
  readonly from?: number;
  readonly timeoutMs?: number;
}

export class ChildApp {
  readonly name: string;
  readonly logFile: string;
  /** Every stdout line of every run of the app, in order. */
  readonly lines: string[] = [];
  readonly #options: ChildAppOptions;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  #listeners = new Set<() => void>();
  #runs = 0;

  constructor(options: ChildAppOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    this.#options = options;
  }

  get running(): boolean {
    return this.#child !== null && this.#exit === null;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Index of the next line; pass it as `from` to wait only for what comes after now. */
  mark(): number {
    return this.lines.length;
  }

  start(): void {
    if (this.running) throw new Error(`${this.name} is already running`);
    this.#runs += 1;
    this.#exit = null;
    this.#log(`---- run ${this.#runs} of ${this.name}: ${process.execPath} ${this.#options.script}`);
    const child = spawn(process.execPath, [this.#options.script], {
      env: { ...process.env, ...this.#options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      this.lines.push(line);
      this.#log(line);
      this.#notify();
    });
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => this.#log(`[stderr] ${line}`));
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        this.#log(`---- ${this.name} exited (code ${String(code)}, signal ${String(signal)})`);
        this.#notify();
        resolve();
      });
    });
  }

  /** How the last run ended; null while it runs (or before the first). */
  get exit(): { readonly code: number | null; readonly signal: NodeJS.Signals | null } | null {
    return this.#exit;
  }

  /** Sends a signal and returns at once (SIGUSR2 arms the transaction probe, SIGHUP closes and leaves the group). */
  signal(signal: NodeJS.Signals): void {
    if (this.running) this.#child?.kill(signal);
  }

  /** Resolves once the current run has exited; rejects after `timeoutMs` with `what` and the log tail. */
  async waitExit(what: string, timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const exited = await Promise.race([
      this.#exited.then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
    ]);
    clearTimeout(timer);
    if (!exited) throw new Error(`${this.name} did not exit within ${timeoutMs} ms: ${what}\n${this.tail()}`);
  }

  /** Kills without any chance to clean up: no commit, no close, open transactions left behind. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.#child?.kill(signal);
    await this.#exited;
  }

  /** SIGTERM (the app closes cleanly), then SIGKILL after `timeoutMs`. True when it exited by itself with code 0. */
  async stop(timeoutMs = 20_000): Promise<boolean> {
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
   * app exits first or the time is up, with the tail of its log in the message.
   */
  waitFor(pattern: RegExp, options: WaitOptions = {}): Promise<string> {
    const from = options.from ?? 0;
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      let scanned = from;
      const check = (): void => {
        for (; scanned < this.lines.length; scanned++) {
          const line = this.lines[scanned] as string;
          if (pattern.test(line)) return done(() => resolve(line));
        }
        if (this.#exit !== null) done(() => reject(new Error(`${this.name} exited (${JSON.stringify(this.#exit)}) before printing ${String(pattern)}\n${this.tail()}`)));
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

  /** Every stdout line matching `pattern` (from `from` on). */
  matching(pattern: RegExp, from = 0): string[] {
    return this.lines.slice(from).filter((line) => pattern.test(line));
  }

  /** The last lines of the log file (all runs, stderr included). */
  tail(count = 60): string {
    let text: string;
    try {
      text = readFileSync(this.logFile, 'utf8');
    } catch {
      return `(no log at ${this.logFile})`;
    }
    const lines = text.trimEnd().split('\n');
    return `---- last ${Math.min(count, lines.length)} of ${lines.length} log lines of ${this.name} (${this.logFile})\n${lines.slice(-count).join('\n')}`;
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #log(line: string): void {
    appendFileSync(this.logFile, `${new Date().toISOString()} ${line}\n`);
  }
}
