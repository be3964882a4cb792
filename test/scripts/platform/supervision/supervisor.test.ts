import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../../common/errors.ts';
import type { ProcessExit } from '../../../../scripts/platform/node-process.ts';
import { Supervisor, type Clock, type SupervisedChild, type SupervisorEvent } from '../../../../scripts/platform/supervision/supervisor.ts';

/** Timers run only when the test advances the time. */
class FakeClock implements Clock {
  time = 0;
  #timers: { at: number; run: () => void; id: number }[] = [];
  #ids = 0;
  now(): number {
    return this.time;
  }
  setTimeout(run: () => void, ms: number): unknown {
    const id = ++this.#ids;
    this.#timers.push({ at: this.time + ms, run, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }
  get pending(): number {
    return this.#timers.length;
  }
  async advance(ms: number): Promise<void> {
    const until = this.time + ms;
    for (;;) {
      await settle();
      const due = this.#timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.time = due.at;
      due.run();
    }
    this.time = until;
    await settle();
  }
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** A child whose runs the test ends; `ready` resolves at once unless `hang` is set. */
class FakeChild implements SupervisedChild {
  readonly name = 'order-0';
  runs = 0;
  alive = false;
  hang = false;
  stops = 0;
  readonly #listeners = new Set<(exit: ProcessExit) => void>();
  #rejectReady: ((error: Error) => void) | undefined;
  get pid(): number | undefined {
    return this.alive ? 1000 + this.runs : undefined;
  }
  start(): void {
    assert.equal(this.alive, false, 'started while running');
    this.runs += 1;
    this.alive = true;
  }
  ready(): Promise<void> {
    if (!this.hang) return Promise.resolve();
    return new Promise((_resolve, reject) => (this.#rejectReady = reject));
  }
  onExit(listener: (exit: ProcessExit) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  /** The run ends (a crash when the supervisor did not ask for it). */
  exit(exit: ProcessExit): void {
    if (!this.alive) return;
    this.alive = false;
    this.#rejectReady?.(new Error('exited'));
    for (const listener of [...this.#listeners]) listener(exit);
  }
  async stop(): Promise<boolean> {
    this.stops += 1;
    this.exit({ code: 0, signal: null });
    return true;
  }
  async kill(): Promise<void> {
    this.exit({ code: null, signal: 'SIGKILL' });
  }
  tail(): string {
    return `last lines of run ${this.runs}`;
  }
  /** From the second run on: as a child whose restarts activate a warm spare. */
  runNote(): string | undefined {
    return this.runs > 1 ? `run ${this.runs} is its warm spare` : undefined;
  }
}

function supervised(options: { healthy?: () => boolean; readyTimeoutMs?: number } = {}) {
  const clock = new FakeClock();
  const child = new FakeChild();
  const events: SupervisorEvent[] = [];
  const supervisor = new Supervisor(child, {
    clock,
    report: (event) => events.push(event),
    probe: async () => options.healthy?.() ?? true,
    probeIntervalMs: 100,
    ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
  });
  return { clock, child, events, supervisor };
}

const SIGKILL: ProcessExit = { code: null, signal: 'SIGKILL' };

test('a crashed process is reported with its exit and log tail, and restarted after 1, 2, 4 … s while it keeps crashing', async () => {
  const { clock, child, events, supervisor } = supervised();
  await supervisor.start();
  assert.equal(supervisor.state, 'HEALTHY');
  const delays: number[] = [];
  child.exit(SIGKILL);
  for (let crash = 1; crash <= 7; crash++) {
    const restarting = events.filter((e) => e.type === 'restarting').at(-1);
    assert.ok(restarting?.type === 'restarting');
    delays.push(restarting.inMs);
    assert.equal(supervisor.state, 'BACKOFF');
    await clock.advance(restarting.inMs - 1);
    assert.equal(child.runs, crash, `no restart before ${restarting.inMs} ms`);
    await clock.advance(1);
    assert.equal(child.runs, crash + 1, `restarted after ${restarting.inMs} ms`);
    assert.equal(supervisor.state, 'HEALTHY');
    await clock.advance(5_000); // healthy for 5 s only: the next crash counts on
    child.exit({ code: 70, signal: null });
  }
  assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  const crashed = events.find((e) => e.type === 'crashed');
  assert.deepEqual(crashed, { type: 'crashed', name: 'order-0', run: 1, pid: 1001, exit: SIGKILL, tail: 'last lines of run 1' });
  assert.ok(events.some((e) => e.type === 'crashed' && e.exit.code === 70));
});

test('a process healthy for a minute before it crashes is restarted after 1 s again', async () => {
  const { clock, child, events, supervisor } = supervised();
  await supervisor.start();
  child.exit(SIGKILL);
  await clock.advance(1_000);
  child.exit(SIGKILL);
  await clock.advance(2_000);
  assert.equal(child.runs, 3);
  await clock.advance(60_000);
  child.exit(SIGKILL);
  assert.deepEqual(events.filter((e) => e.type === 'restarting').map((e) => e.type === 'restarting' && e.inMs), [1_000, 2_000, 1_000]);
});

test('the time from a restart until healthy is measured and reported', async () => {
  let serving = true;
  const { clock, child, events, supervisor } = supervised({ healthy: () => serving });
  await supervisor.start();
  child.exit(SIGKILL);
  serving = false;
  await clock.advance(1_000);
  assert.equal(supervisor.state, 'STARTING');
  await clock.advance(2_300);
  serving = true;
  await clock.advance(100);
  assert.equal(supervisor.state, 'HEALTHY');
  const healthy = events.filter((e) => e.type === 'healthy');
  assert.deepEqual(healthy.map((e) => e.type === 'healthy' && [e.run, e.afterMs]), [[1, 0], [2, 2_400]]);
  assert.deepEqual(events.filter((e) => e.type === 'started').map((e) => e.type === 'started' && e.pid), [1001, 1002]);
  assert.deepEqual(events.filter((e) => e.type === 'started').map((e) => e.type === 'started' && e.note), [undefined, 'run 2 is its warm spare'], 'the child\'s note on each run is reported');
});

test('a shutdown restarts nothing, also when it lands during a backoff', async () => {
  const { clock, child, events, supervisor } = supervised();
  await supervisor.start();
  assert.deepEqual(await Promise.all([supervisor.stop(1_000), supervisor.stop(1_000)]), [true, true], 'a second stop waits for the first');
  assert.equal(supervisor.state, 'STOPPED');
  assert.equal(child.stops, 1);
  await clock.advance(120_000);
  assert.equal(child.runs, 1);
  assert.equal(events.some((e) => e.type === 'crashed' || e.type === 'restarting'), false);

  const second = supervised();
  await second.supervisor.start();
  second.child.exit(SIGKILL);
  assert.equal(second.supervisor.state, 'BACKOFF');
  await second.supervisor.stop(1_000);
  assert.equal(second.clock.pending, 0, 'the restart timer is cancelled');
  await second.clock.advance(60_000);
  assert.equal(second.child.runs, 1);
  assert.equal(second.supervisor.state, 'STOPPED');
});

test('a first run that exits before it is healthy fails the start, with the log tail; no restart', async () => {
  const { clock, child, events, supervisor } = supervised({ healthy: () => false });
  const started = supervisor.start();
  child.exit({ code: 70, signal: null });
  await assert.rejects(started, (e: unknown) => isKstError(e, 'KST_PLATFORM_PROCESS_FAILED') && /order-0 exited \(code 70\) before it was ever healthy\nlast lines of run 1/.test(e.message));
  assert.equal(supervisor.state, 'FAILED');
  await clock.advance(60_000);
  assert.equal(child.runs, 1);
  assert.ok(events.some((e) => e.type === 'failed'));
});

test('an exit code a restart cannot fix (configuration) is not restarted', async () => {
  const { clock, child, supervisor } = supervised();
  await supervisor.start();
  child.exit({ code: 78, signal: null });
  assert.equal(supervisor.state, 'FAILED');
  await clock.advance(60_000);
  assert.equal(child.runs, 1);
  await assert.rejects(supervisor.healthy(), (e: unknown) => isKstError(e, 'KST_PLATFORM_PROCESS_FAILED') && /code 78, which a restart cannot fix/.test(e.message));
});

test('a restarted run that never gets healthy is killed at the ready timeout and restarted later', async () => {
  let serving = true;
  const { clock, child, events, supervisor } = supervised({ healthy: () => serving, readyTimeoutMs: 5_000 });
  await supervisor.start();
  serving = false;
  child.exit(SIGKILL);
  await clock.advance(1_000);
  assert.equal(child.runs, 2);
  await clock.advance(5_200);
  const crashes = events.filter((e) => e.type === 'crashed');
  assert.equal(crashes.length, 2, 'the hung run was killed');
  assert.deepEqual(crashes[1]?.type === 'crashed' && crashes[1].exit, SIGKILL);
  assert.equal(supervisor.state, 'BACKOFF');
  serving = true;
  await clock.advance(2_000);
  assert.equal(child.runs, 3);
  assert.equal(supervisor.state, 'HEALTHY');
});
