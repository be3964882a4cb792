/**
 * The hop-latency benchmark's flags (its own, beside the shared `settings.ts` ones) and
 * its table: per engine and guarantee, percentiles over every timed record of every
 * repetition (nearest rank), the records never seen, and CPU per timed record.
 */

import { percentile } from '../recovery/report.ts';
import type { HopLatencyResult } from './hop-latency.ts';

export interface LatencyFlags {
  /** Records timed per run. */
  readonly records: number;
  /** Records sent per second, one at a time. */
  readonly rate: number;
  readonly commitMs: number;
  /** The flags left for `parseSettings` (engines, guarantees, repetitions, partitions). */
  readonly rest: string[];
}

const DEFAULTS = { records: 400, rate: 20, commitMs: 100 };

function positive(value: string, flag: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new Error(`--${flag} must be a positive number, got "${value}"`);
  return number;
}

/** Parses the latency flags; exactly-once only and two repetitions unless the shared flags say otherwise. */
export function parseLatencyFlags(argv: readonly string[]): LatencyFlags {
  let { records, rate, commitMs } = DEFAULTS;
  const rest = ['--guarantees=exactly_once_v2', '--repetitions=2'];
  for (const arg of argv) {
    const [flag = '', value = ''] = arg.replace(/^--/, '').split('=', 2);
    if (flag === 'records') records = Math.round(positive(value, flag));
    else if (flag === 'rate') rate = positive(value, flag);
    else if (flag === 'commit-ms') commitMs = Math.round(positive(value, flag));
    else rest.push(arg);
  }
  return { records, rate, commitMs, rest };
}

export interface LatencyRow {
  readonly engine: string;
  readonly guarantee: string;
  readonly runs: number;
  readonly timed: number;
  readonly missing: number;
  readonly p50: number | undefined;
  readonly p90: number | undefined;
  readonly p99: number | undefined;
  readonly max: number | undefined;
  /** CPU milliseconds of the contender per timed record (idle polling included). */
  readonly cpuMsPerRecord: number | undefined;
}

export function summariseLatency(results: readonly HopLatencyResult[]): LatencyRow[] {
  const groups = new Map<string, HopLatencyResult[]>();
  for (const result of results) {
    const key = `${result.engine}\u0000${result.guarantee}`;
    groups.set(key, [...(groups.get(key) ?? []), result]);
  }
  return [...groups.values()].map((group) => {
    const all = group.flatMap((result) => result.latenciesMs);
    const cpu = group.every((result) => result.cpuSeconds !== undefined) ? group.reduce((sum, result) => sum + (result.cpuSeconds as number), 0) : undefined;
    return {
      engine: (group[0] as HopLatencyResult).engine,
      guarantee: (group[0] as HopLatencyResult).guarantee,
      runs: group.length,
      timed: all.length,
      missing: group.reduce((sum, result) => sum + result.missing, 0),
      p50: percentile(all, 50),
      p90: percentile(all, 90),
      p99: percentile(all, 99),
      max: all.length === 0 ? undefined : Math.max(...all),
      cpuMsPerRecord: cpu === undefined || all.length === 0 ? undefined : (cpu * 1000) / all.length,
    };
  });
}

const ms = (value: number | undefined): string => (value === undefined ? '—' : value.toFixed(1));

export function formatLatencyTable(results: readonly HopLatencyResult[]): string {
  const lines = ['| engine | guarantee | runs | records timed | missing | p50 ms | p90 ms | p99 ms | max ms | CPU ms / record |', '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|'];
  for (const row of summariseLatency(results)) {
    lines.push(`| ${row.engine} | ${row.guarantee} | ${row.runs} | ${row.timed} | ${row.missing} | ${ms(row.p50)} | ${ms(row.p90)} | ${ms(row.p99)} | ${ms(row.max)} | ${ms(row.cpuMsPerRecord)} |`);
  }
  return lines.join('\n');
}
