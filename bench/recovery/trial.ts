/**
 * One engine in one scenario of the recovery benchmark: fresh input and output topics
 * and application id, a steady load, one or two instances; then `kills` rounds of
 * SIGKILL + immediate restart of an instance (the one with the most active tasks, `b`
 * while both have as many), each timed until every task the
 * victim owned has committed new output (see `output-watch.ts`); finally the load
 * stops, the group finishes the input, and the output's last count per key is checked
 * against the records sent for it: a kill that lost or doubled an update under
 * exactly-once shows there.
 */

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KafkaAdmin } from '../../processors/kafka/index.ts';
import { waitForCompletion } from '../streams/completion.ts';
import { BENCH_CACHE, type JavaSide } from '../streams/jars.ts';
import { endOffsets } from '../streams/perf-tools.ts';
import type { Engine } from '../streams/settings.ts';
import { Instance } from './instance.ts';
import { preload, SteadyLoad } from './load.ts';
import { OutputWatch } from './output-watch.ts';
import type { RecoverySettings, Scenario } from './settings.ts';

export interface KillRound {
  readonly round: number;
  /** The instance killed. */
  readonly victim: string;
  /** SIGKILL until every partition the victim owned had committed output again. */
  readonly resumeSeconds: number;
  /** SIGKILL until the first committed record of the new incarnation. */
  readonly firstOutputSeconds: number | undefined;
  /** SIGKILL until the new incarnation reported RUNNING. */
  readonly runningSeconds: number | undefined;
  /** The new incarnation's boot: process start until it started its client (JVM or Node, imports, topology). */
  readonly bootSeconds: number | undefined;
  readonly ownedPartitions: number;
  /** 1-minute load average at the kill. */
  readonly loadAverage: number;
}

export interface OutputCheck {
  readonly ok: boolean;
  readonly detail: string;
}

export interface TrialResult {
  readonly engine: Engine;
  readonly scenario: Scenario;
  readonly applicationId: string;
  readonly rounds: readonly KillRound[];
  readonly failures: readonly string[];
  readonly outputCheck: OutputCheck | undefined;
  readonly recordsSent: number;
  readonly logDir: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for `condition`, failing with `what` (and a dead instance's reason) after `timeoutMs`. */
async function waitFor(what: string, timeoutMs: number, condition: () => boolean, instances: readonly Instance[], watch: OutputWatch, load: SteadyLoad, intervalMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    watch.check();
    if (load.failure !== undefined) throw new Error(load.failure);
    const dead = instances.find((instance) => instance.exitReason !== undefined);
    if (dead !== undefined) throw new Error(`instance ${dead.spec.name} stopped while waiting for ${what}: ${dead.exitReason}`);
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function checkCounts(sent: ReadonlyMap<string, number>, seen: ReadonlyMap<string, number>): OutputCheck {
  const wrong: string[] = [];
  for (const [key, count] of sent) {
    const last = seen.get(key);
    if (last !== count) wrong.push(`${key}: ${last ?? 'none'} (sent ${count})`);
  }
  const extra = [...seen.keys()].filter((key) => !sent.has(key));
  if (wrong.length === 0 && extra.length === 0) return { ok: true, detail: `all ${sent.size} keys' last counts equal the records sent` };
  return { ok: false, detail: `${wrong.length} of ${sent.size} keys wrong (e.g. ${wrong.slice(0, 3).join(', ')}), ${extra.length} unknown keys` };
}

interface Context {
  readonly admin: KafkaAdmin;
  readonly java: JavaSide;
  readonly settings: RecoverySettings;
  readonly runId: string;
  readonly say: (line: string) => void;
}

export async function runTrial(context: Context, engine: Engine, scenario: Scenario): Promise<TrialResult> {
  const { admin, settings, say } = context;
  const applicationId = `bench-recovery-${context.runId}-${engine === 'ours' ? 'ours' : 'kstreams'}-${scenario}`;
  const inputTopic = `${applicationId}-input`;
  const outputTopic = `${applicationId}-output`;
  const logDir = join(BENCH_CACHE, 'logs', `recovery-${context.runId}`);
  mkdirSync(logDir, { recursive: true });
  const stateRoot = mkdtempSync(join(tmpdir(), 'kst-recovery-'));
  await admin.createTopics([{ name: inputTopic, partitions: settings.partitions }, { name: outputTopic, partitions: settings.partitions }]);
  let preloaded = new Map<string, number>();
  if (scenario === 'large-store') {
    say(`  writing ${settings.largeStoreKeys} distinct keys…`);
    preloaded = await preload(settings.bootstrap, inputTopic, settings.largeStoreKeys);
  }
  const preloadEnds = scenario === 'large-store' ? await endOffsets(context.java, settings.bootstrap, inputTopic) : undefined;
  const names = scenario === 'two' ? ['a', 'b'] : ['a'];
  const instances = names.map((name) => new Instance({
    engine, java: context.java, settings, inputTopic, outputTopic, applicationId, name,
    stateDir: join(stateRoot, name), logFile: join(logDir, `${engine}-${scenario}-${name}.log`),
  }));
  const watch = new OutputWatch(settings.bootstrap, outputTopic);
  const load = SteadyLoad.start({ bootstrap: settings.bootstrap, topic: inputTopic, keys: settings.keys, recordsPerSecond: settings.recordsPerSecond });
  const rounds: KillRound[] = [];
  const failures: string[] = [];
  let outputCheck: OutputCheck | undefined;
  try {
    const startedAt = performance.now();
    for (const instance of instances) instance.start();
    if (preloadEnds !== undefined) {
      await waitForCompletion({ admin, groupId: applicationId, topic: inputTopic, endOffsets: preloadEnds, intervalMs: 500, timeoutMs: 600_000, stallMs: 120_000, failed: () => instances.find((i) => i.exitReason !== undefined)?.exitReason });
      say(`  the store of ${settings.largeStoreKeys} keys was built ${((performance.now() - startedAt) / 1000).toFixed(1)} s after the start`);
    }
    await waitFor('every instance running and every partition written', 180_000, () =>
      watch.lastWriter.size === settings.partitions && instances.every((instance) => watch.partitionsOf(instance.spec.name).size > 0), instances, watch, load);
    await sleep(settings.settleMs);
    for (let round = 1; round <= settings.kills; round++) {
      // The instance with the most active tasks (`b` on a tie): a victim that lost its tasks to the
      // other (a restart slower than the session timeout) would have nothing to resume.
      const victim = instances.reduce((most, instance) => (watch.partitionsOf(instance.spec.name).size >= watch.partitionsOf(most.spec.name).size ? instance : most));
      const loadAverage = loadavg()[0] ?? 0;
      const killedAt = performance.now();
      const kill = watch.watchKill(victim.spec.name, killedAt, victim.incarnation + 1);
      await victim.kill();
      victim.start();
      try {
        if (kill.owned.size === 0) throw new Error(`${victim.spec.name} owned no output partition at the kill`);
        await waitFor(`round ${round}: output of ${victim.spec.name}'s ${kill.owned.size} partitions after the kill`, settings.roundTimeoutMs, () => kill.resumedAt.size === kill.owned.size, instances, watch, load);
      } catch (error) {
        failures.push((error as Error).message);
        say(`  round ${round} FAILED: ${(error as Error).message}`);
        if (load.failure !== undefined) throw error;
        if (victim.exitReason !== undefined) victim.start();
        continue;
      }
      const seconds = (at: number | undefined): number | undefined => (at === undefined ? undefined : (at - killedAt) / 1000);
      const resumed = {
        round,
        resumeSeconds: (Math.max(...kill.resumedAt.values()) - killedAt) / 1000,
        firstOutputSeconds: seconds(kill.firstNewOutputAt),
        runningSeconds: seconds(victim.startedAt),
        bootSeconds: victim.bootMs === undefined ? undefined : victim.bootMs / 1000,
        ownedPartitions: kill.owned.size,
        loadAverage,
      };
      rounds.push({ ...resumed, victim: victim.spec.name });
      say(`  round ${round}: ${victim.spec.name} resumed ${resumed.resumeSeconds.toFixed(2)} s after the SIGKILL (${resumed.ownedPartitions} partitions; first output ${resumed.firstOutputSeconds?.toFixed(2) ?? '?'} s, RUNNING ${resumed.runningSeconds?.toFixed(2) ?? '?'} s, boot ${resumed.bootSeconds?.toFixed(2) ?? '?'} s), load ${loadAverage.toFixed(1)}`);
      await sleep(settings.settleMs);
    }
    await load.stop();
    if (load.failure !== undefined) throw new Error(load.failure);
    const ends = await endOffsets(context.java, settings.bootstrap, inputTopic);
    await waitForCompletion({ admin, groupId: applicationId, topic: inputTopic, endOffsets: ends, intervalMs: 100, timeoutMs: 120_000, stallMs: 60_000, failed: () => instances.find((i) => i.exitReason !== undefined)?.exitReason });
    // The group's offsets cover the input; the reader may still be a poll behind the last transaction.
    const sent = new Map([...preloaded, ...load.sent]);
    const caughtUp = await waitFor('the output counts to equal the records sent', 60_000, () => checkCounts(sent, watch.lastCount).ok, instances, watch, load, 500).then(() => true, () => false);
    const check = checkCounts(sent, watch.lastCount);
    outputCheck = { ok: caughtUp && check.ok, detail: `${check.detail}; ${preloaded.size + load.total} records sent, ${watch.records} output records read (${watch.malformed} malformed)` };
  } catch (error) {
    failures.push((error as Error).message);
  } finally {
    await load.stop().catch(() => undefined);
    await Promise.all(instances.map((instance) => instance.close()));
    await watch.close().catch((error: unknown) => failures.push((error as Error).message));
    rmSync(stateRoot, { recursive: true, force: true });
    const internal = (await admin.listTopics().catch(() => [] as string[])).filter((topic) => topic.startsWith(`${applicationId}-`));
    await admin.deleteTopics([...new Set([inputTopic, outputTopic, ...internal])], { ifExists: true }).catch(() => undefined);
    await admin.deleteGroups([applicationId]).catch(() => undefined);
  }
  return { engine, scenario, applicationId, rounds, failures, outputCheck, recordsSent: preloaded.size + load.total, logDir };
}
