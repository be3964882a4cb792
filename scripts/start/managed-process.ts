/**
 * A long-running child process of `npm start` (the gateway, the Connect worker): a Node
 * entry with its environment, its output appended to a log file, started and awaited
 * until it prints the line that says it serves, and stopped with SIGTERM (SIGKILL when it
 * does not exit in time).
 *
 * @example
 * ```ts
 * const gateway = new ManagedProcess({ name: 'gateway', entry: 'gateway/main.ts', env, logFile, ready: /^gateway listening on (\S+)/ });
 * const url = await gateway.start(60_000); // the ready pattern's first group
 * await gateway.stop(10_000);
 * ```
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface ManagedProcessOptions {
  readonly name: string;
  /** Path of the entry, from the repository root. */
  readonly entry: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  /** The stdout line that says it is up; its first group is what `start` resolves with. */
  readonly ready: RegExp;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

export class ManagedProcess {
  readonly name: string;
  readonly #options: ManagedProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.#options = options;
  }

  /** Starts it; resolves with what the ready line names, rejects if it exits first or the time is up. */
  start(timeoutMs: number): Promise<string> {
    const { entry, args = [], env, logFile, ready } = this.#options;
    const log = (line: string): void => appendFileSync(logFile, `${line}\n`);
    const child = spawn(process.execPath, [entry, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => log(`[stderr] ${line}`));
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not report ready within ${timeoutMs} ms; see ${logFile}`)), timeoutMs);
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        log(line);
        const match = ready.exec(line);
        if (match !== null) {
          clearTimeout(timer);
          resolve(match[1] ?? line);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited (code ${String(code)}, signal ${String(signal)}) before it was ready; see ${logFile}`));
      });
    });
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once it has exited. */
  async stop(timeoutMs: number): Promise<void> {
    const child = this.#child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.#exited;
    clearTimeout(timer);
  }
}
