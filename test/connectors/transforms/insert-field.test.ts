import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InsertField } from '../../../connectors/transforms/insert-field.ts';
import { isKstError } from '../../../common/errors.ts';
import { record, schema, shape, structSchema } from './records.ts';

const config = { 'topic.field': 'topic!', 'partition.field': 'part', 'offset.field': 'off', 'timestamp.field': 'ts', 'static.field': 'origin', 'static.value': 'eu' };

test('schemaless: inserts topic, partition, offset, timestamp and the static value into the map', () => {
  const t = new InsertField('value');
  t.configure(config);
  const out = t.apply(record({ value: { id: 1 } }));
  assert.deepEqual(out.value, { id: 1, topic: 'orders.events', part: 2, off: 42n, ts: new Date(1_700_000_000_000), origin: 'eu' });
  assert.equal(out.valueSchema, null);
});

test('struct: the schema gains the fields, required with !, optional otherwise, timestamp as the Timestamp logical type', () => {
  const t = new InsertField('value');
  t.configure(config);
  const valueSchema = structSchema({ id: schema('int32') });
  const out = t.apply(record({ valueSchema, value: { id: 7 } }));
  assert.deepEqual(shape(out.valueSchema), [
    ['id', 'int32', false], ['topic', 'string', false], ['part', 'int32', true], ['off', 'int64', true],
    ['ts', 'org.apache.kafka.connect.data.Timestamp', true], ['origin', 'string', true],
  ]);
  assert.deepEqual(out.value, { id: 7, topic: 'orders.events', part: 2, off: 42n, ts: new Date(1_700_000_000_000), origin: 'eu' });
  // One schema per input schema: the derived schema is cached.
  assert.equal(t.apply(record({ valueSchema, value: { id: 8 } })).valueSchema, out.valueSchema);
});

test('the $Key variant works on the key, tombstones pass untouched', () => {
  const t = new InsertField('key');
  t.configure({ 'topic.field': 'topic' });
  assert.deepEqual(t.apply(record({ key: { id: 1 } })).key, { id: 1, topic: 'orders.events' });
  const tombstone = record({ key: null });
  assert.equal(t.apply(tombstone), tombstone);
});

test('a primitive value is rejected with a coded error', () => {
  const t = new InsertField('value');
  t.configure(config);
  assert.throws(() => t.apply(record({ value: 'text' })), (e) => isKstError(e, 'KST_TRANSFORM_INPUT_INVALID'));
});
