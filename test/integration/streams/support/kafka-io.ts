/**
 * What the acceptance tests do on the broker besides running apps, through the project's
 * adapter only: produce deterministic input, learn end offsets, wait until an app's group
 * has committed up to them, and read a topic from the beginning to its end, read_committed.
 */

import {
  KafkaConsumer,
  allMembersRangeAssignor,
  kafkaClientConfig,
  kafkaConsumerConfig,
  type KafkaAdmin,
  type IsolationLevel,
  type KafkaClientConfig,
  type KafkaProducer,
  type KafkaRecord,
  type ProducerRecord,
} from '../../../../processors/kafka/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import { uniqueName } from '../../../support/names.ts';

export type Offsets = Map<number, bigint>;

export function clientConfig(bootstrap: string, clientId: string): KafkaClientConfig {
  return kafkaClientConfig.parse({ 'bootstrap.servers': bootstrap, 'client.id': clientId, retries: 10, 'retry.backoff.ms': 200 });
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A read_committed consumer in a fresh group that starts at the end (`latest` is the last
 * stable offset under read_committed), so its first positions are the end offsets.
 */
function endReader(client: KafkaClientConfig, topic: string, isolation: IsolationLevel): KafkaConsumer {
  const consumer = new KafkaConsumer(client, kafkaConsumerConfig.parse({
    'group.id': uniqueName('kst-it-reader'),
    'auto.offset.reset': 'latest',
    'isolation.level': isolation,
    'fetch.max.wait.ms': 50,
    'session.timeout.ms': 10_000,
    'rebalance.timeout.ms': 10_000,
    'heartbeat.interval.ms': 500,
  }), { assignor: allMembersRangeAssignor(() => Buffer.alloc(0)) });
  consumer.subscribe([topic]);
  return consumer;
}

async function awaitPositions(consumer: KafkaConsumer, topic: string, partitions: number, deadline: number): Promise<Offsets> {
  for (;;) {
    const positions = consumer.positions().filter((p) => p.topic === topic);
    if (positions.length === partitions) return new Map(positions.map((p) => [p.partition, p.offset]));
    if (Date.now() > deadline) throw new Error(`no positions for all ${partitions} partitions of ${topic} (got ${positions.length})`);
    await consumer.poll();
  }
}

/** The last stable offset of every partition (what a read_committed reader can reach); the high watermarks with read_uncommitted. */
export async function endOffsets(client: KafkaClientConfig, topic: string, partitions: number, timeoutMs = 30_000, isolation: IsolationLevel = 'read_committed'): Promise<Offsets> {
  const consumer = endReader(client, topic, isolation);
  try {
    return await awaitPositions(consumer, topic, partitions, Date.now() + timeoutMs);
  } finally {
    await consumer.close();
  }
}

/**
 * Every committed record of `topic`, from offset 0 until each partition's position reaches
 * the end offset taken when reading started (exact: no idle-poll guessing). With
 * `read_uncommitted`, records of aborted transactions are included too (to show that a
 * crash really left some behind).
 */
export async function readToEnd(client: KafkaClientConfig, topic: string, partitions: number, timeoutMs = 60_000, isolation: IsolationLevel = 'read_committed'): Promise<{ records: KafkaRecord[]; ends: Offsets }> {
  const deadline = Date.now() + timeoutMs;
  const consumer = endReader(client, topic, isolation);
  try {
    const ends = await awaitPositions(consumer, topic, partitions, deadline);
    for (const partition of ends.keys()) consumer.seek({ topic, partition }, 0n);
    const records: KafkaRecord[] = [];
    const reached = (): boolean => consumer.positions().every((p) => p.offset >= (ends.get(p.partition) ?? 0n));
    while (!reached()) {
      if (Date.now() > deadline) throw new Error(`reading ${topic} to ${formatOffsets(ends)} timed out at ${formatOffsets(new Map(consumer.positions().map((p) => [p.partition, p.offset])))}`);
      const batch = await consumer.poll();
      for (const record of batch.records) if (record.offset < (ends.get(record.partition) ?? 0n)) records.push(record);
    }
    return { records, ends };
  } finally {
    await consumer.close();
  }
}

/** The last value per key, records taken in offset order per partition (a table's current state). */
export function latestPerKey(records: readonly KafkaRecord[]): Map<string, number> {
  const S = Serdes.String();
  const L = Serdes.Long();
  const latest = new Map<string, number>();
  for (const record of records) latest.set(S.deserialize(record.topic, record.key) as string, L.deserialize(record.topic, record.value) as number);
  return latest;
}

export function formatOffsets(offsets: Offsets): string {
  return [...offsets].sort(([a], [b]) => a - b).map(([p, o]) => `${p}:${o}`).join(' ');
}

/**
 * Waits until `group` has committed, for every partition of every topic in a stage, at
 * least the stage's end offsets, stage after stage: the end of a repartition topic is only
 * final once the stage that writes it has consumed all of its own input.
 */
export async function awaitCaughtUp(admin: KafkaAdmin, client: KafkaClientConfig, group: string, stages: ReadonlyArray<ReadonlyArray<{ topic: string; partitions: number }>>, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const stage of stages) {
    const targets = await Promise.all(stage.map(async ({ topic, partitions }) => ({ topic, ends: await endOffsets(client, topic, partitions) })));
    let lag = '';
    for (;;) {
      signal?.throwIfAborted();
      let committed: Awaited<ReturnType<KafkaAdmin['listGroupOffsets']>> | null = null;
      try {
        committed = await admin.listGroupOffsets(group);
      } catch {
        // UNSTABLE_OFFSET_COMMIT while a transaction with offsets is open: ask again.
      }
      if (committed !== null) {
        const behind: string[] = [];
        for (const { topic, ends } of targets) {
          for (const [partition, end] of ends) {
            const at = committed.find((c) => c.topic === topic && c.partition === partition)?.offset ?? 0n;
            if (at < end) behind.push(`${topic}-${partition} at ${at} of ${end}`);
          }
        }
        if (behind.length === 0) break;
        lag = behind.join(', ');
      }
      if (Date.now() > deadline) throw new Error(`group ${group} did not catch up within ${timeoutMs} ms: ${lag}`);
      await pause(250);
    }
  }
}

/** Sends records in batches of `batchSize`, each batch awaited (acknowledged by the broker). */
export async function produceAll(producer: KafkaProducer, records: readonly ProducerRecord[], batchSize = 5_000): Promise<void> {
  for (let i = 0; i < records.length; i += batchSize) await producer.send(records.slice(i, i + batchSize));
}
