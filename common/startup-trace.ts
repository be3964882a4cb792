/**
 * Timing marks of a process's start, for finding where a (re)started service spends its
 * time: each mark is printed once, to stderr, with the milliseconds since the process
 * started (`performance.now()`, whose origin is the process's start) and the CPU time it
 * has used so far (which a loaded machine distorts less) — only when
 * `NODE_DEBUG` names `kstreams-startup`, so the marks cost one boolean test otherwise.
 *
 *   NODE_DEBUG=kstreams-startup node gateway/service-main.ts customer
 *   KSTREAMS-STARTUP 4242: +1612 ms modules loaded [cpu 1377 ms]
 *   KSTREAMS-STARTUP 4242: +2033 ms group joined [cpu 1702 ms]
 *
 * The first mark also prints the process's start as wall-clock time, so a launcher's
 * spawn time can be compared with it.
 *
 * @example
 * ```ts
 * startupMark('modules loaded');
 * startupMark('first commit');   // printed the first time only
 * ```
 */

import { debuglog } from 'node:util';

const log = debuglog('kstreams-startup');
const marked = new Set<string>();

/** Whether marks are printed (`NODE_DEBUG=kstreams-startup`). */
export function startupTraceEnabled(): boolean {
  return log.enabled;
}

/** Prints `phase` with the time since the process started, the first time it is reached. */
export function startupMark(phase: string, detail?: string): void {
  if (!log.enabled || marked.has(phase)) return;
  if (marked.size === 0) {
    const timing = performance.nodeTiming;
    log(`process started at ${new Date(performance.timeOrigin).toISOString()}; Node bootstrap complete +${Math.round(timing.bootstrapComplete)} ms`);
  }
  marked.add(phase);
  const cpu = process.cpuUsage();
  log(`+${Math.round(performance.now())} ms ${phase}${detail === undefined ? '' : ` (${detail})`} [cpu ${Math.round((cpu.user + cpu.system) / 1000)} ms]`);
}
