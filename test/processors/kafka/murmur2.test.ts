import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { murmur2 as libraryMurmur2 } from '@platformatic/kafka';
import { murmur2 } from '../../../processors/kafka/murmur2.ts';

test('the Java client\'s values (Kafka UtilsTest.testMurmur2)', () => {
  const cases: Array<[string, number]> = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];
  for (const [key, expected] of cases) assert.equal(murmur2(Buffer.from(key)), expected, key);
  assert.equal(murmur2(Buffer.alloc(0)), libraryMurmur2(Buffer.alloc(0)));
});

test('the same hash as the client library for any bytes (every tail length)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
    assert.equal(murmur2(bytes), libraryMurmur2(Buffer.from(bytes)));
  }), { numRuns: 2_000, seed: 20261207 });
});
