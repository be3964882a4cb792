import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { SetSchemaMetadata } from '../../../connectors/transforms/set-schema-metadata.ts';
import { record, schema, structSchema } from './records.ts';

test('sets the value schema\'s name and version; the data is untouched', () => {
  const t = new SetSchemaMetadata('value');
  t.configure({ 'schema.name': 'com.example.Order', 'schema.version': '3' });
  const valueSchema = structSchema({ id: schema('int64') });
  const out = t.apply(record({ valueSchema, value: { id: 1 } }));
  assert.equal(out.valueSchema?.name, 'com.example.Order');
  assert.equal(out.valueSchema?.version, 3);
  assert.deepEqual(out.valueSchema?.fields, valueSchema.fields);
  assert.deepEqual(out.value, { id: 1 });
});

test('only the name on the key; a null schemaless key passes; other schemaless data and no setting are refused', () => {
  const t = new SetSchemaMetadata('key');
  t.configure({ 'schema.name': 'Key' });
  assert.equal(t.apply(record({ keySchema: schema('string'), key: 'k' })).keySchema?.name, 'Key');
  const tombstoneKey = record();
  assert.equal(t.apply(tombstoneKey), tombstoneKey);
  assert.throws(() => t.apply(record({ key: 'k' })), (e: unknown) => isKstError(e, 'KST_TRANSFORM_INPUT_INVALID'));
  assert.throws(() => new SetSchemaMetadata('value').configure({}), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID'));
});
