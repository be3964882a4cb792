/** Shared set-up of the streams client's broker tests. */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { uniqueName } from '../../support/names.ts';
import { KafkaAdmin, KafkaConsumer, KafkaProducer, allMembersRangeAssignor, kafkaClientConfig, kafkaConsumerConfig, type KafkaClientConfig, type KafkaRecord, type ProducerRecord } from '../../../processors/kafka/index.ts';
import type { ClientState, KafkaStreams } from '../../../processors/client/index.ts';

export const bootstrap = (): string => endpoints(loadStackConfig()).kafkaBootstrap;

export function clientConfig(id = 'kst-streams-test') {
  return kafkaClientConfig.parse({ 'bootstrap.servers': bootstrap(), 'client.id': id, retries: 10, 'retry.backoff.ms': 200 });
}

export { uniqueName };

/** A temporary state.dir, removed by the returned function. */
export function tempStateDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kst-streams-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function createTopics(topics: ReadonlyArray<{ name: string; partitions: number }>): Promise<void> {
  const admin = new KafkaAdmin(clientConfig('kst-test-admin'));
  try {
    await admin.createTopics(topics);
  } finally {
    await admin.close();
  }
}

export async function produce(records: readonly ProducerRecord[]): Promise<void> {
  const producer = new KafkaProducer(clientConfig('kst-test-producer'));
  try {
    for (let i = 0; i < records.length; i += 2_000) await producer.send(records.slice(i, i + 2_000));
  } finally {
    await producer.close();
  }
}

export const text = (value: string | null): Buffer | null => (value === null ? null : Buffer.from(value, 'utf8'));

/**
 * Reads a topic from the beginning (read_committed) until `done(records)` holds, then
 * for `quietMs` more to catch extras; throws after `timeoutMs`.
 */
export async function readUntil(topic: string, done: (records: readonly KafkaRecord[]) => boolean, options: { timeoutMs?: number; quietMs?: number; client?: KafkaClientConfig } = {}): Promise<KafkaRecord[]> {
  const consumer = new KafkaConsumer(options.client ?? clientConfig('kst-test-reader'), kafkaConsumerConfig.parse({
    'group.id': uniqueName('kst-test-reader'),
    'isolation.level': 'read_committed',
    'auto.offset.reset': 'earliest',
    'fetch.max.wait.ms': 100,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 500,
  }), { assignor: allMembersRangeAssignor(() => Buffer.alloc(0)) });
  const records: KafkaRecord[] = [];
  try {
    consumer.subscribe([topic]);
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    while (!done(records)) {
      if (Date.now() > deadline) throw new Error(`timed out reading ${topic}: ${records.length} records so far`);
      records.push(...(await consumer.poll()).records);
    }
    const quietUntil = Date.now() + (options.quietMs ?? 1_000);
    while (Date.now() < quietUntil) records.push(...(await consumer.poll()).records);
    return records;
  } finally {
    await consumer.close();
  }
}

/** Latest value per key of a String → Long topic, as counts. */
export function latestCounts(records: readonly KafkaRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    if (record.key === null || record.value === null) continue;
    counts.set(record.key.toString('utf8'), Number(record.value.readBigInt64BE(0)));
  }
  return counts;
}

export function expectedCounts(lines: readonly string[], split: (line: string) => string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const word of split(line)) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

/** True when `actual` holds exactly `expected`. */
export function sameCounts(actual: ReadonlyMap<string, number>, expected: ReadonlyMap<string, number>): boolean {
  if (actual.size !== expected.size) return false;
  for (const [key, value] of expected) if (actual.get(key) !== value) return false;
  return true;
}

export function waitForState(streams: KafkaStreams, state: ClientState, timeoutMs = 60_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const check = (): void => {
      if (streams.state === state) resolve();
      else if (Date.now() > deadline) reject(new Error(`client stayed ${streams.state}, expected ${state}; last error: ${streams.lastError?.message ?? 'none'}`));
      else setTimeout(check, 50);
    };
    check();
  });
}

/** Lines with a known vocabulary, so counts are easy to check. */
export function makeLines(count: number, seed = 1): string[] {
  const words = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu'];
  const lines: string[] = [];
  let x = seed;
  for (let i = 0; i < count; i++) {
    const n = 1 + (i % 5);
    const line: string[] = [];
    for (let j = 0; j < n; j++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      line.push(words[x % words.length] as string);
    }
    lines.push(line.join(' '));
  }
  return lines;
}
