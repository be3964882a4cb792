/**
 * The faults of the saga chaos test, driven by what the run observes, never by the wall
 * clock alone: each fault waits until enough orders became final since the last one, and
 * each victim is a healthy process that has processed records since its last start.
 *
 * - kills: SIGKILL of a random service process; the launcher's supervisor restarts it;
 * - the broker: SIGKILLed and started again on its data (the caller's `restartBroker`);
 * - a zombie: one process SIGSTOPped until its group has dropped it (past the session
 *   timeout), then SIGCONTed: it must find itself fenced and rejoin, or exit and be
 *   restarted by the supervisor and process again.
 *
 * At the end it waits until every killed process processes records again. Every wait is
 * bounded and fails saying what it waited for.
 */

import { readFileSync } from 'node:fs';
import type { ServiceProcess } from '../../../../scripts/platform/service-process.ts';
import type { ServiceName } from '../../../../topologies/ecommerce/contracts/stores.ts';
import { applicationIdOf } from '../../../../topologies/ecommerce/run-service.ts';
import type { ChaosContext } from './saga-run.ts';

export interface ChaosPlan {
  /** SIGKILLs in all, spread before and after the broker restart and the zombie. */
  readonly kills: number;
  /** Services whose processes may be killed (those that see traffic all along). */
  readonly victims: readonly ServiceName[];
  /** Services the zombie is picked from. */
  readonly zombies: readonly ServiceName[];
  /** Orders that must become final between two faults. */
  readonly progressOrders: number;
  readonly sessionTimeoutMs: number;
  /** SIGKILLs the broker and starts it again; resolves once it is up, with its pids. */
  readonly restartBroker: () => Promise<{ readonly before: number; readonly after: number }>;
  readonly seed: number;
  readonly log: (line: string) => void;
}

export interface KillRecord {
  readonly name: string;
  readonly pid: number;
  /** The victim's run that was killed (the supervisor's restart is the next). */
  readonly run: number;
  readonly atMs: number;
  readonly finalBefore: number;
}

export interface ChaosReport {
  readonly kills: KillRecord[];
  broker?: { readonly before: number; readonly after: number; readonly outageMs: number; readonly progressAfterMs: number };
  zombie?: {
    readonly name: string;
    readonly pid: number;
    /** From SIGSTOP until its group no longer had it. */
    readonly droppedAfterMs: number;
    /** From SIGSTOP to SIGCONT. */
    readonly stoppedMs: number;
    readonly outcome: 'rejoined' | 'restarted';
    /** From SIGCONT until it was back (in the group and RUNNING, or restarted and processing). */
    readonly backAfterMs: number;
    readonly fencedLines: readonly string[];
  };
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, timeoutMs: number, done: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`chaos: ${what}: not within ${timeoutMs} ms`);
    await pause(200);
  }
}

/** Log lines of `process` written at or after `sinceMs` (the log's lines start with an ISO time). */
function logSince(process: ServiceProcess, sinceMs: number): string[] {
  return readFileSync(process.logFile, 'utf8').split('\n').filter((line) => Date.parse(line.slice(0, 24)) >= sinceMs);
}

export class ChaosMonkey {
  readonly report: ChaosReport = { kills: [] };
  readonly #plan: ChaosPlan;
  readonly #run: ChaosContext;
  #state: number;
  #finalAtLastFault = 0;

  constructor(plan: ChaosPlan, run: ChaosContext) {
    this.#plan = plan;
    this.#run = run;
    this.#state = plan.seed >>> 0;
  }

  /** Kills, the broker restart after a third of them, the zombie after two thirds, the rest; then waits until every killed process works again. */
  async run(): Promise<ChaosReport> {
    const { kills } = this.#plan;
    const brokerAfter = Math.floor(kills / 3);
    const zombieAfter = Math.floor((2 * kills) / 3);
    await this.#progress('the first orders final');
    for (let i = 1; i <= kills; i++) {
      await this.#kill(i);
      if (i === brokerAfter) await this.#broker();
      if (i === zombieAfter) await this.#zombie();
    }
    // The last run killed of each process: its restart must process records.
    const last = new Map(this.report.kills.map((k) => [k.name, k.run]));
    const killed = [...last.keys()];
    await Promise.all([...last].map(async ([name, run]) => {
      const p = this.#byName(name);
      await until(`${name} restarted after its SIGKILL and healthy`, 120_000, () => p.runs > run && this.#healthy(p));
      await p.waitProcessing(120_000);
    }));
    this.#plan.log(`every killed process (${killed.join(', ')}) processes records again`);
    return this.report;
  }

  #random(): number {
    this.#state = (Math.imul(this.#state, 1_664_525) + 1_013_904_223) >>> 0;
    return this.#state / 2 ** 32;
  }

  #byName(name: string): ServiceProcess {
    const found = this.#run.processes.find((p) => p.name === name);
    if (found === undefined) throw new Error(`chaos: no process ${name}`);
    return found;
  }

  #healthy(p: ServiceProcess): boolean {
    return p.running && this.#run.platform.supervisors[this.#run.processes.indexOf(p)]?.state === 'HEALTHY';
  }

  /** Waits until `progressOrders` more orders are final than at the last fault. */
  async #progress(what: string): Promise<number> {
    const from = this.#finalAtLastFault;
    const started = Date.now();
    await until(`${what} (${this.#plan.progressOrders} more orders final than the ${from} at the last fault; orders ${this.#run.allSent() ? 'all sent' : 'still flowing'})`, 120_000,
      () => this.#run.finalOrders() - from >= this.#plan.progressOrders);
    this.#finalAtLastFault = this.#run.finalOrders();
    return Date.now() - started;
  }

  /** A healthy process of `services` that has processed records since its last start. */
  async #victim(services: readonly ServiceName[], what: string): Promise<ServiceProcess> {
    for (;;) {
      const candidates = this.#run.processes.filter((p) => services.includes(p.service) && this.#healthy(p));
      if (candidates.length === 0) throw new Error(`chaos: no healthy process of ${services.join(', ')} to pick for ${what}`);
      const victim = candidates[Math.floor(this.#random() * candidates.length)] as ServiceProcess;
      const pid = victim.pid;
      await victim.waitProcessing(90_000);
      if (victim.pid === pid && this.#healthy(victim)) return victim;
    }
  }

  async #kill(n: number): Promise<void> {
    await this.#progress(`kill ${n}`);
    const victim = await this.#victim(this.#plan.victims, `kill ${n}`);
    const pid = victim.pid as number;
    const record = { name: victim.name, pid, run: victim.runs, atMs: Date.now(), finalBefore: this.#run.finalOrders() };
    await victim.kill('SIGKILL');
    this.report.kills.push(record);
    this.#plan.log(`kill ${n}: SIGKILLed ${victim.name} (pid ${pid}) with ${record.finalBefore} orders final`);
  }

  async #broker(): Promise<void> {
    await this.#progress('the broker restart');
    const killedAt = Date.now();
    const { before, after } = await this.#plan.restartBroker();
    const outageMs = Date.now() - killedAt;
    this.#plan.log(`broker SIGKILLed (pid ${before}) and up again (pid ${after}) after ${outageMs} ms`);
    const progressAfterMs = await this.#progress('orders final again after the broker restart');
    this.report.broker = { before, after, outageMs, progressAfterMs };
    this.#plan.log(`orders final again ${progressAfterMs} ms after the broker was back`);
  }

  async #zombie(): Promise<void> {
    await this.#progress('the zombie');
    const victim = await this.#victim(this.#plan.zombies, 'the zombie');
    const pid = victim.pid as number;
    const group = applicationIdOf(victim.service, { 'topic.prefix': this.#run.prefix });
    const mine = new RegExp(`^${victim.name}-\\d+$`);
    const inGroup = async (): Promise<boolean> => (await this.#run.admin.describeGroup(group).catch(() => ({ members: [] }))).members.some((m) => mine.test(m.groupInstanceId ?? ''));
    const runs = victim.runs;
    process.kill(pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    let droppedAfterMs: number | undefined;
    this.#plan.log(`zombie: SIGSTOPped ${victim.name} (pid ${pid})`);
    try {
      await until(`group ${group} drops the stopped ${victim.name} (session timeout ${this.#plan.sessionTimeoutMs} ms)`, this.#plan.sessionTimeoutMs + 60_000, async () => {
        if (droppedAfterMs === undefined && !(await inGroup())) droppedAfterMs = Date.now() - stoppedAt;
        // Stopped past the session timeout too: its last heartbeat came before the SIGSTOP, so the group may drop it a little earlier.
        return droppedAfterMs !== undefined && Date.now() - stoppedAt >= this.#plan.sessionTimeoutMs + 1_000;
      });
    } finally {
      // Never leave a stopped process behind, whatever failed.
      if (victim.pid === pid) process.kill(pid, 'SIGCONT');
    }
    const continuedAt = Date.now();
    this.#plan.log(`zombie: its group dropped ${victim.name} ${String(droppedAfterMs)} ms after SIGSTOP; SIGCONTed ${continuedAt - stoppedAt} ms after it`);
    let outcome: 'rejoined' | 'restarted' | undefined;
    await until(`the zombie ${victim.name} back: in its group and RUNNING, or restarted and processing`, 120_000, async () => {
      if (victim.runs > runs) {
        if (!this.#healthy(victim)) return false;
        await victim.waitProcessing(90_000);
        outcome = 'restarted';
        return true;
      }
      const lines = logSince(victim, continuedAt);
      if (victim.pid === pid && lines.some((l) => / state RUNNING$/.test(l)) && (await inGroup())) {
        outcome = 'rejoined';
        return true;
      }
      return false;
    });
    const fencedLines = logSince(victim, continuedAt).filter((l) => /lost its transaction|fenced|could not commit|membership lost/i.test(l)).slice(0, 5);
    this.report.zombie = { name: victim.name, pid, droppedAfterMs: droppedAfterMs ?? Number.NaN, stoppedMs: continuedAt - stoppedAt, outcome: outcome ?? 'rejoined', backAfterMs: Date.now() - continuedAt, fencedLines };
    this.#plan.log(`zombie: ${victim.name} ${outcome ?? '?'} ${Date.now() - continuedAt} ms after SIGCONT; ${fencedLines.length === 0 ? 'no fencing line' : fencedLines.join(' | ')}`);
    this.#finalAtLastFault = this.#run.finalOrders();
  }
}
