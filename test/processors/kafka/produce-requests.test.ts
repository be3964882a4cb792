import { test } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2 } from '@platformatic/kafka';
import { BATCH_OVERHEAD, partitionOf, planRequests, ProduceLimits, recordSizeUpperBound, sendWaves } from '../../../processors/kafka/produce-requests.ts';
import type { ProducerRecord } from '../../../processors/kafka/types.ts';

const record = (topic: string, partition: number | undefined, valueBytes: number, key = 'k'): ProducerRecord =>
  partition === undefined ? { topic, key: Buffer.from(key), value: Buffer.alloc(valueBytes) } : { topic, partition, key: Buffer.from(key), value: Buffer.alloc(valueBytes) };
const counts = () => 4;

test('a record\'s size bound covers key, value, headers and the varint framing', () => {
  const plain = recordSizeUpperBound({ topic: 't', key: Buffer.alloc(10), value: Buffer.alloc(100) });
  assert.ok(plain >= 110 && plain <= 110 + 40, `${plain}`);
  const withHeaders = recordSizeUpperBound({ topic: 't', key: Buffer.alloc(10), value: Buffer.alloc(100), headers: [['héader', Buffer.alloc(7)]] });
  assert.equal(withHeaders - plain, 5 + Buffer.byteLength('héader') + 5 + 7);
  assert.equal(recordSizeUpperBound({ topic: 't', key: null, value: null }), plain - 110);
});

test('small sends stay one request; partitions come from the key as the Java client picks them', () => {
  const records = [record('out', undefined, 10, 'a'), record('out', undefined, 10, 'b'), record('out', 2, 10)];
  const plan = planRequests(records, counts, new ProduceLimits(16_384, 1_048_576));
  assert.equal(plan.requests.length, 1);
  assert.deepEqual(plan.tooLarge, []);
  const sent = plan.requests[0]?.records ?? [];
  assert.deepEqual(sent.map((r) => r.partition), [(murmur2(Buffer.from('a')) & 0x7fffffff) % 4, (murmur2(Buffer.from('b')) & 0x7fffffff) % 4, 2]);
  assert.equal(partitionOf({ topic: 'out', key: null, value: null }, 1), 0);
});

test('a partition gets one batch of at most batch.size per request, in order; other partitions share the request', () => {
  // 10 records of ~1 KB to partition 0, 2 to partition 1; batch.size 4 KB holds 3 of them: partition 0 needs 4 batches.
  const records = [...Array.from({ length: 10 }, (_, i) => record('out', 0, 1000, `a${i}`)), record('out', 1, 1000), record('out', 1, 1000)];
  const plan = planRequests(records, counts, new ProduceLimits(4096, 1_048_576));
  assert.equal(plan.requests.length, 4);
  const p0 = plan.requests.flatMap((r) => r.records.filter((x) => x.partition === 0).map((x) => x.key?.toString()));
  assert.deepEqual(p0, Array.from({ length: 10 }, (_, i) => `a${i}`), 'partition order is kept across requests');
  for (const request of plan.requests) for (const batch of request.bytes.values()) assert.ok(batch.bytes <= 4096, `${batch.bytes}`);
  assert.equal(plan.requests[0]?.records.filter((x) => x.partition === 1).length, 2, 'partition 1 rides along in the first request');
});

test('many ~200 KB records go out in requests of at most max.request.size, one record larger than batch.size per batch', () => {
  const records = Array.from({ length: 20 }, (_, i) => record('out', i % 4, 200_000, `r${i}`));
  const limits = new ProduceLimits(16_384, 1_048_576);
  const plan = planRequests(records, counts, limits);
  assert.deepEqual(plan.tooLarge, []);
  assert.equal(plan.requests.reduce((n, r) => n + r.records.length, 0), 20);
  for (const request of plan.requests) {
    const total = [...request.bytes.values()].reduce((n, b) => n + b.bytes, 0);
    assert.ok(total <= 1_048_576, `request of ${total} bytes`);
    for (const batch of request.bytes.values()) assert.equal(batch.records, 1);
  }
  assert.equal(plan.requests.length, 5, 'four partitions x one 200 KB batch per request');
});

test('a record larger than max.request.size is handed back, with its partition and size, and the rest is planned', () => {
  const big = record('out', undefined, 1_500_000, 'big');
  const plan = planRequests([record('out', 0, 10), big, record('out', 0, 10)], counts, new ProduceLimits(16_384, 1_048_576));
  assert.equal(plan.tooLarge.length, 1);
  const rejected = plan.tooLarge[0];
  assert.equal(rejected?.record, big);
  assert.equal(rejected?.partition, (murmur2(Buffer.from('big')) & 0x7fffffff) % 4);
  assert.ok((rejected?.bytes ?? 0) > 1_500_000 + BATCH_OVERHEAD - 1);
  assert.equal(rejected?.limit, 1_048_576);
  assert.deepEqual(plan.requests.map((r) => r.records.length), [2]);
});

test('what the broker refused lowers the topic\'s bound: a single record exactly, several records by halves', () => {
  const limits = new ProduceLimits(16_384, 1_048_576);
  limits.learn('small-topic', 600_000, 1);
  assert.equal(limits.limitOf('small-topic'), 599_999);
  assert.equal(limits.limitOf('other'), 1_048_576);
  const plan = planRequests([record('small-topic', 0, 600_000), record('small-topic', 0, 500_000), record('other', 0, 600_000)], counts, limits);
  assert.deepEqual(plan.tooLarge.map((r) => r.topic), ['small-topic']);
  limits.learn('small-topic', 400_000, 3);
  assert.equal(limits.limitOf('small-topic'), 200_000);
  limits.learn('small-topic', 900_000, 1);
  assert.equal(limits.limitOf('small-topic'), 200_000, 'a bound never rises');
});

test('send waves: requests that share a partition never go in the same wave; the waves keep each partition\'s order', () => {
  // Partition 0 needs 4 batches (4 requests); partition 1 rides in the first; 2 in the last.
  const records = [...Array.from({ length: 10 }, (_, i) => record('out', 0, 1000, `a${i}`)), record('out', 1, 1000), record('out', 2, 10)];
  const plan = planRequests(records, counts, new ProduceLimits(4096, 1_048_576));
  const waves = sendWaves(plan.requests);
  assert.equal(waves.length, 4, 'each of partition 0\'s batches waits for the one before');
  for (const wave of waves) {
    const keys = wave.flatMap((request) => [...request.bytes.keys()]);
    assert.equal(new Set(keys).size, keys.length, 'no partition twice in a wave');
  }
  const order = waves.flat().flatMap((r) => r.records.filter((x) => x.partition === 0).map((x) => x.key?.toString()));
  assert.deepEqual(order, Array.from({ length: 10 }, (_, i) => `a${i}`));
  // Requests of different partitions go together.
  const spread = planRequests([record('out', 0, 1000), record('out', 1, 1000)], counts, new ProduceLimits(1500, 1600));
  assert.equal(spread.requests.length, 2);
  assert.equal(sendWaves(spread.requests).length, 1);
  assert.deepEqual(sendWaves([]), []);
});
