/**
 * One contender run: a fresh application id and output topic, the engine in a child
 * process of its own (a JVM for Kafka Streams, a Node process for ours, started and
 * stopped the same way), timed from spawn until its committed offsets cover the input.
 * Both children print "STARTED" when running and close cleanly when their stdin ends.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KafkaAdmin } from '../../processors/kafka/index.ts';
import { waitForCompletion } from './completion.ts';
import { checkOutput, type OutputCheck } from './output-check.ts';
import { endOffsets } from './perf-tools.ts';
import { BENCH_CACHE, type JavaSide } from './jars.ts';
import type { BenchSettings, Engine, Guarantee, TopologyCase } from './settings.ts';

const OURS_CHILD = fileURLToPath(new URL('./ours-child.ts', import.meta.url));

export interface ContenderSpec {
  readonly engine: Engine;
  readonly topology: TopologyCase;
  readonly guarantee: Guarantee;
  readonly repetition: number;
  readonly runId: string;
  /** Second attempt after a failure: a fresh application id again. */
  readonly retry?: boolean;
  /** Write a V8 CPU profile of our child into this folder. */
  readonly profileDir?: string;
}

export interface ContenderResult {
  readonly engine: Engine;
  readonly topology: TopologyCase;
  readonly guarantee: Guarantee;
  readonly repetition: number;
  readonly applicationId: string;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  /** Spawn until the first committed offset: start-up plus the first commit interval. */
  readonly firstCommitSeconds: number | undefined;
  readonly startedSeconds: number | undefined;
  /**
   * Records/s after start-up: records not yet committed at the first observed commit,
   * divided by the time from that observation to completion. Both ends are quantised by
   * the commit interval alike, so it is a cross-check, not the headline.
   */
  readonly steadyRecordsPerSecond: number | undefined;
  /** CPU seconds (user + system, all threads) the contender's process used from spawn to completion. */
  readonly cpuSeconds: number | undefined;
  /**
   * CPU microseconds per record after the first commit: CPU time is what the engine
   * costs, and unlike wall time it hardly moves when other work shares the machine.
   */
  readonly steadyCpuMicrosPerRecord: number | undefined;
  readonly outputTopic: string;
  /** Moves of the committed offsets seen while polling every 100 ms (a lower bound on commits). */
  readonly commitsSeen: number;
  /** 1-minute load average when the run completed: other work on the machine shows here. */
  readonly loadAverage: number;
  /**
   * Sum of the output topic's end offsets after the run: the records written, plus one
   * commit marker per transaction and partition under exactly-once.
   */
  readonly outputOffsets: number | undefined;
  /** The output read back and checked against what the case must write (see output-check.ts). */
  readonly outputCheck: OutputCheck | undefined;
  /** Topics the engine created for itself (changelogs): the same set on both sides shows the same work. */
  readonly internalTopics: readonly string[];
  readonly log: string;
}

export interface RunContext {
  readonly admin: KafkaAdmin;
  readonly java: JavaSide;
  readonly settings: BenchSettings;
  readonly inputTopic: string;
  readonly endOffsets: ReadonlyMap<number, bigint>;
  /** Input records that pass the filter-map case's filter, to check its output. */
  readonly kept: number;
  /** The join case's table topic (generated only when that case runs). */
  readonly table: { readonly topic: string; readonly endOffsets: ReadonlyMap<number, bigint> } | undefined;
}

function childCommand(context: Pick<RunContext, 'java' | 'settings'>, spec: Pick<ContenderSpec, 'engine' | 'profileDir'>, args: readonly string[]): { command: string; args: string[] } {
  if (spec.engine === 'kafka-streams') {
    const { java } = context;
    return { command: java.jdk.java, args: [`-Xmx${context.settings.javaHeapMb}m`, '-cp', `${java.compiledDir}:${java.streamsClasspath}`, 'StreamsBench', ...args] };
  }
  const profile = spec.profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${spec.profileDir}`];
  return { command: process.execPath, args: [...profile, OURS_CHILD, ...args] };
}

/** Linux clock ticks per second (`getconf CLK_TCK`), the unit of /proc/<pid>/stat times. */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system, every thread) a running process used so far, from /proc; undefined where unavailable. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    return parseCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** utime and stime are fields 14 and 15 of /proc/<pid>/stat; the command name (field 2) may hold spaces, so fields count from its closing parenthesis. */
export function parseCpuSeconds(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  return Number.isFinite(user) && Number.isFinite(system) ? (user + system) / CLOCK_TICKS : undefined;
}

export function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
  });
}

/** Changelogs and repartition topics: both engines name them `<application.id>-…` (the output topic too). */
function internalTopicsOf(admin: KafkaAdmin, applicationId: string): Promise<string[]> {
  return admin.listTopics().then((topics) => topics.filter((topic) => topic.startsWith(`${applicationId}-`)).sort(), () => []);
}

export interface Launched {
  readonly child: ChildProcess;
  readonly spawnedAt: number;
  /** When the child printed STARTED. */
  startedAt(): number | undefined;
  /** Why the child is gone, once it is. */
  exited(): string | undefined;
}

export function launch(context: Pick<RunContext, 'java' | 'settings'>, spec: Pick<ContenderSpec, 'engine' | 'profileDir'>, args: readonly string[], log: string): Launched {
  const { command, args: argv } = childCommand(context, spec, args);
  const logStream = createWriteStream(log);
  const spawnedAt = performance.now();
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let startedAt: number | undefined;
  let exited: string | undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    logStream.write(chunk);
    if (startedAt === undefined && chunk.toString().includes('STARTED')) startedAt = performance.now();
  });
  child.stderr.on('data', (chunk: Buffer) => logStream.write(chunk));
  child.on('exit', (code, signal) => {
    exited = `exited with ${signal ?? code}; see ${log}`;
    logStream.end();
  });
  child.on('error', (error) => {
    exited = `could not start: ${error.message}`;
    logStream.end();
  });
  return { child, spawnedAt, startedAt: () => startedAt, exited: () => exited };
}

/** Runs one contender to completion, stops it and removes its topics, group and state. */
export async function runContender(context: RunContext, spec: ContenderSpec): Promise<ContenderResult> {
  const { admin, settings } = context;
  const tag = `${spec.engine === 'ours' ? 'ours' : 'kstreams'}-${spec.topology}-${spec.guarantee === 'exactly_once_v2' ? 'eos' : 'alos'}-${spec.repetition}${spec.retry === true ? '-retry' : ''}`;
  const applicationId = `bench-${spec.runId}-${tag}`;
  const outputTopic = `${applicationId}-output`;
  const stateDir = mkdtempSync(join(tmpdir(), 'kst-bench-'));
  const logDir = join(BENCH_CACHE, 'logs', spec.runId);
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `${tag}.log`);
  await admin.createTopics([{ name: outputTopic, partitions: settings.partitions }]);
  const commitMs = spec.guarantee === 'exactly_once_v2' ? settings.commitIntervalEosMs : settings.commitIntervalAlosMs;
  const args = [spec.topology, spec.guarantee, settings.bootstrap, context.inputTopic, outputTopic, applicationId, stateDir, String(commitMs), String(settings.cacheBytes), context.table?.topic ?? '-'];
  let running: Launched | undefined;
  try {
    const launched = launch(context, spec, args, log);
    running = launched;
    let cpuAtFirstCommit: number | undefined;
    const progress = await waitForCompletion({
      admin,
      groupId: applicationId,
      topic: context.inputTopic,
      endOffsets: context.endOffsets,
      intervalMs: settings.pollIntervalMs,
      timeoutMs: settings.contenderTimeoutMs,
      stallMs: settings.stallMs,
      failed: launched.exited,
      onFirstCommit: () => {
        cpuAtFirstCommit = cpuSecondsOf(launched.child.pid);
      },
    });
    const cpuAtDone = cpuSecondsOf(launched.child.pid);
    const { spawnedAt } = launched;
    const startedAt = launched.startedAt();
    const seconds = (progress.doneAt - spawnedAt) / 1000;
    await stopChild(launched.child, 60_000);
    const written = await endOffsets(context.java, settings.bootstrap, outputTopic).catch(() => undefined);
    const outputCheck = await checkOutput({ bootstrap: settings.bootstrap, topic: outputTopic, partitions: settings.partitions, topology: spec.topology, inputRecords: settings.records, kept: context.kept, timeoutMs: 120_000 })
      .catch((error: unknown) => ({ ok: false, records: 0, detail: `could not read the output: ${(error as Error).message}`, offsetGaps: 0 }));
    const internalTopics = (await internalTopicsOf(admin, applicationId)).filter((topic) => topic !== outputTopic).map((topic) => topic.slice(applicationId.length + 1));
    return {
      engine: spec.engine,
      topology: spec.topology,
      guarantee: spec.guarantee,
      repetition: spec.repetition,
      applicationId,
      seconds,
      recordsPerSecond: settings.records / seconds,
      firstCommitSeconds: progress.firstCommitAt === undefined ? undefined : (progress.firstCommitAt - spawnedAt) / 1000,
      steadyRecordsPerSecond: progress.firstCommitAt === undefined || progress.doneAt <= progress.firstCommitAt ? undefined : (settings.records - progress.firstCommitted) / ((progress.doneAt - progress.firstCommitAt) / 1000),
      startedSeconds: startedAt === undefined ? undefined : (startedAt - spawnedAt) / 1000,
      cpuSeconds: cpuAtDone,
      steadyCpuMicrosPerRecord: cpuAtDone === undefined || cpuAtFirstCommit === undefined || progress.firstCommitted >= settings.records ? undefined : ((cpuAtDone - cpuAtFirstCommit) * 1e6) / (settings.records - progress.firstCommitted),
      outputTopic,
      commitsSeen: progress.commitsSeen,
      loadAverage: loadavg()[0] ?? 0,
      outputOffsets: written === undefined ? undefined : Number([...written.values()].reduce((a, b) => a + b, 0n)),
      outputCheck,
      internalTopics,
      log,
    };
  } finally {
    if (running !== undefined) await stopChild(running.child, 60_000);
    rmSync(stateDir, { recursive: true, force: true });
    const internal = await internalTopicsOf(admin, applicationId);
    await admin.deleteTopics([...new Set([outputTopic, ...internal])], { ifExists: true }).catch(() => undefined);
    await admin.deleteGroups([applicationId]).catch(() => undefined);
  }
}
