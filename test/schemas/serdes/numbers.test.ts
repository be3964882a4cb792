import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { bigLongSerde, doubleSerde, integerSerde, longSerde } from '../../../schemas/serdes/numbers.ts';

const isDeserializeError = (error: unknown) => isKstError(error, 'KST_SERDE_DESERIALIZE');
const isSerializeError = (error: unknown) => isKstError(error, 'KST_SERDE_SERIALIZE');

test('integer is 4 bytes big-endian, as Kafka IntegerSerde', () => {
  const serde = integerSerde();
  assert.deepEqual(serde.serialize('t', 1), Buffer.from([0, 0, 0, 1]));
  assert.deepEqual(serde.serialize('t', -1), Buffer.from([0xff, 0xff, 0xff, 0xff]));
  for (const n of [0, 42, -(2 ** 31), 2 ** 31 - 1]) assert.equal(serde.deserialize('t', serde.serialize('t', n)), n);
  assert.throws(() => serde.serialize('t', 2 ** 31), isSerializeError);
  assert.throws(() => serde.serialize('t', 1.5), isSerializeError);
  assert.throws(() => serde.deserialize('t', Buffer.from([0, 1])), isDeserializeError);
});

test('long is 8 bytes big-endian, as Kafka LongSerde, within the safe integer range', () => {
  const serde = longSerde();
  assert.deepEqual(serde.serialize('t', 258), Buffer.from([0, 0, 0, 0, 0, 0, 1, 2]));
  for (const n of [0, 1, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) assert.equal(serde.deserialize('t', serde.serialize('t', n)), n);
  assert.throws(() => serde.serialize('t', 2 ** 53), isSerializeError);
  assert.throws(() => serde.serialize('t', Number.NaN), isSerializeError);
  // A Java Long.MAX_VALUE cannot be a number without rounding: refused, not rounded.
  assert.throws(() => serde.deserialize('t', Buffer.from([0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), isDeserializeError);
  assert.throws(() => serde.deserialize('t', Buffer.alloc(4)), isDeserializeError);
});

test('bigLong covers the whole int64 range', () => {
  const serde = bigLongSerde();
  for (const n of [0n, -(2n ** 63n), 2n ** 63n - 1n, 2n ** 60n]) assert.equal(serde.deserialize('t', serde.serialize('t', n)), n);
  assert.throws(() => serde.serialize('t', 2n ** 63n), isSerializeError);
  assert.throws(() => serde.deserialize('t', Buffer.alloc(9)), isDeserializeError);
});

test('double is 8-byte IEEE 754, as Kafka DoubleSerde', () => {
  const serde = doubleSerde();
  assert.deepEqual(serde.serialize('t', 1), Buffer.from([0x3f, 0xf0, 0, 0, 0, 0, 0, 0]));
  for (const n of [0.5, -1e300, Number.POSITIVE_INFINITY]) assert.equal(serde.deserialize('t', serde.serialize('t', n)), n);
  assert.ok(Number.isNaN(serde.deserialize('t', serde.serialize('t', Number.NaN))));
  assert.throws(() => serde.deserialize('t', Buffer.alloc(7)), isDeserializeError);
});

test('numbers pass null through', () => {
  for (const serde of [integerSerde(), longSerde(), doubleSerde()]) {
    assert.equal(serde.serialize('t', null), null);
    assert.equal(serde.deserialize('t', null), null);
  }
  assert.equal(bigLongSerde().deserialize('t', null), null);
});
