/**
 * A long-running child process of `npm start` (the gateway, the Connect worker): a Node
 * entry with its environment, run as a `NodeProcess` (output appended to a log file),
 * up once it prints the line that says it serves, healthy when an HTTP GET of its health
 * path answers 2xx. A `SupervisedChild`: `npm start` restarts it when it crashes.
 *
 * @example
 * ```ts
 * const gateway = new ManagedProcess({ name: 'gateway', entry: 'gateway/main.ts', env, logFile, ready: /^gateway listening on (\S+)/, healthPath: '/health' });
 * const supervisor = new Supervisor(gateway, { probe: () => gateway.probe() });
 * await supervisor.start();
 * gateway.address; // the ready pattern's first group: http://127.0.0.1:8080
 * await supervisor.stop(10_000);
 * ```
 */

import { fileURLToPath } from 'node:url';
import { LAUNCHER_COMPILE_CACHE, NodeProcess, type ProcessExit } from '../platform/node-process.ts';
import type { SupervisedChild } from '../platform/supervision/supervisor.ts';

export interface ManagedProcessOptions {
  readonly name: string;
  /** Path of the entry, from the repository root. */
  readonly entry: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly logFile: string;
  /** The stdout line that says it is up; its first group is its address (`http://host:port`). */
  readonly ready: RegExp;
  /** Path under its address whose GET answers 2xx while it is healthy. */
  readonly healthPath: string;
  /**
   * The variable that sets its port (`GATEWAY_HTTP_PORT`): a restart binds the port its
   * first run reported, so that its address stays the same also when it was 0 (any).
   */
  readonly portVariable?: string;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

export class ManagedProcess implements SupervisedChild {
  readonly name: string;
  readonly #options: ManagedProcessOptions;
  readonly #process: NodeProcess;
  #address = '';
  #startMark = 0;

  constructor(options: ManagedProcessOptions) {
    this.name = options.name;
    this.#options = options;
    this.#process = new NodeProcess({ name: options.name, entry: `${root}${options.entry}`, ...(options.args === undefined ? {} : { args: options.args }), env: options.env, logFile: options.logFile, cwd: root, ownProcessGroup: true, compileCache: LAUNCHER_COMPILE_CACHE });
  }

  /** What its ready line named (the first group), once it printed it. */
  get address(): string {
    return this.#address;
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  start(): void {
    this.#startMark = this.#process.mark();
    const port = this.#address === '' ? '' : new URL(this.#address).port;
    this.#process.start(this.#options.portVariable === undefined || port === '' ? {} : { [this.#options.portVariable]: port });
  }

  /** Resolves once this run printed its ready line; rejects if it exits first or the time is up. */
  async ready(timeoutMs: number): Promise<void> {
    const line = await this.#process.waitFor(this.#options.ready, { from: this.#startMark, timeoutMs });
    const match = this.#options.ready.exec(line) as RegExpExecArray;
    this.#address = match[1] ?? line;
  }

  /** True when a GET of its health path answers 2xx within a second. */
  async probe(): Promise<boolean> {
    if (this.#address === '') return false;
    const response = await fetch(`${this.#address}${this.#options.healthPath}`, { signal: AbortSignal.timeout(1_000) });
    await response.body?.cancel();
    return response.ok;
  }

  onExit(listener: (exit: ProcessExit) => void): () => void {
    return this.#process.onExit(listener);
  }

  kill(): Promise<void> {
    return this.#process.kill('SIGKILL');
  }

  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once it has exited. */
  stop(timeoutMs: number): Promise<boolean> {
    return this.#process.stop(timeoutMs);
  }

  tail(count: number): string {
    return this.#process.tail(count);
  }
}
