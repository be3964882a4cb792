/**
 * The plain producer against the broker: one `send` that the planner splits into several
 * requests for the same partition lands in the order given. (The client library once
 * wrote the second of two such requests first when both were in flight together; the
 * producer now sends them one after the other, see `sendWaves`.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaAdmin, KafkaProducer, PartitionReader, type ProducerRecord } from '../../../processors/kafka/index.ts';
import { clientConfig, unique } from './helpers.ts';

test('a send split into several requests per partition keeps each partition\'s order, from a fresh producer', { timeout: 60_000 }, async () => {
  const admin = new KafkaAdmin(clientConfig());
  const topic = unique('kst-producer-order');
  try {
    await admin.createTopics([{ name: topic, partitions: 2 }]);
    for (let round = 0; round < 3; round++) {
      // ~1,300 records per partition: the 16 KB batch size splits each into several batches.
      const records: ProducerRecord[] = Array.from({ length: 2_600 }, (_, i) => ({ topic, partition: i % 2, key: Buffer.from(`k${i % 100}`), value: Buffer.from(`r${round}-${i}`) }));
      const producer = new KafkaProducer(clientConfig());
      try {
        await producer.send(records);
      } finally {
        await producer.close();
      }
      const reader = new PartitionReader(clientConfig());
      try {
        reader.assign([0, 1].map((partition) => ({ topic, partition, offset: BigInt(round * 1_300) })));
        const got: Array<{ partition: number; value: string }> = [];
        while (got.length < records.length) for (const r of await reader.poll()) got.push({ partition: r.partition, value: r.value?.toString() ?? '' });
        for (const partition of [0, 1]) {
          const expected = records.filter((r) => r.partition === partition).map((r) => r.value?.toString());
          assert.deepEqual(got.filter((r) => r.partition === partition).map((r) => r.value), expected, `round ${round}, partition ${partition}`);
        }
      } finally {
        await reader.close();
      }
    }
  } finally {
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});
