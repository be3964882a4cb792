import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaAdmin, KafkaProducer, PartitionReader, TransactionalProducer, type KafkaRecord, type TopicPartition } from '../../../processors/kafka/index.ts';
import { isKstError } from '../../../common/errors.ts';
import { clientConfig, unique, until } from './helpers.ts';

const value = (r: KafkaRecord): string => r.value?.toString('utf8') ?? '<null>';
const records = (topic: string, partition: number, values: readonly string[]) => values.map((v) => ({ topic, partition, key: Buffer.from(v), value: Buffer.from(v) }));

async function readTo(reader: PartitionReader, tp: TopicPartition, end: bigint): Promise<KafkaRecord[]> {
  const out: KafkaRecord[] = [];
  await until(`${tp.topic}-${tp.partition} at ${end}`, () => (reader.position(tp) ?? -1n) >= end, async () => out.push(...(await reader.poll())));
  return out;
}

test('reads assigned partitions from given offsets, reports positions and beginning/end offsets', { timeout: 60_000 }, async () => {
  const client = clientConfig('kst-test-partition-reader');
  const admin = new KafkaAdmin(client);
  const producer = new KafkaProducer(client);
  const reader = new PartitionReader(client, { maxWaitMs: 100 });
  const topic = unique('kst-reader');
  try {
    await admin.createTopics([{ name: topic, partitions: 3 }]);
    await producer.send([...records(topic, 0, ['a0', 'a1', 'a2', 'a3']), ...records(topic, 1, ['b0', 'b1'])]);
    const [p0, p1, p2] = [0, 1, 2].map((partition) => ({ topic, partition })) as [TopicPartition, TopicPartition, TopicPartition];
    assert.deepEqual((await reader.endOffsets([p0, p1, p2])).map((o) => o.offset), [4n, 2n, 0n]);
    assert.deepEqual((await reader.beginningOffsets([p0, p1])).map((o) => o.offset), [0n, 0n]);

    reader.assign([{ ...p0, offset: 2n }, { ...p1, offset: 'earliest' }, { ...p2, offset: 'latest' }]);
    assert.equal(reader.position(p1), undefined);
    const got = [...(await readTo(reader, p0, 4n)), ...(await readTo(reader, p1, 2n))];
    assert.deepEqual(got.map(value).sort(), ['a2', 'a3', 'b0', 'b1']);
    assert.equal(reader.position(p2), 0n);

    reader.unassign([p1]);
    assert.deepEqual(reader.assignment().map((tp) => tp.partition).sort(), [0, 2]);
    await producer.send(records(topic, 1, ['b2']));
    await producer.send(records(topic, 0, ['a4']));
    const more = await readTo(reader, p0, 5n);
    assert.deepEqual(more.map(value), ['a4'], 'an unassigned partition is not read');
    assert.throws(() => reader.position(p1), (error) => isKstError(error) && error.code === 'KST_KAFKA_CONSUMER');
  } finally {
    await reader.close();
    await producer.close();
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});

test('read_committed skips aborted records and markers; the end offset is the last stable offset', { timeout: 60_000 }, async () => {
  const client = clientConfig('kst-test-partition-reader-tx');
  const admin = new KafkaAdmin(client);
  const producer = new TransactionalProducer(client, unique('kst-reader-tx'));
  const topic = unique('kst-reader-tx');
  const tp = { topic, partition: 0 };
  const committed = new PartitionReader(client, { isolation: 'read_committed', maxWaitMs: 100 });
  const uncommitted = new PartitionReader(client, { isolation: 'read_uncommitted', maxWaitMs: 100 });
  try {
    await admin.createTopics([{ name: topic, partitions: 1 }]);
    await producer.initTransactions();
    for (const [values, commit] of [[['c1', 'c2'], true], [['x1', 'x2', 'x3'], false], [['c3'], true]] as const) {
      producer.begin();
      await producer.send(records(topic, 0, values));
      await (commit ? producer.commit() : producer.abort());
    }
    // 6 data records + 3 markers; an open transaction then holds the LSO back.
    producer.begin();
    await producer.send(records(topic, 0, ['open']));
    const [lso] = await committed.endOffsets([tp]);
    const [high] = await committed.endOffsets([tp], 'read_uncommitted');
    assert.equal(lso?.offset, 9n);
    assert.equal(high?.offset, 10n);

    committed.assign([{ ...tp, offset: 'earliest' }]);
    const read = await readTo(committed, tp, 9n);
    assert.deepEqual(read.map(value), ['c1', 'c2', 'c3']);
    assert.equal(committed.position(tp), 9n, 'the position moved past the last marker');

    uncommitted.assign([{ ...tp, offset: 0n }]);
    assert.deepEqual((await readTo(uncommitted, tp, 10n)).map(value), ['c1', 'c2', 'x1', 'x2', 'x3', 'c3', 'open']);
    await producer.abort();
  } finally {
    await committed.close();
    await uncommitted.close();
    await producer.close();
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});

test('read_committed keeps a producer\'s committed transactions between its aborted one and a later abort marker without data', { timeout: 60_000 }, async () => {
  // The shape a fenced producer leaves: an aborted transaction with data (listed by the
  // broker), committed ones, then an abort marker of a transaction that added the
  // partition but wrote nothing to it (not listed). The library's own filter dropped
  // everything of the producer between the first and the last abort marker.
  const client = clientConfig('kst-test-partition-reader-empty-abort');
  const admin = new KafkaAdmin(client);
  const producer = new TransactionalProducer(client, unique('kst-reader-empty-abort'));
  const topic = unique('kst-reader-empty-abort');
  const tp = { topic, partition: 0 };
  const committed = new PartitionReader(client, { isolation: 'read_committed', maxWaitMs: 100 });
  try {
    // Refuses batches over 1 KiB: the partition is added to a transaction, its data refused.
    await admin.createTopics([{ name: topic, partitions: 1, configs: { 'max.message.bytes': '1024' } }]);
    await producer.initTransactions();
    for (const [values, commit] of [[['x1'], false], [['c1', 'c2'], true], [['c3'], true]] as const) {
      producer.begin();
      await producer.send(records(topic, 0, values));
      await (commit ? producer.commit() : producer.abort());
    }
    producer.begin();
    await assert.rejects(producer.send([{ topic, partition: 0, key: Buffer.from('big'), value: Buffer.alloc(4_096) }]));
    await producer.abort();
    // x1, marker, c1, c2, marker, c3, marker, and the abort marker with no data before it.
    const [end] = await committed.endOffsets([tp]);
    assert.equal(end?.offset, 8n, 'the refused transaction left only its abort marker');

    committed.assign([{ ...tp, offset: 0n }]);
    assert.deepEqual((await readTo(committed, tp, 8n)).map(value), ['c1', 'c2', 'c3']);
  } finally {
    await committed.close();
    await producer.close();
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});

test('a position outside the log is reset to the beginning and reported', { timeout: 60_000 }, async () => {
  const client = clientConfig('kst-test-partition-reader-reset');
  const admin = new KafkaAdmin(client);
  const producer = new KafkaProducer(client);
  const resets: Array<[bigint, bigint]> = [];
  const reader = new PartitionReader(client, { maxWaitMs: 100, onOffsetReset: (_tp, from, to) => resets.push([from, to]) });
  const topic = unique('kst-reader-reset');
  const tp = { topic, partition: 0 };
  try {
    await admin.createTopics([{ name: topic, partitions: 1 }]);
    await producer.send(records(topic, 0, ['r0', 'r1']));
    reader.assign([{ ...tp, offset: 50n }]);
    const read: KafkaRecord[] = [];
    await until('the records after the reset', () => read.length >= 2, async () => read.push(...(await reader.poll())));
    assert.deepEqual(read.map(value), ['r0', 'r1']);
    assert.equal(reader.position(tp), 2n);
    assert.deepEqual(resets, [[50n, 0n]]);
  } finally {
    await reader.close();
    await producer.close();
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});

test('endOffsets on a topic its broker does not know yet waits on refreshed metadata until the topic appears', { timeout: 60_000 }, async () => {
  // One library retry: its own metadata retries give up at once, as they do on a loaded
  // broker that is slow to learn a topic created a moment ago.
  const client = { ...clientConfig('kst-test-partition-reader-new-topic'), retries: 1, 'retry.backoff.ms': 100 };
  const admin = new KafkaAdmin(clientConfig('kst-test-partition-reader-new-topic-admin'));
  const reader = new PartitionReader(client);
  const topic = unique('kst-reader-new-topic');
  try {
    const ends = reader.endOffsets([{ topic, partition: 0 }]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await admin.createTopics([{ name: topic, partitions: 1 }]);
    assert.deepEqual(await ends, [{ topic, partition: 0, offset: 0n }]);
  } finally {
    await reader.close();
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});
