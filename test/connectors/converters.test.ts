import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { isKstError } from '../../common/errors.ts';
import { MockSchemaRegistry } from '../../schemas/registry/mock-registry.ts';
import { frame } from '../../schemas/serdes/confluent-wire.ts';
import { AvroConverter } from '../../connectors/converters/avro-converter.ts';
import { ByteArrayConverter } from '../../connectors/converters/byte-array-converter.ts';
import { createConverter } from '../../connectors/converters/converter-registry.ts';
import { JsonConverter } from '../../connectors/converters/json-converter.ts';
import { StringConverter } from '../../connectors/converters/string-converter.ts';

const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

test('JsonConverter reads Connect\'s schema envelope into a struct schema and value', () => {
  const converter = new JsonConverter();
  converter.configure({});
  const envelope = {
    schema: { type: 'struct', optional: false, name: 'order', fields: [
      { type: 'string', optional: false, field: 'id' },
      { type: 'int64', optional: true, field: 'total' },
      { type: 'array', items: { type: 'string', optional: false }, optional: false, field: 'tags' },
      { type: 'bytes', optional: true, field: 'blob' },
      { type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1, field: 'at' },
    ] },
    payload: { id: 'o1', total: null, tags: ['a'], blob: Buffer.from('hi').toString('base64'), at: 1_700_000_000_000 },
  };
  const { schema, value } = converter.toConnectData('orders', bytes(envelope));
  assert.equal(schema?.type, 'struct');
  assert.equal(schema?.name, 'order');
  assert.deepEqual(schema?.fields?.map((f) => [f.name, f.index, f.schema.type, f.schema.optional]), [['id', 0, 'string', false], ['total', 1, 'int64', true], ['tags', 2, 'array', false], ['blob', 3, 'bytes', true], ['at', 4, 'int64', false]]);
  assert.deepEqual(value, { id: 'o1', total: null, tags: ['a'], blob: Buffer.from('hi'), at: new Date(1_700_000_000_000) });
  // Round trip through fromConnectData gives the same envelope back.
  const again = converter.toConnectData('orders', converter.fromConnectData('orders', schema, value) as Buffer);
  assert.deepEqual(again.value, value);
});

test('JsonConverter with schemas.enable=true refuses plain JSON with Connect\'s message; schemas.enable=false reads it', () => {
  const enveloped = new JsonConverter();
  enveloped.configure({ 'schemas.enable': 'true' });
  assert.throws(() => enveloped.toConnectData('t', bytes({ id: 1 })), (error: unknown) =>
    isKstError(error, 'KST_CONNECT_CONVERSION_FAILED') && error.message.includes('JsonConverter with schemas.enable requires "schema" and "payload" fields'));
  assert.throws(() => enveloped.toConnectData('t', Buffer.from('{not json')), (error: unknown) => isKstError(error, 'KST_CONNECT_CONVERSION_FAILED'));
  assert.deepEqual(enveloped.toConnectData('t', null), { schema: null, value: null });

  const plain = new JsonConverter();
  plain.configure({ 'schemas.enable': 'false' });
  assert.deepEqual(plain.toConnectData('t', bytes({ id: 1, tags: ['x'] })), { schema: null, value: { id: 1, tags: ['x'] } });
  assert.equal(plain.fromConnectData('t', null, { id: 1 })?.toString(), '{"id":1}');
});

test('StringConverter and ByteArrayConverter give optional string and bytes schemas', async () => {
  const string = await createConverter({ 'key.converter': 'org.apache.kafka.connect.storage.StringConverter' }, 'key.converter', true);
  assert.ok(string instanceof StringConverter);
  assert.deepEqual(string.toConnectData('t', Buffer.from('k-1')), { schema: { type: 'string', optional: true }, value: 'k-1' });
  assert.deepEqual(string.toConnectData('t', null).value, null);
  const raw = new ByteArrayConverter();
  assert.deepEqual(raw.toConnectData('t', Buffer.from([1, 2])), { schema: { type: 'bytes', optional: true }, value: Buffer.from([1, 2]) });
  await assert.rejects(createConverter({ 'value.converter': 'com.example.Nope' }, 'value.converter', false), (error: unknown) => isKstError(error, 'KST_CONNECT_PLUGIN_NOT_FOUND'));
});

test('createConverter passes the value.converter.* settings to the converter', async () => {
  const converter = await createConverter({ 'value.converter': 'JsonConverter', 'value.converter.schemas.enable': 'false' }, 'value.converter', false);
  assert.deepEqual(converter.toConnectData('t', bytes([1, 2])).value, [1, 2]);
});

test('AvroConverter fetches writer schemas in prepare and maps records to structs, [null, X] to optional, enums to strings', async () => {
  const registry = new MockSchemaRegistry();
  const schema = {
    type: 'record', name: 'Order', namespace: 'shop', fields: [
      { name: 'id', type: 'string' },
      { name: 'qty', type: 'int' },
      { name: 'note', type: ['null', 'string'], default: null },
      { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['NEW', 'PAID'] } },
      { name: 'lines', type: { type: 'array', items: { type: 'record', name: 'Line', fields: [{ name: 'sku', type: 'string' }] } } },
    ],
  };
  const id = await registry.register('orders-value', schema);
  const type = avro.Type.forSchema(schema as avro.Schema);
  const record = frame(id, type.toBuffer({ id: 'o1', qty: 2, note: null, status: 'PAID', lines: [{ sku: 's1' }] }));
  const converter = new AvroConverter(registry);
  converter.configure({});
  await converter.prepare('orders', [record, null]);
  const { schema: connectSchema, value } = converter.toConnectData('orders', record);
  assert.equal(connectSchema?.type, 'struct');
  assert.equal(connectSchema?.name, 'shop.Order');
  assert.deepEqual(connectSchema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional]), [['id', 'string', false], ['qty', 'int32', false], ['note', 'string', true], ['status', 'string', false], ['lines', 'array', false]]);
  assert.equal(connectSchema?.fields?.[4]?.schema.valueSchema?.type, 'struct');
  assert.deepEqual(value, { id: 'o1', qty: 2, note: null, status: 'PAID', lines: [{ sku: 's1' }] });
  assert.throws(() => converter.toConnectData('orders', Buffer.from('plain')), (error: unknown) => isKstError(error, 'KST_CONNECT_CONVERSION_FAILED'));
});

test('AvroConverter resolves named types used again by name (an enum of two fields, a record of an array), full or relative to the namespace', async () => {
  const registry = new MockSchemaRegistry();
  const schema = {
    type: 'record', name: 'OrderEvent', namespace: 'shop.orders', fields: [
      { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['PENDING', 'PAID'] } },
      { name: 'previous', type: ['null', 'shop.orders.Status'], default: null },
      { name: 'history', type: { type: 'array', items: { type: 'record', name: 'Step', fields: [{ name: 'status', type: 'Status' }, { name: 'atMs', type: 'long' }] } } },
      { name: 'last', type: ['null', 'Step'], default: null },
    ],
  };
  const id = await registry.register('orders.events-value', schema);
  const type = avro.Type.forSchema(schema as avro.Schema);
  const record = frame(id, type.toBuffer({ status: 'PAID', previous: 'PENDING', history: [{ status: 'PENDING', atMs: 1 }], last: { status: 'PAID', atMs: 2 } }));
  const converter = new AvroConverter(registry);
  converter.configure({});
  await converter.prepare('orders.events', [record]);
  const { schema: connectSchema, value } = converter.toConnectData('orders.events', record);
  assert.deepEqual(connectSchema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional]), [['status', 'string', false], ['previous', 'string', true], ['history', 'array', false], ['last', 'struct', true]]);
  assert.equal(connectSchema?.fields?.[1]?.schema.name, 'shop.orders.Status');
  assert.deepEqual(value, { status: 'PAID', previous: 'PENDING', history: [{ status: 'PENDING', atMs: 1 }], last: { status: 'PAID', atMs: 2 } });
});

test('a recursive Avro type is refused with a message naming it', async () => {
  const { resolveNamedTypes } = await import('../../connectors/converters/avro-converter.ts');
  assert.throws(() => resolveNamedTypes({ type: 'record', name: 'Node', fields: [{ name: 'next', type: ['null', 'Node'] }] }), /recursive Avro type Node/);
});
