import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { isKstError } from '../../../common/errors.ts';
import { AvroCodec } from '../../../schemas/serdes/avro-codec.ts';
import { frame } from '../../../schemas/serdes/confluent-wire.ts';

// Inline schemas: a v1, a backward-compatible v2 (field with a default), and an unrelated type.
const v1 = avro.Type.forSchema({ type: 'record', name: 'Order', namespace: 'test', fields: [{ name: 'id', type: 'string' }, { name: 'qty', type: 'int' }] });
const v2 = avro.Type.forSchema({
  type: 'record', name: 'Order', namespace: 'test',
  fields: [{ name: 'id', type: 'string' }, { name: 'qty', type: 'int' }, { name: 'note', type: 'string', default: 'none' }],
});
const other = avro.Type.forSchema({ type: 'record', name: 'Order', namespace: 'test', fields: [{ name: 'id', type: 'long' }] });

interface OrderV1 { id: string; qty: number }
interface OrderV2 extends OrderV1 { note: string }

test('serialize frames Avro binary with magic byte 0 and the writer id', () => {
  const codec = new AvroCodec<OrderV1>({ writer: { id: 258, type: v1 } });
  const bytes = codec.serialize('orders', { id: 'o1', qty: 3 });
  assert.ok(bytes !== null);
  assert.equal(bytes[0], 0);
  assert.equal(bytes.readInt32BE(1), 258);
  assert.deepEqual(bytes.subarray(5), v1.toBuffer({ id: 'o1', qty: 3 }));
  assert.deepEqual({ ...codec.deserialize('orders', bytes) }, { id: 'o1', qty: 3 });
});

test('null passes through both ways', () => {
  const codec = new AvroCodec<OrderV1>({ writer: { id: 1, type: v1 } });
  assert.equal(codec.serialize('t', null), null);
  assert.equal(codec.deserialize('t', null), null);
});

test('a fake in-memory id map: old bytes read with the new reader schema get the default', () => {
  const ids = new Map([[1, v1], [2, v2]]);
  const reader = new AvroCodec<OrderV2>({ writer: { id: 2, type: v2 } });
  const oldBytes = frame(1, v1.toBuffer({ id: 'o1', qty: 3 }));
  assert.equal(reader.knows(1), false);
  reader.addWriterType(1, ids.get(1) as avro.Type);
  assert.deepEqual({ ...reader.deserialize('orders', oldBytes) }, { id: 'o1', qty: 3, note: 'none' });
});

test('an id never added is KST_SERDE_DESERIALIZE naming the id', () => {
  const codec = new AvroCodec<OrderV1>({ writer: { id: 1, type: v1 } });
  assert.throws(() => codec.deserialize('orders', frame(99, Buffer.from([0]))), (error) => {
    assert.ok(isKstError(error, 'KST_SERDE_DESERIALIZE'));
    assert.equal(error.details['schemaId'], 99);
    assert.match(error.message, /unknown schema id 99/);
    return true;
  });
});

test('a writer the reader cannot resolve fails per record with the reason', () => {
  const codec = new AvroCodec<OrderV1>({ writer: { id: 1, type: v1 } });
  codec.addWriterType(5, other);
  assert.equal(codec.knows(5), false);
  assert.throws(() => codec.deserialize('orders', frame(5, other.toBuffer({ id: 1 }))), /writer schema 5 cannot be read/);
  codec.markUnavailable(6, 'schema id 6 not found');
  assert.throws(() => codec.deserialize('orders', frame(6, Buffer.alloc(0))), /schema id 6 not found/);
});

test('corrupt payloads and bad framing are KST_SERDE_DESERIALIZE', () => {
  const codec = new AvroCodec<OrderV1>({ writer: { id: 1, type: v1 } });
  const good = codec.serialize('t', { id: 'o1', qty: 3 }) as Buffer;
  const bad = [good.subarray(0, good.length - 1), Buffer.concat([good, Buffer.from([1])]), Buffer.from([1, 0, 0, 0, 1]), Buffer.from([0, 0])];
  for (const bytes of bad) assert.throws(() => codec.deserialize('t', bytes), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE'));
});

test('a value not matching the schema is KST_SERDE_SERIALIZE naming the bad field', () => {
  const codec = new AvroCodec<OrderV1>({ writer: { id: 1, type: v1 } });
  assert.throws(() => codec.serialize('t', { id: 'o1', qty: 'three' } as unknown as OrderV1), (error) => {
    assert.ok(isKstError(error, 'KST_SERDE_SERIALIZE'));
    assert.match(error.message, /qty/);
    return true;
  });
});

test('a read-only codec decodes with each writer type and refuses to serialize', () => {
  const codec = new AvroCodec<Record<string, unknown>>();
  codec.addWriterType(2, v2);
  assert.deepEqual({ ...codec.deserialize('t', frame(2, v2.toBuffer({ id: 'a', qty: 1, note: 'x' }))) }, { id: 'a', qty: 1, note: 'x' });
  assert.throws(() => codec.serialize('t', {}), (error) => isKstError(error, 'KST_SERDE_SERIALIZE'));
});
