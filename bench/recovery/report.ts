/**
 * Turns the recovery benchmark's rounds into the table `bench/recovery/run.ts` prints
 * (p50 and p99 of the time to resume per engine and scenario, and the targets: ours at
 * most Kafka Streams, p99 under 3 s) and the JSON kept under `bench/results/`.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../streams/settings.ts';
import type { Scenario } from './settings.ts';
import type { TrialResult } from './trial.ts';

export const P99_TARGET_SECONDS = 3;

/** Nearest-rank percentile: with 10 samples p99 is the largest, p50 the 5th. */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export interface RecoveryRow {
  readonly scenario: Scenario;
  readonly engine: Engine;
  readonly rounds: number;
  readonly failed: number;
  readonly p50: number | undefined;
  readonly p99: number | undefined;
  readonly runningP50: number | undefined;
  readonly bootP50: number | undefined;
  readonly outputOk: boolean | undefined;
}

export function summariseTrials(trials: readonly TrialResult[]): RecoveryRow[] {
  return trials.map((trial) => ({
    scenario: trial.scenario,
    engine: trial.engine,
    rounds: trial.rounds.length,
    failed: trial.failures.length,
    p50: percentile(trial.rounds.map((r) => r.resumeSeconds), 50),
    p99: percentile(trial.rounds.map((r) => r.resumeSeconds), 99),
    runningP50: percentile(trial.rounds.flatMap((r) => (r.runningSeconds === undefined ? [] : [r.runningSeconds])), 50),
    bootP50: percentile(trial.rounds.flatMap((r) => (r.bootSeconds === undefined ? [] : [r.bootSeconds])), 50),
    outputOk: trial.outputCheck?.ok,
  }));
}

const fmt = (value: number | undefined): string => (value === undefined ? '–' : `${value.toFixed(2)} s`);

/** A Markdown table: one line per scenario and engine, then the targets' verdict per scenario. */
export function formatRecoveryTable(rows: readonly RecoveryRow[]): string {
  const lines = [
    '| scenario | engine | kills resumed | failed | time to resume p50 | p99 | RUNNING again p50 | of which boot p50 | output check |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const row of rows) {
    lines.push(`| ${row.scenario} | ${row.engine} | ${row.rounds} | ${row.failed} | ${fmt(row.p50)} | ${fmt(row.p99)} | ${fmt(row.runningP50)} | ${fmt(row.bootP50)} | ${row.outputOk === undefined ? 'not checked' : row.outputOk ? 'OK' : 'WRONG'} |`);
  }
  for (const scenario of new Set(rows.map((row) => row.scenario))) {
    const ours = rows.find((row) => row.scenario === scenario && row.engine === 'ours');
    const theirs = rows.find((row) => row.scenario === scenario && row.engine === 'kafka-streams');
    if (ours?.p99 === undefined) continue;
    const versus = theirs?.p50 === undefined || ours.p50 === undefined ? 'no Kafka Streams figure' : `p50 ours ÷ Kafka Streams ${(ours.p50 / theirs.p50).toFixed(2)}, p99 ${theirs.p99 === undefined ? '–' : (ours.p99 / theirs.p99).toFixed(2)}`;
    lines.push(`\n${scenario}: ${versus}; our p99 ${ours.p99 < P99_TARGET_SECONDS ? 'meets' : 'misses'} the < ${P99_TARGET_SECONDS} s target`);
  }
  return lines.join('\n');
}

const RESULTS = fileURLToPath(new URL('../results/', import.meta.url));

export function writeRecoveryResults(date: string, contents: Record<string, unknown>): string {
  mkdirSync(RESULTS, { recursive: true });
  const path = join(RESULTS, `recovery-${date}.json`);
  writeFileSync(path, `${JSON.stringify(contents, null, 2)}\n`);
  return path;
}
