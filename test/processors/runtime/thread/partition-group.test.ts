import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaRecord, TopicPartition } from '../../../../processors/kafka/index.ts';
import { PartitionGroup } from '../../../../processors/runtime/thread/partition-group.ts';

const STREAM: TopicPartition = { topic: 'stream', partition: 2 };
const TABLE: TopicPartition = { topic: 'table', partition: 2 };

function record(tp: TopicPartition, offset: number, timestamp: number): KafkaRecord {
  return { topic: tp.topic, partition: tp.partition, offset: BigInt(offset), timestamp: BigInt(timestamp), key: null, value: null, headers: [], leaderEpoch: 0 };
}

/** A group over the stream and the table partition, with lags the test sets. */
function group(maxTaskIdleMs: number, lags: Map<string, bigint | undefined> = new Map()): PartitionGroup {
  return new PartitionGroup([STREAM, TABLE], { maxTaskIdleMs, lagOf: (tp) => lags.get(tp.topic) });
}

function push(target: PartitionGroup, tp: TopicPartition, ...stamps: number[]): void {
  const queue = target.queue(tp.topic, tp.partition);
  assert.ok(queue !== undefined);
  const base = queue.size;
  stamps.forEach((timestamp, i) => queue.push(record(tp, base + i, timestamp)));
}

const ids = (records: readonly KafkaRecord[]): string[] => records.map((r) => `${r.topic}@${r.timestamp}`);

test('merges the partitions lowest timestamp first while both have data', () => {
  const g = group(0, new Map([['stream', 0n], ['table', 0n]]));
  push(g, STREAM, 5, 9, 12);
  push(g, TABLE, 3, 7, 20);
  // 12 goes (table still holds 20, so it is known to come later); then the stream is empty
  // and caught up: with max.task.idle.ms 0 the table's 20 is processed, enforced.
  assert.deepEqual(ids(g.take(0, 100)), ['table@3', 'stream@5', 'table@7', 'stream@9', 'stream@12', 'table@20']);
  assert.equal(g.enforcedProcessing, 1);
  assert.equal(g.buffered, 0);
});

test('ties go to the partition listed first', () => {
  const g = group(0, new Map([['stream', 0n], ['table', 0n]]));
  push(g, TABLE, 5, 5);
  push(g, STREAM, 5, 6);
  assert.deepEqual(ids(g.take(0, 3)), ['stream@5', 'table@5', 'table@5']);
});

test('waits while an empty partition has data on the broker, or its lag is not known', () => {
  const lags = new Map<string, bigint | undefined>([['stream', 0n], ['table', undefined]]);
  const g = group(0, lags);
  push(g, STREAM, 10, 11);
  assert.deepEqual(g.take(0, 100), [], 'lag unknown: wait');
  lags.set('table', 42n);
  assert.deepEqual(g.take(0, 100), [], 'lag above 0: wait, even with max.task.idle.ms 0');
  push(g, TABLE, 1, 2);
  lags.set('table', 0n);
  assert.deepEqual(ids(g.take(0, 100)), ['table@1', 'table@2', 'stream@10', 'stream@11']);
  assert.equal(g.enforcedProcessing, 2, 'the stream records went while the table was empty (and caught up)');
});

test('stops a batch where a partition runs empty with lag left', () => {
  const lags = new Map<string, bigint | undefined>([['stream', 0n], ['table', 5n]]);
  const g = group(0, lags);
  push(g, TABLE, 1, 2);
  push(g, STREAM, 3, 4);
  assert.deepEqual(ids(g.take(0, 100)), ['table@1', 'table@2'], 'the table may hold older rows than stream@3');
  assert.equal(g.buffered, 2);
  push(g, TABLE, 8);
  lags.set('stream', 1n);
  assert.deepEqual(ids(g.take(0, 100)), ['stream@3', 'stream@4'], 'then the stream is empty with a record left on the broker');
  lags.set('stream', 0n);
  assert.deepEqual(ids(g.take(0, 100)), ['table@8']);
});

test('max.task.idle.ms > 0 waits that long for a caught-up empty partition, then enforces', () => {
  const g = group(50, new Map([['stream', 0n], ['table', 0n]]));
  push(g, STREAM, 10);
  assert.deepEqual(g.take(1000, 10), [], 'deadline starts now: 1050');
  assert.deepEqual(g.take(1049, 10), []);
  assert.deepEqual(ids(g.take(1050, 10)), ['stream@10']);
  assert.equal(g.enforcedProcessing, 1);
  // The deadline is per empty spell: data on the table resets it.
  push(g, TABLE, 11);
  push(g, STREAM, 12);
  assert.deepEqual(ids(g.take(2000, 1)), ['table@11']);
  assert.deepEqual(g.take(2000, 10), [], 'the table is empty again: a new 50 ms wait');
  assert.deepEqual(ids(g.take(2050, 10)), ['stream@12']);
});

test('max.task.idle.ms -1 never waits and counts nothing as enforced', () => {
  const g = group(-1);
  push(g, STREAM, 10, 11);
  assert.deepEqual(ids(g.take(0, 10)), ['stream@10', 'stream@11']);
  assert.equal(g.enforcedProcessing, 0);
  assert.deepEqual(g.take(0, 10), []);
});

test('respects max and hands over runs of one partition', () => {
  const g = group(0, new Map([['stream', 0n], ['table', 0n]]));
  push(g, TABLE, 1);
  push(g, STREAM, 2, 3, 4, 5, 6);
  assert.deepEqual(ids(g.take(0, 3)), ['table@1', 'stream@2', 'stream@3']);
  assert.deepEqual(ids(g.take(0, 2)), ['stream@4', 'stream@5']);
  assert.deepEqual(ids(g.take(0, 2)), ['stream@6']);
});

test('a single-partition task never waits', () => {
  const g = new PartitionGroup([STREAM], { maxTaskIdleMs: 0, lagOf: () => undefined });
  push(g, STREAM, 3, 1, 2);
  assert.deepEqual(ids(g.take(0, 2)), ['stream@3', 'stream@1'], 'offset order within a partition');
  g.clear();
  assert.equal(g.buffered, 0);
  assert.deepEqual(g.take(0, 2), []);
});
