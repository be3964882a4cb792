/**
 * One service process of the platform: `node gateway/service-main.ts <service>` with its
 * own state folder and query endpoint, run as a `NodeProcess` (log file that survives
 * restarts, stdout lines kept). Its stdout lines (the service's `started` and
 * `state <STATE>` lines, see topologies/ecommerce/service-main-loop.ts) let a caller wait
 * for RUNNING, and for the first records it processes after a start.
 *
 * It can be SIGKILLed (no commit, no close: a crash) and started again on the same state
 * folder and endpoint, or stopped: SIGTERM, then SIGKILL when it does not exit in time.
 * It is a `SupervisedChild`: up once it printed `started`, healthy when its query server's
 * gRPC health service says SERVING (the supervisor's probe). Every run is the same static
 * group member, `group.instance.id` `<service>-<index>`: a restart within the session
 * timeout takes its old place and tasks without a rebalance. With `warmSpare` a run that
 * is RUNNING gets a warm spare, which the next `start` activates (see `NodeProcess`).
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

import { fileURLToPath } from 'node:url';
import { KstError } from '../../common/errors.ts';
import type { ServiceName } from '../../topologies/ecommerce/contracts/stores.ts';
import { describeExit, LAUNCHER_COMPILE_CACHE, NodeProcess, type ProcessExit } from './node-process.ts';
import type { SupervisedChild } from './supervision/supervisor.ts';

// The service with its gRPC query server, so the gateway and peers can query every process.
const MAIN = fileURLToPath(new URL('../../gateway/service-main.ts', import.meta.url));

export interface ServiceProcessOptions {
  readonly service: ServiceName;
  readonly index: number;
  /**
   * host:port of its query endpoint (its query server binds it: `QUERY_GRPC_HOST`,
   * `QUERY_GRPC_PORT`); port 0 binds a free port, which `endpoint` tells once the process
   * has reported it, and which later runs bind again.
   */
  readonly endpoint: string;
  readonly stateDir: string;
  readonly logFile: string;
  /** Port of its Prometheus metrics server (`ECOMMERCE_METRICS_PORT`); 0 binds a free one, which `metricsUrl` tells once reported. Default 0. */
  readonly metricsPort?: number;
  /** The service settings as `ECOMMERCE_*` variables. */
  readonly env: Readonly<Record<string, string>>;
  /** Out of the launcher's process group (a supervised process: see `NodeProcessOptions`). */
  readonly ownProcessGroup?: boolean;
  /**
   * Keep a warm spare for the next run (see `NodeProcess.prepareSpare`), started
   * `SPARE_DELAY_MS` after each run reports RUNNING: a restart then skips Node's start
   * and the loading of the modules. Default false.
   */
  readonly warmSpare?: boolean;
}

/** After RUNNING, how long a run has the machine to itself before its spare starts loading. */
export const SPARE_DELAY_MS = 3_000;

/** The query server's bind address and port, from the endpoint it answers on (its application.server). */
function queryEnvironment(endpoint: string): Record<string, string> {
  const colon = endpoint.lastIndexOf(':');
  return { QUERY_GRPC_HOST: endpoint.slice(0, colon), QUERY_GRPC_PORT: endpoint.slice(colon + 1) };
}

export type { ProcessExit };

export class ServiceProcess implements SupervisedChild {
  readonly service: ServiceName;
  readonly index: number;
  readonly logFile: string;
  readonly #process: NodeProcess;
  #endpoint: string;
  #metricsPort: number;
  #metricsUrl = '';
  #startMark = 0;
  #spareTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(options: ServiceProcessOptions) {
    this.service = options.service;
    this.index = options.index;
    this.#endpoint = options.endpoint;
    this.#metricsPort = options.metricsPort ?? 0;
    this.logFile = options.logFile;
    this.#process = new NodeProcess({
      name: `${options.service}-${options.index}`,
      entry: MAIN,
      args: [options.service],
      env: { ...options.env, ECOMMERCE_STATE_DIR: options.stateDir },
      logFile: options.logFile,
      keptLines: 2_000,
      ownProcessGroup: options.ownProcessGroup === true,
      compileCache: LAUNCHER_COMPILE_CACHE,
    });
    // The port it bound (port 0), from its `started, queries on host:port` line.
    this.#process.onLine((line) => {
      const reported = / queries on (\S+:\d+)$/.exec(line);
      if (reported !== null) this.#endpoint = reported[1] as string;
      // Its metrics server's address; a restart binds the same port again.
      const metrics = / metrics on (http:\/\/\S+:(\d+)\/metrics)$/.exec(line);
      if (metrics !== null) {
        this.#metricsUrl = metrics[1] as string;
        this.#metricsPort = Number(metrics[2]);
      }
      if (options.warmSpare === true && / state RUNNING$/.test(line)) this.#scheduleSpare();
    });
  }

  /** Whether a warm spare waits for the next run. */
  get spareReady(): boolean {
    return this.#process.spareReady;
  }

  /** For the launcher's report: that the current run is a warm spare, and since when it waited. */
  runNote(): string | undefined {
    const spare = this.#process.lastRunSpare;
    return spare === undefined ? undefined : `run ${this.runs} is its warm spare (pid ${String(spare.pid)}, modules loaded, waiting ${(spare.waitedMs / 1000).toFixed(1)} s)`;
  }

  /** Where it answers queries: as configured, or, with port 0, as it reported. */
  get endpoint(): string {
    return this.#endpoint;
  }

  /** `http://host:port/metrics` once the process reported it; empty before. */
  get metricsUrl(): string {
    return this.#metricsUrl;
  }

  get name(): string {
    return this.#process.name;
  }

  get running(): boolean {
    return this.#process.running;
  }

  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** How often it has been started. */
  get runs(): number {
    return this.#process.runs;
  }

  /** The last client state it printed since it was last started, if any. */
  get state(): string | undefined {
    const match = this.#process.matching(/ state [A-Z_]+$/, this.#startMark).at(-1)?.match(/ state ([A-Z_]+)$/);
    return match?.[1];
  }

  start(): void {
    if (this.running) throw new KstError('KST_PLATFORM_PROCESS_FAILED', `${this.name} is already running`, { process: this.name });
    this.#stopped = false;
    this.#startMark = this.#process.mark();
    this.#process.start({ ECOMMERCE_GROUP_INSTANCE_ID: this.name, ECOMMERCE_METRICS_PORT: String(this.#metricsPort), ...queryEnvironment(this.#endpoint) });
  }

  /** Resolves once it printed `started` (its query server serves) since it was last started. */
  async ready(timeoutMs: number): Promise<void> {
    await this.#waitLine(/ started(, queries on \S+)?$/, timeoutMs, 'started');
  }

  /** Resolves once it printed `state RUNNING` since it was last started; rejects if it exits first or the time is up. */
  async waitRunning(timeoutMs: number): Promise<void> {
    await this.#waitLine(/ state RUNNING$/, timeoutMs, 'state RUNNING');
  }

  /** Resolves with the line the service prints when it has processed its first records since it was last started. */
  waitProcessing(timeoutMs: number): Promise<string> {
    return this.#process.waitFor(/ processing: first records/, { from: this.#startMark, timeoutMs });
  }

  onExit(listener: (exit: ProcessExit) => void): () => void {
    return this.#process.onExit(listener);
  }

  /** A crash: no commit, no close, open transactions left behind. */
  kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return this.#process.kill(signal);
  }

  /** SIGTERM (the service closes cleanly), SIGKILL after `timeoutMs`. True when it exited by itself with code 0. */
  stop(timeoutMs: number): Promise<boolean> {
    this.#stopped = true;
    clearTimeout(this.#spareTimer);
    return this.#process.stop(timeoutMs);
  }

  #scheduleSpare(): void {
    clearTimeout(this.#spareTimer);
    this.#spareTimer = setTimeout(() => {
      if (!this.#stopped) this.#process.prepareSpare();
    }, SPARE_DELAY_MS);
    this.#spareTimer.unref();
  }

  /** The last lines of its log (every run, stderr included). */
  tail(count = 40): string {
    return this.#process.tail(count);
  }

  async #waitLine(pattern: RegExp, timeoutMs: number, what: string): Promise<void> {
    try {
      await this.#process.waitFor(pattern, { from: this.#startMark, timeoutMs });
    } catch {
      const exit = this.#process.exit;
      const why = exit === null ? `did not report ${what} within ${timeoutMs} ms` : `exited (${describeExit(exit)}) before it reported ${what}`;
      throw new KstError('KST_PLATFORM_PROCESS_FAILED', `${this.name} ${why}\n${this.tail()}`, { process: this.name, logFile: this.logFile });
    }
  }
}
