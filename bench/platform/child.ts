/**
 * A child Node process of the platform benchmark (the gateway, or a service instance with
 * its query server): started with `process.execPath`, its output appended to a log file,
 * awaited until a line announcing it is ready, stopped with SIGTERM and, if it does not
 * exit in time, SIGKILL. Separate processes, as in the platform: the load generator must
 * not share an event loop with what it measures.
 *
 * @example
 * ```ts
 * const gateway = await BenchChild.start('gateway', ['gateway/main.ts'], env, /gateway listening on (\S+)/, logDir);
 * gateway.match?.[1]; // 'http://127.0.0.1:41234'
 * await gateway.stop();
 * ```
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export class BenchChild {
  readonly name: string;
  readonly logFile: string;
  /** The ready line's match (its groups carry the address the child printed). */
  match: RegExpExecArray | null = null;
  readonly #child: ChildProcess;
  readonly #log: WriteStream;
  readonly #exited: Promise<void>;
  #exitCode: number | null | undefined;

  private constructor(name: string, child: ChildProcess, logFile: string, log: WriteStream) {
    this.name = name;
    this.#child = child;
    this.logFile = logFile;
    this.#log = log;
    this.#exited = new Promise((resolve) => child.once('exit', (code) => {
      this.#exitCode = code;
      resolve();
    }));
  }

  /** Spawns `node <args>` in the project root and waits for a stdout line matching `ready`. */
  static async start(name: string, args: readonly string[], env: Readonly<Record<string, string>>, ready: RegExp, logDir: string, timeoutMs = 180_000): Promise<BenchChild> {
    const logFile = join(logDir, `${name}.log`);
    const log = createWriteStream(logFile, { flags: 'a' });
    const child = spawn(process.execPath, [...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const handle = new BenchChild(name, child, logFile, log);
    createInterface({ input: child.stderr as NodeJS.ReadableStream }).on('line', (line) => log.write(`[stderr] ${line}\n`));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not print ${ready} within ${timeoutMs} ms\n${handle.tail()}`)), timeoutMs);
      lines.on('line', (line) => {
        log.write(`${line}\n`);
        const match = ready.exec(line);
        if (match !== null && handle.match === null) {
          handle.match = match;
          clearTimeout(timer);
          resolve();
        }
      });
      void handle.#exited.then(() => {
        clearTimeout(timer);
        if (handle.match === null) reject(new Error(`${name} exited with code ${String(handle.#exitCode)} before it was ready\n${handle.tail()}`));
      });
    });
    return handle;
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`. */
  async stop(timeoutMs = 20_000): Promise<void> {
    if (this.#exitCode === undefined) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
      await this.#exited;
      clearTimeout(timer);
    }
    this.#log.end();
  }

  tail(lines = 30): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return `(no log at ${this.logFile})`;
    }
  }
}
