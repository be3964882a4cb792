/**
 * Keeps one child process running: starts it, waits until it says it is up and its health
 * probe says healthy, and when it exits unexpectedly reports the crash (exit code or
 * signal, the last log lines) and starts it again after a backoff (`restart-backoff.ts`).
 * `stop()` is a shutdown: the exit that follows restarts nothing. Every step is a
 * transition of `supervisor-state.ts`, and every one is reported as an event, so the
 * launcher prints crashes, restarts and how long each restart took to be healthy.
 *
 * Time and processes come in as interfaces, so the backoff is tested with a fake clock
 * and a fake child.
 *
 * @example
 * ```ts
 * const supervisor = new Supervisor(child, { probe: () => grpcHealth(child.endpoint), report: print });
 * await supervisor.start();  // resolves once healthy; rejects if the first run fails
 * // ... kill -9 the child: reported, restarted after 1 s, reported healthy
 * await supervisor.stop(30_000);
 * ```
 */

import { KstError } from '../../../common/errors.ts';
import { describeExit, type ProcessExit } from '../node-process.ts';
import { DEFAULT_BACKOFF, RestartBackoff, type BackoffOptions } from './restart-backoff.ts';
import { SupervisorStateMachine, type SupervisorState } from './supervisor-state.ts';

/** What the supervisor needs of a child process (`ServiceProcess`, `ManagedProcess`). */
export interface SupervisedChild {
  readonly name: string;
  readonly pid: number | undefined;
  /** Spawns a run. */
  start(): void;
  /** Resolves once the current run says it is up; rejects when it exits first or the time is up. */
  ready(timeoutMs: number): Promise<void>;
  /** Calls `listener` each time a run ends; returns a function that stops it. */
  onExit(listener: (exit: ProcessExit) => void): () => void;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves once it has exited. */
  stop(timeoutMs: number): Promise<boolean>;
  kill(): Promise<void>;
  /** The last lines of its log. */
  tail(count: number): string;
  /** Something to say about the run just started (a warm spare was activated), if anything. */
  runNote?(): string | undefined;
}

export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export type SupervisorEvent =
  | { readonly type: 'started'; readonly name: string; readonly run: number; readonly pid: number | undefined; readonly note?: string }
  | { readonly type: 'healthy'; readonly name: string; readonly run: number; readonly pid: number | undefined; readonly afterMs: number }
  | { readonly type: 'crashed'; readonly name: string; readonly run: number; readonly pid: number | undefined; readonly exit: ProcessExit; readonly tail: string }
  | { readonly type: 'restarting'; readonly name: string; readonly inMs: number; readonly crashes: number }
  | { readonly type: 'failed'; readonly name: string; readonly reason: string };

export interface SupervisorOptions {
  /** Whether the process is healthy now (a gRPC health check, an HTTP GET); default: up means healthy. */
  readonly probe?: () => Promise<boolean>;
  readonly report?: (event: SupervisorEvent) => void;
  readonly backoff?: BackoffOptions;
  /** How long a run may take from spawn to healthy before it is killed (and restarted). */
  readonly readyTimeoutMs?: number;
  readonly probeIntervalMs?: number;
  /** Exit codes a restart cannot fix (usage, configuration): the supervisor gives up. */
  readonly permanentExitCodes?: readonly number[];
  readonly clock?: Clock;
}

/** sysexits: 64 usage, 78 configuration (see topologies/ecommerce/service-main-loop.ts). */
const PERMANENT_EXIT_CODES = [64, 78];

export class Supervisor {
  readonly child: SupervisedChild;
  readonly #machine: SupervisorStateMachine;
  readonly #backoff: RestartBackoff;
  readonly #clock: Clock;
  readonly #options: SupervisorOptions;
  readonly #waiters = new Set<() => void>();
  #run = 0;
  #pid: number | undefined;
  #startedAt = 0;
  #healthySince: number | undefined;
  #everHealthy = false;
  #timer: unknown;
  #stopping: Promise<boolean> | undefined;
  #failure: KstError | undefined;
  #removeExitListener: (() => void) | undefined;

  constructor(child: SupervisedChild, options: SupervisorOptions = {}) {
    this.child = child;
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#backoff = new RestartBackoff(options.backoff ?? DEFAULT_BACKOFF);
    this.#machine = new SupervisorStateMachine(child.name, () => this.#wake());
  }

  get state(): SupervisorState {
    return this.#machine.state;
  }

  /** How many runs it has started. */
  get runs(): number {
    return this.#run;
  }

  /** Starts the first run; resolves once it is healthy, rejects if it fails before. */
  start(): Promise<void> {
    this.#removeExitListener = this.child.onExit((exit) => this.#exited(exit));
    this.#spawn();
    return this.healthy();
  }

  /** Resolves when it is HEALTHY (now or next); rejects once it has FAILED or stopped. */
  healthy(): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const state = this.#machine.state;
        if (state === 'HEALTHY') return done(resolve);
        if (state === 'FAILED') return done(() => reject(this.#failure));
        if (state === 'STOPPING' || state === 'STOPPED') done(() => reject(new KstError('KST_PLATFORM_PROCESS_FAILED', `${this.child.name} was stopped`, { process: this.child.name })));
      };
      const done = (settle: () => void): void => {
        this.#waiters.delete(check);
        settle();
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** A shutdown: stops the run (SIGTERM, SIGKILL after `timeoutMs`) and restarts nothing. True when it exited cleanly. */
  stop(timeoutMs: number): Promise<boolean> {
    this.#stopping ??= this.#stop(timeoutMs);
    return this.#stopping;
  }

  async #stop(timeoutMs: number): Promise<boolean> {
    const state = this.#machine.state;
    if (state === 'STOPPED') return true;
    if (state === 'IDLE' || state === 'BACKOFF' || state === 'FAILED') {
      this.#clock.clearTimeout(this.#timer);
      // Nothing runs, but a child may hold a warm spare: its stop ends that.
      await this.child.stop(timeoutMs).catch(() => false);
      this.#machine.to('STOPPED');
      this.#removeExitListener?.();
      return state !== 'FAILED';
    }
    this.#machine.to('STOPPING');
    const clean = await this.child.stop(timeoutMs);
    this.#machine.to('STOPPED');
    this.#removeExitListener?.();
    return clean;
  }

  #spawn(): void {
    this.#machine.to('STARTING');
    this.#run += 1;
    this.#startedAt = this.#clock.now();
    this.#healthySince = undefined;
    this.child.start();
    this.#pid = this.child.pid;
    const note = this.child.runNote?.();
    this.#report({ type: 'started', name: this.child.name, run: this.#run, pid: this.#pid, ...(note === undefined ? {} : { note }) });
    void this.#awaitHealthy(this.#run);
  }

  /** STARTING → HEALTHY once the run is up and its probe says so; a run that takes too long is killed. */
  async #awaitHealthy(run: number): Promise<void> {
    const timeoutMs = this.#options.readyTimeoutMs ?? 180_000;
    const deadline = this.#startedAt + timeoutMs;
    const current = (): boolean => this.#run === run && this.#machine.state === 'STARTING';
    try {
      await this.child.ready(timeoutMs);
      while (current() && !(await this.#probe())) {
        if (this.#clock.now() > deadline) throw new Error(`was not healthy within ${timeoutMs} ms`);
        await new Promise((resolve) => this.#clock.setTimeout(() => resolve(undefined), this.#options.probeIntervalMs ?? 100));
      }
    } catch (error) {
      // An exit is handled by #exited; a run that hangs is killed, and its exit handled there.
      if (current()) {
        if (!this.#everHealthy) this.#failure = this.#failed(`${this.child.name} ${error instanceof Error ? error.message : String(error)}`);
        await this.child.kill();
      }
      return;
    }
    if (!current()) return;
    this.#healthySince = this.#clock.now();
    this.#everHealthy = true;
    this.#machine.to('HEALTHY');
    this.#report({ type: 'healthy', name: this.child.name, run, pid: this.#pid, afterMs: this.#healthySince - this.#startedAt });
  }

  async #probe(): Promise<boolean> {
    if (this.#options.probe === undefined) return true;
    return this.#options.probe().catch(() => false);
  }

  #exited(exit: ProcessExit): void {
    const state = this.#machine.state;
    if (state !== 'STARTING' && state !== 'HEALTHY') return; // a shutdown, or already handled
    const now = this.#clock.now();
    this.#report({ type: 'crashed', name: this.child.name, run: this.#run, pid: this.#pid, exit, tail: this.child.tail(20) });
    const permanent = exit.code !== null && (this.#options.permanentExitCodes ?? PERMANENT_EXIT_CODES).includes(exit.code);
    if (!this.#everHealthy || permanent) {
      const reason = permanent ? `exited with ${describeExit(exit)}, which a restart cannot fix` : `exited (${describeExit(exit)}) before it was ever healthy`;
      this.#failure ??= this.#failed(`${this.child.name} ${reason}`);
      this.#machine.to('FAILED');
      this.#report({ type: 'failed', name: this.child.name, reason });
      return;
    }
    const delay = this.#backoff.next(now, this.#healthySince);
    this.#machine.to('BACKOFF');
    this.#report({ type: 'restarting', name: this.child.name, inMs: delay, crashes: this.#backoff.crashes });
    this.#timer = this.#clock.setTimeout(() => {
      if (this.#machine.state === 'BACKOFF') this.#spawn();
    }, delay);
  }

  #failed(message: string): KstError {
    return new KstError('KST_PLATFORM_PROCESS_FAILED', `${message}\n${this.child.tail(40)}`, { process: this.child.name });
  }

  #report(event: SupervisorEvent): void {
    this.#options.report?.(event);
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
