import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { jsCRC32C, NumericMap, produceV11, readRecordsBatches, Reader } from '@platformatic/kafka';
import { encodeProduceRequest, fastProduce, type WireProduceMessage, type WireProduceOptions } from '../../../processors/kafka/produce-encoder.ts';
import type { ApiFunction } from '../../../processors/kafka/api-hooks.ts';

/** The library's own encoding of the same request (it normalizes messages in place, so it gets copies). */
function libraryEncoding(acks: number, timeoutMs: number, messages: readonly WireProduceMessage[], options: WireProduceOptions): Buffer {
  const copies = messages.map((message) => ({ ...message }));
  return (produceV11.createRequest(acks, timeoutMs, copies as never, options as never) as unknown as { buffer: Buffer }).buffer;
}

const T0 = 1_765_000_000_000n;
const b = (text: string): Buffer => Buffer.from(text);

test('a plain request is byte for byte what the library writes', () => {
  const messages: WireProduceMessage[] = [
    { topic: 'orders', partition: 2, key: b('k1'), value: b('v1'), headers: new Map(), timestamp: T0 },
    { topic: 'orders', partition: 2, key: b('k2'), value: b('v2'), headers: new Map(), timestamp: T0 + 5n },
    { topic: 'orders', partition: 0, key: b('k3'), value: b('a longer value'), headers: new Map(), timestamp: T0 + 1n },
  ];
  assert.deepEqual(Buffer.from(encodeProduceRequest(-1, 30_000, messages, {})), libraryEncoding(-1, 30_000, messages, {}));
});

test('null keys, tombstones, empty bytes, headers, falling timestamps, several topics, idempotent and transactional fields', () => {
  const sequences = new NumericMap();
  sequences.set('a:1', 41);
  sequences.set('b:0', 7);
  const options: WireProduceOptions = { producerId: 1234n, producerEpoch: 3, sequences, transactionalId: 'app-0_1' };
  const messages: WireProduceMessage[] = [
    { topic: 'a', partition: 1, key: undefined, value: b('no key'), headers: new Map(), timestamp: T0 },
    { topic: 'b', partition: 0, key: b('gone'), value: undefined, headers: new Map(), timestamp: T0 - 90_000_000_000n },
    { topic: 'a', partition: 1, key: Buffer.alloc(0), value: Buffer.alloc(0), headers: new Map([[b('trace'), b('abc')], [b('trace'), b('')]]), timestamp: T0 + 2_000_000_000n },
    { topic: 'a', partition: 1, key: b('x'), value: b('y'), headers: new Map([[b('n'), null]]), timestamp: T0 - 1n },
  ];
  assert.deepEqual(Buffer.from(encodeProduceRequest(-1, 10_000, messages, options)), libraryEncoding(-1, 10_000, messages, options));
});

test('any batch of records encodes as the library encodes it, and reads back', () => {
  const bytes = fc.option(fc.uint8Array({ maxLength: 300 }).map((array) => Buffer.from(array)), { nil: undefined });
  const message = fc.record({
    topic: fc.constantFrom('t1', 'topic-two', 'ü'),
    partition: fc.integer({ min: 0, max: 3 }),
    key: bytes,
    value: bytes,
    headers: fc.array(fc.tuple(fc.string({ maxLength: 10 }).map(b), fc.uint8Array({ maxLength: 20 }).map((array) => Buffer.from(array))), { maxLength: 3 }).map((pairs) => new Map(pairs)),
    timestamp: fc.bigInt({ min: T0 - 10n ** 9n, max: T0 + 10n ** 9n }),
  });
  fc.assert(
    fc.property(fc.array(message, { minLength: 1, maxLength: 40 }), fc.constantFrom(-1, 1), (messages, acks) => {
      const ours = Buffer.from(encodeProduceRequest(acks, 5_000, messages, { producerId: 9n, producerEpoch: 0 }));
      assert.deepEqual(ours, libraryEncoding(acks, 5_000, messages, { producerId: 9n, producerEpoch: 0 }));
    }),
    { numRuns: 150 },
  );
});

/** The record batches of a single-partition request to topic `t` with no transactional id. */
function batchesOf(request: Buffer): { batches: ReturnType<typeof readRecordsBatches>; bytes: Buffer } {
  // transactional id (1) acks (2) timeout (4) topics (1) name (2) partitions (1) index (4), then the records' length.
  const reader = Reader.from(request.subarray(15));
  const length = reader.readUnsignedVarInt() - 1;
  const bytes = request.subarray(15 + reader.position, 15 + reader.position + length);
  return { batches: readRecordsBatches(Reader.from(bytes)), bytes };
}

test('a batch written by the encoder decodes to its records, and its CRC is the CRC-32C of its bytes', () => {
  const messages: WireProduceMessage[] = Array.from({ length: 200 }, (_, i) => ({ topic: 't', partition: 0, key: b(`key-${i}`), value: b(`value-${i}`.repeat(i % 7)), headers: new Map(), timestamp: T0 + BigInt(i) }));
  const { batches, bytes } = batchesOf(Buffer.from(encodeProduceRequest(-1, 1_000, messages, {})));
  assert.equal(batches.length, 1);
  const [batch] = batches;
  assert.equal(batch?.records.length, 200);
  assert.equal(batch?.records[199]?.value?.toString(), 'value-199'.repeat(199 % 7));
  assert.equal(batch?.firstTimestamp, T0);
  assert.equal(batch?.crc, jsCRC32C(bytes.subarray(21)));
});

test('timestamp deltas beyond 32 bits are encoded as 64-bit zigzag varints, as Kafka reads them (the library encoder gets them wrong)', () => {
  const deltas = [3_000_000_000n, -3_000_000_000n, 2n ** 32n, 2n ** 40n + 5n, -1n];
  const messages: WireProduceMessage[] = deltas.map((delta) => ({ topic: 't', partition: 0, key: b('k'), value: b('v'), headers: new Map(), timestamp: T0 + delta }));
  messages.unshift({ topic: 't', partition: 0, key: b('k'), value: b('first'), headers: new Map(), timestamp: T0 });
  const { batches } = batchesOf(Buffer.from(encodeProduceRequest(-1, 1_000, messages, {})));
  const batch = batches[0];
  assert.ok(batch !== undefined);
  assert.deepEqual(batch.records.map((record) => batch.firstTimestamp + record.timestampDelta), messages.map((message) => message.timestamp));
  assert.equal(batch.maxTimestamp, T0 + 2n ** 40n + 5n);
});

test('fastProduce keeps other versions and compressed sends with the library', () => {
  const calls: string[] = [];
  const api = Object.assign((..._args: unknown[]) => calls.push('library'), { async: null, key: 0, version: 11 }) as unknown as ApiFunction;
  assert.equal(fastProduce(Object.assign(() => undefined, { async: null, key: 0, version: 9 }) as unknown as ApiFunction).version, 9);
  const wrapped = fastProduce(api);
  const connection = { send: (_key: number, _version: number, create: () => { buffer: Buffer; context: { noResponse?: boolean } }) => calls.push(`ours ${create().context.noResponse === true}`) };
  wrapped(connection, 1, 1000, [{ topic: 't', key: b('k'), value: b('v'), timestamp: T0 }], { compression: 'gzip' }, () => undefined);
  wrapped(connection, 0, 1000, [{ topic: 't', key: b('k'), value: b('v'), timestamp: T0 }], { compression: 'none' }, () => undefined);
  wrapped(connection, -1, 1000, [{ topic: 't', key: b('k'), value: b('v'), timestamp: T0 }], {}, () => undefined);
  assert.deepEqual(calls, ['library', 'ours true', 'ours false']);
});
