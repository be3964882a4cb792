import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KafkaAdmin,
  KafkaConsumer,
  KafkaProducer,
  TransactionalProducer,
  allMembersRangeAssignor,
  type KafkaRecord,
  type TopicPartitionOffset,
} from '../../../processors/kafka/index.ts';
import { isKstError } from '../../../common/errors.ts';
import { clientConfig, consumerConfig, unique, until } from './helpers.ts';

const assignor = allMembersRangeAssignor(() => Buffer.from('test-member'));
const text = (buffer: Buffer | null): string => buffer?.toString('utf8') ?? '<null>';

/** Polls `consumer` until `count` records arrived; returns them with the latest next-offsets per partition. */
async function collect(consumer: KafkaConsumer, count: number): Promise<{ records: KafkaRecord[]; offsets: TopicPartitionOffset[] }> {
  const records: KafkaRecord[] = [];
  const offsets = new Map<string, TopicPartitionOffset>();
  await until(`${count} records`, () => records.length >= count, async () => {
    const batch = await consumer.poll();
    records.push(...batch.records);
    for (const o of batch.nextOffsets) offsets.set(`${o.topic}-${o.partition}`, o);
  });
  return { records, offsets: [...offsets.values()] };
}

/** Reads a whole topic from the beginning with a fresh group; stops after `quietMs` without new records. */
async function readAll(topic: string, isolation: 'read_committed' | 'read_uncommitted', minimum: number): Promise<KafkaRecord[]> {
  const consumer = new KafkaConsumer(clientConfig('kst-test-reader'), consumerConfig(unique('kst-reader'), { 'isolation.level': isolation }), { assignor });
  try {
    consumer.subscribe([topic]);
    const { records } = await collect(consumer, minimum);
    const quietUntil = Date.now() + 1_500;
    while (Date.now() < quietUntil) records.push(...(await consumer.poll()).records);
    return records;
  } finally {
    await consumer.close();
  }
}

test('consume-transform-produce: committed transactions are seen with their offsets, aborted ones never', { timeout: 120_000 }, async () => {
  const client = clientConfig('kst-test-eos');
  const admin = new KafkaAdmin(client);
  const input = unique('kst-eos-in');
  const output = unique('kst-eos-out');
  const group = unique('kst-eos-group');
  const producer = new KafkaProducer(client);
  const txProducer = new TransactionalProducer(client, unique('kst-eos-txn'));
  let consumer: KafkaConsumer | null = null;
  try {
    await admin.createTopics([{ name: input, partitions: 2 }, { name: output, partitions: 2 }]);
    const first = Array.from({ length: 6 }, (_, i) => ({ topic: input, key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`) }));
    const second = Array.from({ length: 4 }, (_, i) => ({ topic: input, key: Buffer.from(`k${i + 6}`), value: Buffer.from(`v${i + 6}`) }));
    await producer.send(first);

    await txProducer.initTransactions();
    consumer = new KafkaConsumer(client, consumerConfig(group, { 'isolation.level': 'read_committed' }), { assignor });
    consumer.subscribe([input]);

    // Transaction 1: transform the first six records and commit them with their input offsets.
    const batch1 = await collect(consumer, 6);
    txProducer.begin();
    await txProducer.send(batch1.records.map((r) => ({ topic: output, key: r.key, value: Buffer.from(text(r.value).toUpperCase()), headers: [['source-offset', Buffer.from(String(r.offset))] as const] })));
    await txProducer.sendOffsets(consumer.groupMetadata(), batch1.offsets);
    await txProducer.commit();

    // Transaction 2: same for the next four, but aborted.
    await producer.send(second);
    const batch2 = await collect(consumer, 4);
    assert.deepEqual(batch2.records.map((r) => text(r.value)).sort(), ['v6', 'v7', 'v8', 'v9']);
    txProducer.begin();
    await txProducer.send(batch2.records.map((r) => ({ topic: output, key: r.key, value: Buffer.from(`ABORTED-${text(r.value)}`) })));
    await txProducer.sendOffsets(consumer.groupMetadata(), batch2.offsets);
    await txProducer.abort();
    assert.equal(txProducer.state, 'ready');

    const committed = await readAll(output, 'read_committed', 6);
    assert.deepEqual(committed.map((r) => text(r.value)).sort(), ['V0', 'V1', 'V2', 'V3', 'V4', 'V5']);
    assert.ok(committed.every((r) => r.headers.length === 1 && r.headers[0]?.[0] === 'source-offset'));
    const uncommitted = await readAll(output, 'read_uncommitted', 10);
    assert.equal(uncommitted.filter((r) => text(r.value).startsWith('ABORTED-')).length, 4, 'read_uncommitted sees the aborted records');

    // The group's offsets are those of transaction 1, not of the aborted batch.
    const stored = new Map((await admin.listGroupOffsets(group)).map((o) => [`${o.topic}-${o.partition}`, o.offset]));
    for (const o of batch1.offsets) assert.equal(stored.get(`${o.topic}-${o.partition}`), o.offset);

    // Restart in the same group: processing resumes right after transaction 1.
    await consumer.close();
    consumer = new KafkaConsumer(client, consumerConfig(group, { 'isolation.level': 'read_committed' }), { assignor });
    consumer.subscribe([input]);
    const resumed = await collect(consumer, 4);
    assert.deepEqual(resumed.records.map((r) => text(r.value)).sort(), ['v6', 'v7', 'v8', 'v9']);
  } finally {
    await consumer?.close();
    await txProducer.close();
    await producer.close();
    await admin.deleteTopics([input, output], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});

test('a second producer with the same transactional id fences the first', { timeout: 60_000 }, async () => {
  const client = clientConfig('kst-test-fence');
  const admin = new KafkaAdmin(client);
  const topic = unique('kst-fence');
  const transactionalId = unique('kst-fence-txn');
  const zombie = new TransactionalProducer(client, transactionalId);
  const successor = new TransactionalProducer(client, transactionalId);
  try {
    await admin.createTopics([{ name: topic, partitions: 1 }]);
    await zombie.initTransactions();
    zombie.begin();
    await zombie.send([{ topic, value: Buffer.from('zombie') }]);
    await successor.initTransactions();
    await assert.rejects(zombie.commit(), (error) => isKstError(error, 'KST_KAFKA_PRODUCER_FENCED'));
    assert.equal(zombie.state, 'fenced');
    assert.throws(() => zombie.begin(), (error) => isKstError(error, 'KST_ILLEGAL_STATE_TRANSITION'));
    successor.begin();
    await successor.send([{ topic, value: Buffer.from('successor') }]);
    await successor.commit();
    const records = await readAll(topic, 'read_committed', 1);
    assert.deepEqual(records.map((r) => text(r.value)), ['successor']);
  } finally {
    await zombie.close();
    await successor.close();
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  }
});
