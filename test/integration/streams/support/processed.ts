/**
 * Waiting for a group to have processed every record of topics written transactionally
 * (repartition topics under exactly_once_v2), whatever it commits for their commit
 * markers, and telling how far its commits stop short of the ends.
 *
 * Kafka Streams commits the consumer's position once a partition is drained, stepping
 * over transaction markers (KAFKA-6607), so its lag on such a topic reaches 0. A runtime
 * that commits "last processed offset + 1" stays one marker behind forever: waiting for
 * the end offsets would never return, so the tests wait for the last data record instead
 * and check the markers separately.
 */

import type { KafkaAdmin } from '../../../../processors/kafka/index.ts';
import type { StreamsHarness } from './harness.ts';
import { endOffsets, readToEnd, type Offsets } from './kafka-io.ts';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Per partition, the offset after its last committed data record (0 for an empty partition). */
export async function afterLastRecord(h: StreamsHarness, spec: TopicSpec): Promise<Offsets> {
  const { records } = await readToEnd(h.client, spec.topic, spec.partitions, 30_000);
  const out: Offsets = new Map();
  for (let p = 0; p < spec.partitions; p++) out.set(p, 0n);
  for (const record of records) if (record.offset + 1n > (out.get(record.partition) ?? 0n)) out.set(record.partition, record.offset + 1n);
  return out;
}

async function committedOffsets(admin: KafkaAdmin, group: string): Promise<Awaited<ReturnType<KafkaAdmin['listGroupOffsets']>> | null> {
  try {
    return await admin.listGroupOffsets(group);
  } catch {
    return null; // UNSTABLE_OFFSET_COMMIT while a transaction with offsets is open: ask again
  }
}

/**
 * Stage after stage, waits until `group` committed past the last data record of every
 * partition of every topic of the stage (a stage's ends are final once the stages before
 * it are processed).
 */
export async function awaitProcessed(h: StreamsHarness, group: string, stages: ReadonlyArray<readonly TopicSpec[]>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const stage of stages) {
    const targets = await Promise.all(stage.map(async (spec) => ({ topic: spec.topic, ends: await afterLastRecord(h, spec) })));
    let lag = '';
    for (;;) {
      h.signal.throwIfAborted();
      const committed = await committedOffsets(h.admin, group);
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
      if (Date.now() > deadline) throw new Error(`group ${group} did not process every record within ${timeoutMs} ms: ${lag}`);
      await pause(250);
    }
  }
}

/** Partitions where `group`'s committed offset is short of the read_committed end: `topic-p committed/end`. */
export async function commitsShortOfEnd(h: StreamsHarness, group: string, specs: readonly TopicSpec[]): Promise<string[]> {
  const committed = (await committedOffsets(h.admin, group)) ?? [];
  const short: string[] = [];
  for (const spec of specs) {
    for (const [partition, end] of await endOffsets(h.client, spec.topic, spec.partitions)) {
      const at = committed.find((c) => c.topic === spec.topic && c.partition === partition)?.offset ?? 0n;
      if (at < end) short.push(`${spec.topic}-${partition} ${at}/${end}`);
    }
  }
  return short;
}
