/**
 * What the launcher prints about its supervised processes: each start and how long it
 * took to be healthy, each crash (exit code or signal, pid, the last log lines), each
 * scheduled restart, and — for a process that can tell (a service prints its first
 * processed records) — how long a restarted process took to do work again, counted from
 * the restart and from the crash.
 *
 * @example
 * ```ts
 * const report = new SupervisionReport(console.log);
 * new Supervisor(child, { report: report.of(child.name, () => child.waitProcessing(600_000)) });
 * // order-0: exited unexpectedly (signal SIGKILL, pid 4242); its last log lines: …
 * // order-0: restarting in 1.0 s (crash 1 in a row)
 * // order-0: restarted (run 2, pid 4301)
 * // order-0: run 2 is its warm spare (pid 4301, modules loaded, waiting 41.3 s)
 * // order-0: healthy 1.9 s after the restart (pid 4301)
 * // order-0: processing records again 2.2 s after the restart (3.3 s after the crash)
 * ```
 */

import { describeExit } from '../node-process.ts';
import type { SupervisorEvent } from './supervisor.ts';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

export class SupervisionReport {
  readonly #print: (line: string) => void;
  readonly #now: () => number;

  constructor(print: (line: string) => void, now: () => number = () => performance.now()) {
    this.#print = print;
    this.#now = now;
  }

  /**
   * The report function of one supervised process. `firstWork`, when given, resolves once
   * the current run has processed records (rejects when the run ends first).
   */
  of(name: string, firstWork?: () => Promise<unknown>): (event: SupervisorEvent) => void {
    let crashedAt: number | undefined;
    return (event) => {
      const now = this.#now();
      switch (event.type) {
        case 'started':
          if (event.run === 1) return;
          this.#print(`${name}: restarted (run ${event.run}, pid ${String(event.pid)})`);
          if (event.note !== undefined) this.#print(`${name}: ${event.note}`);
          if (firstWork !== undefined) {
            const since = crashedAt;
            firstWork().then(() => {
              const at = this.#now();
              this.#print(`${name}: processing records again ${seconds(at - now)} after the restart${since === undefined ? '' : ` (${seconds(at - since)} after the crash)`}`);
            }, () => undefined);
          }
          return;
        case 'healthy':
          this.#print(`${name}: healthy ${event.run === 1 ? `in ${seconds(event.afterMs)}` : `${seconds(event.afterMs)} after the restart`} (pid ${String(event.pid)})`);
          return;
        case 'crashed':
          crashedAt = now;
          this.#print(`${name}: exited unexpectedly (${describeExit(event.exit)}, pid ${String(event.pid)}); its ${event.tail.replace(/^-+ /, '').replace(/\n/g, '\n    ')}`);
          return;
        case 'restarting':
          this.#print(`${name}: restarting in ${seconds(event.inMs)} (crash ${event.crashes} in a row)`);
          return;
        case 'failed':
          this.#print(`${name}: not restarted: ${event.reason}`);
      }
    };
  }
}
