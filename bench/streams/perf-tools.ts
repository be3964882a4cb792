/**
 * Kafka's own command-line tools from `kafka-tools`: end offsets of a topic
 * (`GetOffsetShell`, so completion is judged against what the broker holds, not what
 * the generator believes it wrote) and the perf tests that bound what any client can
 * do on this broker and machine (`ConsumerPerformance`, `ProducerPerformance`).
 */

import { execFile } from 'node:child_process';
import type { JavaSide } from './jars.ts';

function runTool(java: JavaSide, main: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(java.jdk.java, ['-Xmx512m', '-cp', java.toolsClasspath, main, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${main} failed: ${error.message}\n${stderr.split('\n').slice(-15).join('\n')}`));
      else resolve(stdout);
    });
  });
}

/** The log end offset of every partition of `topic`, by partition. */
export async function endOffsets(java: JavaSide, bootstrap: string, topic: string): Promise<Map<number, bigint>> {
  const out = await runTool(java, 'org.apache.kafka.tools.GetOffsetShell', ['--bootstrap-server', bootstrap, '--topic', topic, '--time', '-1']);
  const offsets = new Map<number, bigint>();
  for (const line of out.split('\n')) {
    const match = /^(.+):(\d+):(\d+)$/.exec(line.trim());
    if (match?.[1] === topic) offsets.set(Number(match[2]), BigInt(match[3] as string));
  }
  if (offsets.size === 0) throw new Error(`GetOffsetShell printed no offsets for ${topic}:\n${out}`);
  return offsets;
}

export interface PerfResult {
  readonly records: number;
  readonly seconds: number;
  readonly recordsPerSecond: number;
  readonly mbPerSecond: number;
}

/**
 * Reads `records` records of `topic` with a fresh group (from the beginning). The tool's
 * `nMsg.sec` covers the whole run including the group join; `fetch.nMsg.sec` excludes
 * the join, and is reported as the limit since the join is a one-off cost.
 */
export async function consumerPerf(java: JavaSide, bootstrap: string, topic: string, records: number, group: string): Promise<PerfResult & { readonly withJoinPerSecond: number }> {
  const out = await runTool(java, 'org.apache.kafka.tools.ConsumerPerformance', ['--bootstrap-server', bootstrap, '--topic', topic, '--messages', String(records), '--group', group, '--timeout', '60000']);
  const lines = out.trim().split('\n');
  const header = (lines.find((line) => line.startsWith('start.time')) ?? '').split(',').map((field) => field.trim());
  const values = (lines.at(-1) ?? '').split(',').map((field) => field.trim());
  const field = (name: string): number => {
    const index = header.indexOf(name);
    if (index < 0) throw new Error(`ConsumerPerformance printed no ${name}:\n${out}`);
    return Number(values[index]);
  };
  const consumed = field('data.consumed.in.nMsg');
  const fetchMs = field('fetch.time.ms');
  return {
    records: consumed,
    seconds: fetchMs / 1000,
    recordsPerSecond: field('fetch.nMsg.sec'),
    mbPerSecond: field('fetch.MB.sec'),
    withJoinPerSecond: field('nMsg.sec'),
  };
}

/** Writes `records` values of `recordSize` bytes, unthrottled, idempotent (acks=all), to `topic`. */
export async function producerPerf(java: JavaSide, bootstrap: string, topic: string, records: number, recordSize: number): Promise<PerfResult> {
  const out = await runTool(java, 'org.apache.kafka.tools.ProducerPerformance', [
    '--topic', topic, '--num-records', String(records), '--record-size', String(recordSize), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=all', 'enable.idempotence=true',
  ]);
  const match = /(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(out.trim().split('\n').at(-1) ?? '');
  if (match === null) throw new Error(`ProducerPerformance printed no summary:\n${out}`);
  const sent = Number(match[1]);
  const perSecond = Number(match[2]);
  return { records: sent, seconds: sent / perSecond, recordsPerSecond: perSecond, mbPerSecond: Number(match[3]) };
}
