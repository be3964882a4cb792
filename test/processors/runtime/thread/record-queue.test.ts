import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaRecord } from '../../../../processors/kafka/index.ts';
import { RecordQueue } from '../../../../processors/runtime/thread/record-queue.ts';

function record(offset: number, timestamp: number): KafkaRecord {
  return { topic: 't', partition: 0, offset: BigInt(offset), timestamp: BigInt(timestamp), key: null, value: null, headers: [], leaderEpoch: 0 };
}

test('takes runs from the head in offset order', () => {
  const queue = new RecordQueue({ topic: 't', partition: 0 });
  assert.equal(queue.isEmpty, true);
  for (const [offset, time] of [[0, 5], [1, 7], [2, 7], [3, 9]] as const) queue.push(record(offset, time));
  assert.equal(queue.size, 4);
  assert.equal(queue.headTimestamp(), 5n);
  assert.equal(queue.runBelow(7n, false, 10), 1, 'strictly below the other head');
  assert.equal(queue.runBelow(7n, true, 10), 3, 'ties go first when this queue comes first');
  assert.equal(queue.runBelow(undefined, false, 2), 2, 'no bound: up to max');
  assert.deepEqual(queue.take(2).map((r) => r.offset), [0n, 1n]);
  const out: KafkaRecord[] = [];
  queue.takeInto(out, 2);
  assert.deepEqual(out.map((r) => r.offset), [2n, 3n]);
  assert.equal(queue.isEmpty, true);
  assert.equal(queue.size, 0);
});

test('keeps order across compaction of a long consumed front', () => {
  const queue = new RecordQueue({ topic: 't', partition: 0 });
  for (let i = 0; i < 10_000; i++) queue.push(record(i, i));
  let expected = 0;
  let added = false;
  while (!queue.isEmpty) {
    for (const taken of queue.take(Math.min(333, queue.size))) assert.equal(taken.offset, BigInt(expected++));
    if (expected >= 6000 && !added) {
      added = true;
      for (let i = 10_000; i < 10_100; i++) queue.push(record(i, i));
    }
  }
  assert.equal(expected, 10_100);
});

test('clear drops everything', () => {
  const queue = new RecordQueue({ topic: 't', partition: 0 });
  queue.push(record(0, 1));
  queue.clear();
  assert.equal(queue.isEmpty, true);
  assert.deepEqual(queue.topicPartition, { topic: 't', partition: 0 });
});
