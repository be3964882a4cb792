import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HoistField } from '../../../connectors/transforms/hoist-field.ts';
import { record, schema, shape } from './records.ts';

test('schemaless: wraps the value in a map', () => {
  const t = new HoistField('value');
  t.configure({ field: 'payload' });
  assert.deepEqual(t.apply(record({ value: 42 })).value, { payload: 42 });
});

test('with a schema: wraps the key in a struct whose one field has the old schema', () => {
  const t = new HoistField('key');
  t.configure({ field: 'id' });
  const out = t.apply(record({ keySchema: schema('string'), key: 'o-1' }));
  assert.deepEqual(out.key, { id: 'o-1' });
  assert.deepEqual(shape(out.keySchema), [['id', 'string', false]]);
  assert.equal(out.keySchema?.type, 'struct');
});
