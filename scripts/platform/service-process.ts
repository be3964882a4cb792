/**
 * One service process of the platform: `node gateway/service-main.ts <service>`
 * with its own state folder and query endpoint. Its stdout and stderr are appended to a
 * log file that survives restarts; its stdout lines (the service's `started` and
 * `state <STATE>` lines, see topologies/ecommerce/service-main-loop.ts) are kept so a caller can wait for RUNNING.
 *
 * It can be SIGKILLed (no commit, no close: a crash) and started again on the same state
 * folder, or stopped: SIGTERM, then SIGKILL when it does not exit in time. Every run is
 * the same static group member, `group.instance.id` `<service>-<index>`: a restart
 * within the session timeout takes its old place and tasks without a rebalance.
 *
 * @example
 * ```ts
 * const process = new ServiceProcess({ service: 'order', index: 0, endpoint: '127.0.0.1:50051', stateDir, logFile, env });
 * process.start();
 * await process.waitRunning(120_000);
 * await process.kill();
 * process.start();
 * await process.stop(30_000);
 * ```
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { KstError } from '../../common/errors.ts';
import type { ServiceName } from '../../topologies/ecommerce/contracts/stores.ts';

// The service with its gRPC query server, so the gateway and peers can query every process.
const MAIN = fileURLToPath(new URL('../../gateway/service-main.ts', import.meta.url));
/** Stdout lines kept in memory; the log file has all of them. */
const KEPT_LINES = 2_000;

export interface ServiceProcessOptions {
  readonly service: ServiceName;
  readonly index: number;
  /**
   * host:port of its query endpoint (its query server binds it: `QUERY_GRPC_HOST`,
   * `QUERY_GRPC_PORT`); port 0 binds a free port, which `endpoint` tells once the process
   * has reported it.
   */
  readonly endpoint: string;
  readonly stateDir: string;
  readonly logFile: string;
  /** The service settings as `ECOMMERCE_*` variables. */
  readonly env: Readonly<Record<string, string>>;
}

/** The query server's bind address and port, from the endpoint it answers on (its application.server). */
function queryEnvironment(endpoint: string): Record<string, string> {
  const colon = endpoint.lastIndexOf(':');
  return { QUERY_GRPC_HOST: endpoint.slice(0, colon), QUERY_GRPC_PORT: endpoint.slice(colon + 1) };
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

export class ServiceProcess {
  readonly service: ServiceName;
  readonly index: number;
  #endpoint: string;
  readonly logFile: string;
  readonly #options: ServiceProcessOptions;
  #lines: string[] = [];
  /** Lines dropped from the front of `#lines`, so marks stay absolute. */
  #dropped = 0;
  #child: ChildProcess | null = null;
  #exit: ProcessExit | null = null;
  #exited: Promise<void> = Promise.resolve();
  #startMark = 0;
  #runs = 0;
  readonly #listeners = new Set<() => void>();

  constructor(options: ServiceProcessOptions) {
    this.service = options.service;
    this.index = options.index;
    this.#endpoint = options.endpoint;
    this.logFile = options.logFile;
    this.#options = options;
  }

  /** Where it answers queries: as configured, or, with port 0, as it last reported. */
  get endpoint(): string {
    return this.#endpoint;
  }

  get name(): string {
    return `${this.service}-${this.index}`;
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

  /** The last client state it printed since it was last started, if any. */
  get state(): string | undefined {
    for (let i = this.#lines.length - 1; i >= 0 && i + this.#dropped >= this.#startMark; i--) {
      const match = / state ([A-Z_]+)$/.exec(this.#lines[i] as string);
      if (match !== null) return match[1];
    }
    return undefined;
  }

  start(): void {
    if (this.running) throw new KstError('KST_PLATFORM_PROCESS_FAILED', `${this.name} is already running`, { process: this.name });
    this.#runs += 1;
    this.#exit = null;
    this.#startMark = this.#dropped + this.#lines.length;
    this.#log(`---- run ${this.#runs} of ${this.name} (${this.endpoint}, state in ${this.#options.stateDir})`);
    const child = spawn(process.execPath, [MAIN, this.service], {
      env: { ...process.env, ...this.#options.env, ECOMMERCE_STATE_DIR: this.#options.stateDir, ECOMMERCE_GROUP_INSTANCE_ID: this.name, ...queryEnvironment(this.#options.endpoint) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      this.#lines.push(line);
      if (this.#lines.length > KEPT_LINES) {
        this.#lines.shift();
        this.#dropped += 1;
      }
      this.#log(line);
      const reported = / queries on (\S+:\d+)$/.exec(line);
      if (reported !== null) this.#endpoint = reported[1] as string;
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

  /** Resolves once it printed `state RUNNING` since it was last started; rejects if it exits first or the time is up. */
  waitRunning(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.#ranSinceStart()) return done(resolve);
        if (this.#exit !== null) done(() => reject(this.#failure(`exited (${JSON.stringify(this.#exit)}) before it was RUNNING`)));
      };
      const timer = setTimeout(() => done(() => reject(this.#failure(`was not RUNNING within ${timeoutMs} ms`))), timeoutMs);
      const done = (settle: () => void): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
        settle();
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** A crash: no commit, no close, open transactions left behind. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (!this.running) return;
    this.#child?.kill(signal);
    await this.#exited;
  }

  /** SIGTERM (the service closes cleanly), SIGKILL after `timeoutMs`. True when it exited by itself with code 0. */
  async stop(timeoutMs: number): Promise<boolean> {
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

  /** The last lines of its log (every run, stderr included). */
  tail(count = 40): string {
    let text: string;
    try {
      text = readFileSync(this.logFile, 'utf8');
    } catch {
      return `(no log at ${this.logFile})`;
    }
    const lines = text.trimEnd().split('\n');
    return `---- last ${Math.min(count, lines.length)} of ${lines.length} log lines of ${this.name} (${this.logFile})\n${lines.slice(-count).join('\n')}`;
  }

  #ranSinceStart(): boolean {
    const from = Math.max(0, this.#startMark - this.#dropped);
    return this.#lines.slice(from).some((line) => line.endsWith(' state RUNNING'));
  }

  #failure(what: string): KstError {
    return new KstError('KST_PLATFORM_PROCESS_FAILED', `${this.name} ${what}\n${this.tail()}`, { process: this.name, logFile: this.logFile });
  }

  #notify(): void {
    for (const listener of [...this.#listeners]) listener();
  }

  #log(line: string): void {
    appendFileSync(this.logFile, `${new Date().toISOString()} ${line}\n`);
  }
}
