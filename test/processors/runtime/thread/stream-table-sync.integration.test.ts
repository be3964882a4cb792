/**
 * Acceptance for the tasks' input buffers (PartitionGroup): a stream-table join whose
 * table topic and stream topic are both filled before the application starts. Every row
 * is older than every stream record, and each table partition holds more than one fetch
 * brings (over `max.partition.fetch.bytes`), so a task that processed what the first fetch
 * gave it would run stream records past rows still on the broker and drop them. As Kafka
 * Streams (max.task.idle.ms 0), the task waits for the table partition while its known lag
 * is above 0, so every stream record finds its row: the output is exactly what the test
 * computes.
 */

import '../../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaStreams } from '../../../../processors/client/index.ts';
import { KafkaAdmin, type ProducerRecord } from '../../../../processors/kafka/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import { Consumed, Produced, StreamsBuilder } from '../../../../processors/dsl/index.ts';
import { readToEnd } from '../../../integration/streams/support/kafka-io.ts';
import { bootstrap, clientConfig, createTopics, produce, tempStateDir, text, uniqueName, waitForState } from '../../client/helpers.ts';

const PARTITIONS = 2;
/** 40,000 rows of about 100 bytes: about 2 MB per table partition, more than one fetch returns. */
const KEYS = 40_000;
const PADDING = 'x'.repeat(60);
const STREAM_RECORDS = 12_000;

/** Waits until the group committed every record of `topic` (offsets start at 0: their sum is the record count). */
async function awaitCommitted(groupId: string, topic: string, records: number, timeoutMs: number): Promise<void> {
  const admin = new KafkaAdmin(clientConfig('kst-sync-admin'));
  try {
    let failure = 'none';
    for (const deadline = Date.now() + timeoutMs; ;) {
      const offsets = await admin.listGroupOffsets(groupId).catch((error: unknown) => ((failure = (error as Error).message), []));
      const committed = offsets.filter((o) => o.topic === topic).reduce((sum, o) => sum + o.offset, 0n);
      if (committed >= BigInt(records)) return;
      if (Date.now() > deadline) throw new Error(`${groupId} committed ${committed} of ${records} records of ${topic} (last listing error: ${failure})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.close();
  }
}

for (const guarantee of ['exactly_once_v2', 'at_least_once'] as const) {
  test(`${guarantee}: a stream-table join over a table and a stream both written before the start joins every record`, { timeout: 180_000 }, async () => {
    const tableTopic = uniqueName('kst-sync-table');
    const streamTopic = uniqueName('kst-sync-stream');
    const output = uniqueName('kst-sync-out');
    await createTopics([{ name: tableTopic, partitions: PARTITIONS }, { name: streamTopic, partitions: PARTITIONS }, { name: output, partitions: PARTITIONS }]);
    const base = Date.now() - 60 * 60_000;
    const rows: ProducerRecord[] = [];
    for (let k = 0; k < KEYS; k++) rows.push({ topic: tableTopic, key: text(`k${k}`), value: text(`row${k}:${PADDING}`), timestamp: BigInt(base + k) });
    const stream: ProducerRecord[] = [];
    const expected: string[] = [];
    for (let i = 0; i < STREAM_RECORDS; i++) {
      const key = `k${(i * 7919) % KEYS}`;
      stream.push({ topic: streamTopic, key: text(key), value: text(`v${i}`), timestamp: BigInt(base + KEYS + 1_000 + i) });
      expected.push(`${key}=v${i}|row${key.slice(1)}`);
    }
    // The stream first: on the broker, the stream is complete before the table is.
    await produce(stream);
    await produce(rows);

    const S = Serdes.String();
    const builder = new StreamsBuilder();
    const table = builder.table(tableTopic, Consumed.with(S, S));
    builder.stream(streamTopic, Consumed.with(S, S))
      .join(table, (value: string, row: string) => `${value}|${row.slice(0, row.indexOf(':'))}`)
      .to(output, Produced.with(S, S));
    const state = tempStateDir();
    const applicationId = uniqueName('kst-sync');
    const streams = new KafkaStreams(builder.build(), {
      'application.id': applicationId,
      'bootstrap.servers': bootstrap(),
      'processing.guarantee': guarantee,
      'state.dir': state.dir,
      'commit.interval.ms': 200,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 1_000,
    });
    try {
      await streams.start();
      await waitForState(streams, 'RUNNING');
      await awaitCommitted(applicationId, streamTopic, STREAM_RECORDS, 60_000).catch(async (error: unknown) => {
        const metrics = (await streams.metricsRegistry.metrics()).split('\n').filter((line) => /^kstreams_(task_processed|task_enforced|consumer_lag|thread_processed)/.test(line));
        throw new Error(`${(error as Error).message}; client ${streams.state}, last error ${streams.lastError?.message ?? 'none'}\n${metrics.join('\n')}`);
      });
      const { records } = await readToEnd(clientConfig('kst-sync-reader'), output, PARTITIONS);
      const joined = records.map((r) => `${r.key?.toString('utf8')}=${r.value?.toString('utf8')}`);
      assert.equal(joined.length, STREAM_RECORDS, `joined ${joined.length} of ${STREAM_RECORDS} stream records`);
      assert.deepEqual(joined.sort(), expected.sort());
    } finally {
      assert.equal(await streams.close({ timeoutMs: 30_000 }), true);
      state.remove();
    }
  });
}
