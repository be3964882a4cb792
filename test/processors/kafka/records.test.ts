import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IS_CONTROL, IS_TRANSACTIONAL, murmur2, type RecordsBatch } from '@platformatic/kafka';
import { appendFetchedRecords, headerSerializers, javaCompatiblePartitioner, toMessages } from '../../../processors/kafka/records.ts';
import type { KafkaRecord } from '../../../processors/kafka/types.ts';

function batch(firstOffset: bigint, values: string[], options: { attributes?: number; producerId?: bigint; key?: Buffer } = {}): RecordsBatch {
  return {
    firstOffset, length: 0, partitionLeaderEpoch: 3, magic: 2, crc: 0, attributes: options.attributes ?? 0,
    lastOffsetDelta: values.length - 1, firstTimestamp: 1_000n, maxTimestamp: 1_000n, producerId: options.producerId ?? -1n, producerEpoch: 0, firstSequence: 0,
    records: values.map((value, i) => ({ length: 0, attributes: 0, timestampDelta: BigInt(i), offsetDelta: i, key: options.key ?? null, value: Buffer.from(value), headers: i === 0 ? [[Buffer.from('h'), null]] : [] })),
  };
}
const marker = (offset: bigint, producerId: bigint, type: 0 | 1): RecordsBatch => {
  const key = Buffer.alloc(4);
  key.writeInt16BE(type, 2);
  return batch(offset, ['marker'], { attributes: IS_CONTROL | IS_TRANSACTIONAL, producerId, key });
};

test('toMessages keeps keys, tombstones, partitions, timestamps and repeated headers', () => {
  const [message, tombstone] = toMessages([
    { topic: 't', partition: 2, key: Buffer.from('k'), value: Buffer.from('v'), timestamp: 5n, headers: [['a', Buffer.from('1')], ['a', Buffer.from('2')]] },
    { topic: 't', key: null, value: null },
  ]);
  assert.equal(message?.partition, 2);
  assert.equal(message?.timestamp, 5n);
  const headers = [...(message?.headers as Map<readonly [string, Buffer], readonly [string, Buffer]>).keys()];
  assert.deepEqual(headers.map((h) => [headerSerializers.headerKey(h)?.toString(), headerSerializers.headerValue(h)?.toString()]), [['a', '1'], ['a', '2']]);
  assert.equal(tombstone?.value, undefined);
  assert.equal(tombstone?.key, undefined);
  assert.equal(tombstone?.headers, undefined);
});

test('the partitioner matches the Java client for keyed records and spreads null keys', () => {
  const key = Buffer.from('order-42');
  assert.equal(javaCompatiblePartitioner(null, key), murmur2(key) & 0x7fffffff);
  assert.ok(javaCompatiblePartitioner(null, key) >= 0);
  assert.notEqual(javaCompatiblePartitioner(null, undefined), javaCompatiblePartitioner(null, undefined));
});

test('appendFetchedRecords maps records, skips markers and records before the fetch offset', () => {
  const out: KafkaRecord[] = [];
  const next = appendFetchedRecords(out, 't', 1, [batch(10n, ['a', 'b', 'c']), marker(13n, 7n, 1)], 11n);
  assert.equal(next, 14n, 'moves past the control batch');
  assert.deepEqual(out.map((r) => [r.offset, r.value?.toString(), r.timestamp]), [[11n, 'b', 1_001n], [12n, 'c', 1_002n]]);
  assert.equal(out[0]?.leaderEpoch, 3);
  assert.deepEqual(appendFetchedRecords([], 't', 1, [], 20n), 20n);
  const withHeader: KafkaRecord[] = [];
  appendFetchedRecords(withHeader, 't', 0, [batch(0n, ['x'])], 0n);
  assert.deepEqual(withHeader[0]?.headers.map(([k, v]) => [k, v.length]), [['h', 0]], 'null header value becomes empty bytes');
});

test('appendFetchedRecords drops aborted transactions even when their marker is in a later response', () => {
  const aborted = [{ producerId: 9n, firstOffset: 0n }];
  const txn = { attributes: IS_TRANSACTIONAL, producerId: 9n };
  const out: KafkaRecord[] = [];
  let next = appendFetchedRecords(out, 't', 0, [batch(0n, ['x', 'y'], txn), batch(2n, ['plain'])], 0n, aborted);
  assert.deepEqual(out.map((r) => r.value?.toString()), ['plain']);
  next = appendFetchedRecords(out, 't', 0, [marker(3n, 9n, 0), batch(4n, ['later'], txn)], next, []);
  assert.deepEqual(out.map((r) => r.value?.toString()), ['plain', 'later'], 'after the abort marker the producer is visible again');
  assert.equal(next, 5n);
});
