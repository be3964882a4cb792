/**
 * One hop-latency run: a contender runs the filter-map topology (stateless) on a fresh
 * input topic; records are produced one at a time at a low, steady rate, each carrying
 * its send time, and a read_committed reader of the output topic notes when each one
 * becomes visible. Under exactly-once that is when the contender's transaction commits,
 * so the figure is "input appended → output visible": produce, fetch, process, send and
 * commit. Producer and reader live in this process, so one monotonic clock times both.
 *
 * Every value starts with "0:" (kept by the filter; upper-casing leaves digits alone):
 * `0:<sequence>:<send time ms>`.
 */

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaProducer, PartitionReader, kafkaClientConfig, type KafkaAdmin } from '../../processors/kafka/index.ts';
import { cpuSecondsOf, launch, stopChild, type Launched } from './contender.ts';
import { vocabulary } from './data.ts';
import { BENCH_CACHE, type JavaSide } from './jars.ts';
import type { BenchSettings, Engine, Guarantee } from './settings.ts';

export interface HopLatencySpec {
  readonly engine: Engine;
  readonly guarantee: Guarantee;
  readonly runId: string;
  readonly repetition: number;
  /** Records timed (after the warm-up). */
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly commitIntervalMs: number;
}

export interface HopLatencyResult {
  readonly engine: Engine;
  readonly guarantee: Guarantee;
  readonly repetition: number;
  /** Milliseconds from send to visible, one per record seen, in send order. */
  readonly latenciesMs: readonly number[];
  /** Records sent but never seen within the wait. */
  readonly missing: number;
  readonly cpuSeconds: number | undefined;
  readonly loadAverage: number;
  readonly log: string;
}

export interface HopLatencyContext {
  readonly admin: KafkaAdmin;
  readonly java: JavaSide;
  readonly settings: BenchSettings;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Parses `0:<sequence>:<send time>` (upper-cased or not); undefined for anything else. */
export function parseProbe(value: string): { readonly sequence: number; readonly sentAt: number } | undefined {
  const [, sequence, sentAt] = value.split(':');
  const parsed = { sequence: Number(sequence), sentAt: Number(sentAt) };
  return Number.isInteger(parsed.sequence) && Number.isFinite(parsed.sentAt) ? parsed : undefined;
}

async function waitFor(what: string, timeoutMs: number, condition: () => boolean, failed: () => string | undefined): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    const failure = failed();
    if (failure !== undefined) throw new Error(`${what}: the contender stopped: ${failure}`);
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Runs one contender and times `spec.records` hops after a warm-up that proves it is running and assigned. */
export async function runHopLatency(context: HopLatencyContext, spec: HopLatencySpec): Promise<HopLatencyResult> {
  const { admin, settings } = context;
  const tag = `latency-${spec.engine === 'ours' ? 'ours' : 'kstreams'}-${spec.guarantee === 'exactly_once_v2' ? 'eos' : 'alos'}-${spec.repetition}`;
  const applicationId = `bench-${spec.runId}-${tag}`;
  const inputTopic = `${applicationId}-input`;
  const outputTopic = `${applicationId}-output`;
  const stateDir = mkdtempSync(join(tmpdir(), 'kst-bench-'));
  const logDir = join(BENCH_CACHE, 'logs', spec.runId);
  mkdirSync(logDir, { recursive: true });
  const log = join(logDir, `${tag}.log`);
  const client = kafkaClientConfig.parse({ 'bootstrap.servers': settings.bootstrap, 'client.id': `bench-${tag}` });
  await admin.createTopics([{ name: inputTopic, partitions: settings.partitions }, { name: outputTopic, partitions: settings.partitions }]);
  const producer = new KafkaProducer(client);
  const reader = new PartitionReader(client, { isolation: 'read_committed', maxWaitMs: 5 });
  const seen = new Map<number, number>();
  let reading = true;
  let running: Launched | undefined;
  let readLoop: Promise<void> | undefined;
  const words = vocabulary(settings.keys);
  const send = (sequence: number): Promise<unknown> => {
    const key = Buffer.from(words[Math.abs(sequence) % words.length] as string);
    return producer.send([{ topic: inputTopic, key, value: Buffer.from(`0:${sequence}:${performance.now().toFixed(3)}`) }]);
  };
  try {
    reader.assign(Array.from({ length: settings.partitions }, (_, partition) => ({ topic: outputTopic, partition, offset: 'earliest' as const })));
    readLoop = (async () => {
      while (reading) {
        for (const record of await reader.poll()) {
          const probe = parseProbe(record.value?.toString('utf8') ?? '');
          if (probe !== undefined && !seen.has(probe.sequence)) seen.set(probe.sequence, performance.now() - probe.sentAt);
        }
      }
    })();
    const args = ['filter-map', spec.guarantee, settings.bootstrap, inputTopic, outputTopic, applicationId, stateDir, String(spec.commitIntervalMs), String(settings.cacheBytes), '-'];
    const launched = launch(context, { engine: spec.engine }, args, log);
    running = launched;
    await waitFor(`${tag} STARTED`, 120_000, () => launched.startedAt() !== undefined, launched.exited);
    // Warm-up: one record per partition's worth of keys, until each has come through.
    const warmUp = Math.max(20, settings.partitions * 4);
    for (let i = 0; i < warmUp; i++) await send(-1 - i);
    await waitFor(`${tag} warm-up output`, 120_000, () => [...seen.keys()].filter((sequence) => sequence < 0).length === warmUp, launched.exited);
    const cpuBefore = cpuSecondsOf(launched.child.pid);
    const gapMs = 1000 / spec.recordsPerSecond;
    const start = performance.now();
    const sends: Array<Promise<unknown>> = [];
    for (let sequence = 0; sequence < spec.records; sequence++) {
      const due = start + sequence * gapMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      sends.push(send(sequence));
    }
    await Promise.all(sends);
    const timed = (): number => [...seen.keys()].filter((sequence) => sequence >= 0).length;
    await waitFor(`${tag} output`, 30_000, () => timed() === spec.records, launched.exited).catch(() => undefined);
    const cpuAfter = cpuSecondsOf(launched.child.pid);
    reading = false;
    await readLoop;
    const latenciesMs: number[] = [];
    for (let sequence = 0; sequence < spec.records; sequence++) {
      const latency = seen.get(sequence);
      if (latency !== undefined) latenciesMs.push(latency);
    }
    return {
      engine: spec.engine,
      guarantee: spec.guarantee,
      repetition: spec.repetition,
      latenciesMs,
      missing: spec.records - latenciesMs.length,
      cpuSeconds: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
      loadAverage: loadavg()[0] ?? 0,
      log,
    };
  } finally {
    reading = false;
    await readLoop?.catch(() => undefined);
    if (running !== undefined) await stopChild(running.child, 60_000);
    await producer.close().catch(() => undefined);
    await reader.close().catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
    await admin.deleteTopics([inputTopic, outputTopic], { ifExists: true }).catch(() => undefined);
    await admin.deleteGroups([applicationId]).catch(() => undefined);
  }
}
