/**
 * Turns contender runs into the table `bench/run.ts` prints (median records/s of the
 * repetitions per engine and case, and our ratio to Kafka Streams) and the JSON file
 * kept under `bench/results/`.
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
  readonly ours: number | undefined;
  readonly kafkaStreams: number | undefined;
  /** ours ÷ Kafka Streams, of the medians. */
  readonly ratio: number | undefined;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

export function summarise(settings: BenchSettings, results: readonly ContenderResult[]): Row[] {
  const rate = (engine: Engine, topology: TopologyCase, guarantee: Guarantee): number | undefined =>
    median(results.filter((r) => r.engine === engine && r.topology === topology && r.guarantee === guarantee).map((r) => r.recordsPerSecond));
  return settings.cases.flatMap((topology) =>
    settings.guarantees.map((guarantee) => {
      const ours = rate('ours', topology, guarantee);
      const kafkaStreams = rate('kafka-streams', topology, guarantee);
      return { topology, guarantee, ours, kafkaStreams, ratio: ours !== undefined && kafkaStreams !== undefined ? ours / kafkaStreams : undefined };
    }),
  );
}

const fmt = (n: number | undefined): string => (n === undefined ? '—' : Math.round(n).toLocaleString('en-US'));

/** A Markdown table, readable in a terminal and pasteable into BENCHMARKS.md. */
export function formatTable(rows: readonly Row[], results: readonly ContenderResult[], limits: Limits): string {
  const lines = [
    '| case | guarantee | ours (records/s) | Kafka Streams (records/s) | ours / Kafka Streams |',
    '|---|---|---:|---:|---:|',
    ...rows.map((row) => `| ${row.topology} | ${row.guarantee} | ${fmt(row.ours)} | ${fmt(row.kafkaStreams)} | ${row.ratio === undefined ? '—' : `${row.ratio.toFixed(2)}x`} |`),
  ];
  if (limits.consumer !== undefined) lines.push(`| limit: kafka-consumer-perf-test (read input) | — | ${fmt(limits.consumer.recordsPerSecond)} | (${fmt(limits.consumer.withJoinPerSecond)} incl. group join) | |`);
  if (limits.producer !== undefined) lines.push(`| limit: kafka-producer-perf-test (write, acks=all) | — | ${fmt(limits.producer.recordsPerSecond)} | | |`);
  lines.push('', '| run | seconds | records/s | after first commit, records/s | spawn → STARTED s | spawn → first commit s | commits seen | output end offsets | output check | load avg |', '|---|---:|---:|---:|---:|---:|---:|---:|---|---:|');
  for (const r of results) {
    const check = r.outputCheck === undefined ? '—' : `${r.outputCheck.ok ? 'OK' : 'WRONG'} (${fmt(r.outputCheck.records)} records, ${fmt(r.outputCheck.offsetGaps)} offset gaps)`;
    lines.push(`| ${r.engine} ${r.topology} ${r.guarantee} #${r.repetition} | ${r.seconds.toFixed(2)} | ${fmt(r.recordsPerSecond)} | ${fmt(r.steadyRecordsPerSecond)} | ${r.startedSeconds?.toFixed(2) ?? '—'} | ${r.firstCommitSeconds?.toFixed(2) ?? '—'} | ${r.commitsSeen} | ${fmt(r.outputOffsets)} | ${check} | ${r.loadAverage.toFixed(1)} |`);
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
