import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExtractField } from '../../../connectors/transforms/extract-field.ts';
import { isKstError } from '../../../common/errors.ts';
import { record, schema, structSchema } from './records.ts';

test('schemaless: the key becomes one field of the map', () => {
  const t = new ExtractField('key');
  t.configure({ field: 'orderId' });
  const out = t.apply(record({ key: { orderId: 'o-1', region: 'eu' } }));
  assert.equal(out.key, 'o-1');
  assert.equal(out.keySchema, null);
});

test('struct: the value and its schema become those of the field', () => {
  const t = new ExtractField('value');
  t.configure({ field: 'amount' });
  const amount = schema('float64', true);
  const out = t.apply(record({ valueSchema: structSchema({ id: schema('string'), amount }), value: { id: 'a', amount: 9.5 } }));
  assert.equal(out.value, 9.5);
  assert.equal(out.valueSchema, amount);
});

test('a null value extracts to null; an unknown struct field is an input error; field is required', () => {
  const t = new ExtractField('value');
  t.configure({ field: 'x' });
  assert.equal(t.apply(record({ value: null })).value, null);
  assert.throws(() => t.apply(record({ valueSchema: structSchema({ id: schema('string') }), value: { id: 'a' } })), (e) => isKstError(e, 'KST_TRANSFORM_INPUT_INVALID'));
  assert.throws(() => new ExtractField('value').configure({}), (e) => isKstError(e, 'KST_CONFIG_INVALID'));
});
