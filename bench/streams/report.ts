/**
 * Turns contender runs into the table `bench/run.ts` prints and the JSON file kept under
 * `bench/results/`. The headline per engine and case is the median steady-state rate
 * (records/s after the first commit, so start-up is left out; start-up has its own
 * column), over the runs whose output checked OK only; our ratio to Kafka Streams is
 * of those medians.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ContenderResult } from './contender.ts';
import type { InputSummary } from './data.ts';
import type { PerfResult } from './perf-tools.ts';
import type { BenchSettings, Engine, Guarantee, TopologyCase } from './settings.ts';

export interface Limits {
  readonly consumer?: (PerfResult & { readonly withJoinPerSecond: number }) | undefined;
  readonly producer?: PerfResult | undefined;
}

export interface Row {
  readonly topology: TopologyCase;
  readonly guarantee: Guarantee;
  /** The headline: median steady-state records/s (after the first commit) of the valid runs. */
  readonly ours: number | undefined;
  readonly kafkaStreams: number | undefined;
  /** ours ÷ Kafka Streams, of the steady-state medians. */
  readonly ratio: number | undefined;
  /** Median records/s from spawn to completion (start-up included), of the same runs. */
  readonly oursFromSpawn: number | undefined;
  readonly kafkaStreamsFromSpawn: number | undefined;
  /** Median seconds from spawn to STARTED (RUNNING), of the same runs. */
  readonly oursStartSeconds: number | undefined;
  readonly kafkaStreamsStartSeconds: number | undefined;
  /** Median CPU microseconds per record after the first commit (see ContenderResult), of the same runs. */
  readonly oursCpuMicros: number | undefined;
  readonly kafkaStreamsCpuMicros: number | undefined;
  /** Runs of this case left out of every median: a wrong or unchecked output. */
  readonly excluded: number;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Whether a run may count: its output was read back and checked OK. A run that measured
 * less work than the case asks (a dropped join, missing count updates), or whose output
 * could not be checked, is shown but left out of every median.
 */
export function isValidRun(run: Pick<ContenderResult, 'outputCheck'>): boolean {
  return run.outputCheck?.ok === true;
}

const defined = (values: readonly (number | undefined)[]): number[] => values.filter((value): value is number => value !== undefined);

export function summarise(settings: Pick<BenchSettings, 'cases' | 'guarantees'>, results: readonly ContenderResult[]): Row[] {
  return settings.cases.flatMap((topology) =>
    settings.guarantees.map((guarantee) => {
      const runs = results.filter((r) => r.topology === topology && r.guarantee === guarantee);
      const valid = (engine: Engine): ContenderResult[] => runs.filter((r) => r.engine === engine && isValidRun(r));
      const ours = valid('ours');
      const kafkaStreams = valid('kafka-streams');
      const steady = (of: readonly ContenderResult[]): number | undefined => median(defined(of.map((r) => r.steadyRecordsPerSecond)));
      const oursSteady = steady(ours);
      const kafkaStreamsSteady = steady(kafkaStreams);
      return {
        topology,
        guarantee,
        ours: oursSteady,
        kafkaStreams: kafkaStreamsSteady,
        ratio: oursSteady !== undefined && kafkaStreamsSteady !== undefined ? oursSteady / kafkaStreamsSteady : undefined,
        oursFromSpawn: median(ours.map((r) => r.recordsPerSecond)),
        kafkaStreamsFromSpawn: median(kafkaStreams.map((r) => r.recordsPerSecond)),
        oursStartSeconds: median(defined(ours.map((r) => r.startedSeconds))),
        kafkaStreamsStartSeconds: median(defined(kafkaStreams.map((r) => r.startedSeconds))),
        oursCpuMicros: median(defined(ours.map((r) => r.steadyCpuMicrosPerRecord))),
        kafkaStreamsCpuMicros: median(defined(kafkaStreams.map((r) => r.steadyCpuMicrosPerRecord))),
        excluded: runs.length - ours.length - kafkaStreams.length,
      };
    }),
  );
}

/** Why the run must exit non-zero: a wrong output, a failed run, or a row without both engines' figure. */
export function verdict(rows: readonly Row[], failures: readonly string[]): string[] {
  const problems = [...failures];
  for (const row of rows) {
    const name = `${row.topology} ${row.guarantee}`;
    if (row.excluded > 0) problems.push(`${name}: ${row.excluded} run(s) with a wrong or unchecked output left out of the medians`);
    if (row.ours === undefined || row.kafkaStreams === undefined) problems.push(`${name}: no steady-state figure for ${row.ours === undefined ? 'ours' : 'Kafka Streams'}`);
  }
  return problems;
}

const fmt = (n: number | undefined): string => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));
const ratioOf = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}x`);
const secs = (n: number | undefined): string => (n === undefined ? '—' : n.toFixed(2));

/** A Markdown table, readable in a terminal and pasteable into BENCHMARKS.md. */
export function formatTable(rows: readonly Row[], results: readonly ContenderResult[], limits: Limits): string {
  const lines = [
    '| case | guarantee | ours steady (records/s) | Kafka Streams steady (records/s) | **ours / Kafka Streams** | from spawn: ours / KS (records/s) | ratio from spawn | start-up s: ours / KS | steady CPU µs/record: ours / KS | KS CPU ÷ ours | runs left out |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((row) => `| ${row.topology} | ${row.guarantee} | ${fmt(row.ours)} | ${fmt(row.kafkaStreams)} | **${ratioOf(row.ours, row.kafkaStreams)}** | ${fmt(row.oursFromSpawn)} / ${fmt(row.kafkaStreamsFromSpawn)} | ${ratioOf(row.oursFromSpawn, row.kafkaStreamsFromSpawn)} | ${secs(row.oursStartSeconds)} / ${secs(row.kafkaStreamsStartSeconds)} | ${secs(row.oursCpuMicros)} / ${secs(row.kafkaStreamsCpuMicros)} | ${ratioOf(row.kafkaStreamsCpuMicros, row.oursCpuMicros)} | ${row.excluded} |`),
  ];
  if (limits.consumer !== undefined) lines.push(`| limit: kafka-consumer-perf-test (read input) | — | ${fmt(limits.consumer.recordsPerSecond)} | (${fmt(limits.consumer.withJoinPerSecond)} incl. group join) | | | | | | | |`);
  if (limits.producer !== undefined) lines.push(`| limit: kafka-producer-perf-test (write, acks=all) | — | ${fmt(limits.producer.recordsPerSecond)} | | | | | | | | |`);
  lines.push('', '| run | seconds | records/s from spawn | steady records/s (after first commit) | spawn → STARTED s | spawn → first commit s | CPU s (spawn → done) | steady CPU µs/record | commits seen | output end offsets | output check | load avg |', '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const r of results) {
    const check = r.outputCheck === undefined ? 'not checked (left out)' : `${r.outputCheck.ok ? 'OK' : 'WRONG (left out)'} (${fmt(r.outputCheck.records)} records, ${fmt(r.outputCheck.offsetGaps)} offset gaps)`;
    lines.push(`| ${r.engine} ${r.topology} ${r.guarantee} #${r.repetition} | ${r.seconds.toFixed(2)} | ${fmt(r.recordsPerSecond)} | ${fmt(r.steadyRecordsPerSecond)} | ${secs(r.startedSeconds)} | ${secs(r.firstCommitSeconds)} | ${secs(r.cpuSeconds)} | ${secs(r.steadyCpuMicrosPerRecord)} | ${r.commitsSeen} | ${fmt(r.outputOffsets)} | ${check} | ${r.loadAverage.toFixed(1)} |`);
  }
  return lines.join('\n');
}

export interface ResultFile {
  readonly date: string;
  readonly machine: Record<string, unknown>;
  /** Git commit and uncommitted engine files at start and end: a change in between taints the run. */
  readonly engine: { readonly atStart: unknown; readonly atEnd: unknown };
  readonly settings: BenchSettings;
  readonly input: InputSummary;
  readonly rows: readonly Row[];
  readonly runs: readonly ContenderResult[];
  readonly limits: Limits;
  readonly failures: readonly string[];
  readonly profiles: readonly unknown[];
}

/** Writes `bench/results/<date>.json` and returns its path. */
export function writeResults(file: ResultFile): string {
  const dir = fileURLToPath(new URL('../results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${file.date}.json`);
  writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
  return path;
}
