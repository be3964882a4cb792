import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isKstError } from '../../../common/errors.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { readTimestamp, valueAndTimestampSerde, withTimestamp } from '../../../state/internals/value-and-timestamp-serde.ts';

test('the timestamp is 8 bytes big-endian in front of the value bytes', () => {
  const serde = valueAndTimestampSerde(Serdes.String());
  const bytes = serde.serialize('t', { value: 'hi', timestamp: 0x0102030405 });
  assert.deepEqual(bytes, Buffer.from([0, 0, 0, 1, 2, 3, 4, 5, 0x68, 0x69]));
  assert.deepEqual(serde.deserialize('t', bytes), { value: 'hi', timestamp: 0x0102030405 });
  assert.equal(serde.serialize('t', null), null);
  assert.equal(serde.deserialize('t', null), null);
});

test('timestamps round-trip across the 32-bit boundary and below zero, as a Java long would write them', () => {
  for (const timestamp of [0, 1, -1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32) - 7, 1_700_000_000_123, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) {
    const bytes = withTimestamp(Buffer.alloc(0), timestamp);
    assert.equal(bytes.readBigInt64BE(0), BigInt(timestamp));
    assert.equal(readTimestamp(bytes), timestamp);
  }
});

test('fewer than 8 bytes is a deserialization error', () => {
  const serde = valueAndTimestampSerde(Serdes.String());
  assert.throws(() => serde.deserialize('t', Buffer.from([1, 2, 3])), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE'));
});

test('Long values take a shortcut that writes and reads the same bytes as the general path, and refuses what it refuses', () => {
  const long = Serdes.Long();
  const fast = valueAndTimestampSerde(long);
  // Not the Long serde by identity, so this one takes the general path.
  const general = valueAndTimestampSerde<number>({ serialize: (t, v) => long.serialize(t, v), deserialize: (t, b) => long.deserialize(t, b) });
  const values = [0, -0, 1, -1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), -(2 ** 32) - 1, 2 ** 53 - 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, -(2 ** 53) + 2 ** 32];
  for (const value of values) {
    const bytes = fast.serialize('t', { value, timestamp: 1_700_000_000_123 });
    assert.deepEqual(bytes, general.serialize('t', { value, timestamp: 1_700_000_000_123 }), `bytes of ${value}`);
    assert.deepEqual(fast.deserialize('t', bytes), { value: value === 0 ? 0 : value, timestamp: 1_700_000_000_123 });
  }
  assert.throws(() => fast.serialize('t', { value: 2 ** 53, timestamp: 0 }), (error) => isKstError(error, 'KST_SERDE_SERIALIZE'));
  assert.throws(() => fast.serialize('t', { value: 0.5, timestamp: 0 }), (error) => isKstError(error, 'KST_SERDE_SERIALIZE'));
  const beyond = withTimestamp(Buffer.from([0, 0x20, 0, 0, 0, 0, 0, 0]), 0);
  assert.throws(() => fast.deserialize('t', beyond), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE'));
  assert.throws(() => fast.deserialize('t', withTimestamp(Buffer.alloc(4), 0)), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE'));
  assert.equal(fast.serialize('t', null), null);
  assert.equal(fast.deserialize('t', null), null);
});
