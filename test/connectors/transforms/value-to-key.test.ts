import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValueToKey } from '../../../connectors/transforms/value-to-key.ts';
import { isKstError } from '../../../common/errors.ts';
import { record, schema, shape, structSchema } from './records.ts';

test('schemaless: the key is a map of the listed value fields', () => {
  const t = new ValueToKey();
  t.configure({ fields: 'orderId,line' });
  const out = t.apply(record({ key: 'old', value: { orderId: 'o-1', line: 2, qty: 5 } }));
  assert.deepEqual(out.key, { orderId: 'o-1', line: 2 });
  assert.deepEqual(out.value, { orderId: 'o-1', line: 2, qty: 5 });
});

test('struct: the key schema is a struct of the fields\' schemas', () => {
  const t = new ValueToKey();
  t.configure({ fields: 'orderId' });
  const out = t.apply(record({ valueSchema: structSchema({ orderId: schema('string'), qty: schema('int32') }), value: { orderId: 'o-1', qty: 1 } }));
  assert.deepEqual(shape(out.keySchema), [['orderId', 'string', false]]);
  assert.deepEqual(out.key, { orderId: 'o-1' });
});

test('a missing field of the schema and a tombstone are input errors', () => {
  const t = new ValueToKey();
  t.configure({ fields: 'nope' });
  assert.throws(() => t.apply(record({ valueSchema: structSchema({ id: schema('string') }), value: { id: 'a' } })), (e) => isKstError(e, 'KST_TRANSFORM_INPUT_INVALID'));
  assert.throws(() => t.apply(record({ value: null })), (e) => isKstError(e, 'KST_TRANSFORM_INPUT_INVALID'));
});
