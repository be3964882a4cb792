import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MaskField } from '../../../connectors/transforms/mask-field.ts';
import { isKstError } from '../../../common/errors.ts';
import { record, schema, structSchema } from './records.ts';

test('masks fields with the empty value of their type', () => {
  const t = new MaskField('value');
  t.configure({ fields: 'email,age,vip,tags,at,missing' });
  const out = t.apply(record({ value: { id: 1, email: 'a@b.c', age: 40, vip: true, tags: ['x'], at: new Date(5) } }));
  assert.deepEqual(out.value, { id: 1, email: '', age: 0, vip: false, tags: [], at: new Date(0) });
});

test('a replacement is converted to the field type; the struct schema is unchanged', () => {
  const t = new MaskField('value');
  t.configure({ fields: 'card,pin', replacement: '0' });
  const valueSchema = structSchema({ card: schema('string'), pin: schema('int32'), id: schema('int32') });
  const out = t.apply(record({ valueSchema, value: { card: '4111', pin: 1234, id: 1 } }));
  assert.deepEqual(out.value, { card: '0', pin: 0, id: 1 });
  assert.equal(out.valueSchema, valueSchema);
});

test('a replacement that is not a number for a numeric field is an input error', () => {
  const t = new MaskField('key');
  t.configure({ fields: 'pin', replacement: '****' });
  assert.throws(() => t.apply(record({ key: { pin: 1 } })), (e) => isKstError(e, 'KST_TRANSFORM_INPUT_INVALID'));
});
