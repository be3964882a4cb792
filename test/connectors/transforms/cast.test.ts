import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Cast } from '../../../connectors/transforms/cast.ts';
import { isKstError } from '../../../common/errors.ts';
import { record, schema, shape, structSchema } from './records.ts';

function cast(spec: string, side: 'key' | 'value' = 'value'): Cast {
  const t = new Cast(side);
  t.configure({ spec });
  return t;
}

test('schemaless fields: numbers, booleans and strings', () => {
  const out = cast('qty:int32,price:float64,active:boolean,id:string').apply(record({ value: { qty: '12', price: '9.5', active: 1, id: 7, other: 'x' } }));
  assert.deepEqual(out.value, { qty: 12, price: 9.5, active: true, id: '7', other: 'x' });
});

test('integer casts truncate and wrap as Java does; int64 beyond 2^53 stays exact as bigint', () => {
  const out = cast('a:int8,b:int16,c:int64,d:int64').apply(record({ value: { a: 300, b: -1.9, c: 2 ** 40, d: 2n ** 62n } }));
  assert.deepEqual(out.value, { a: 44, b: -1, c: 2 ** 40, d: 2n ** 62n });
});

test('struct: the cast fields change type in the schema, optionality kept', () => {
  const valueSchema = structSchema({ id: schema('int64'), amount: schema('string', true) });
  const out = cast('amount:float64').apply(record({ valueSchema, value: { id: 1, amount: '3.25' } }));
  assert.deepEqual(shape(out.valueSchema), [['id', 'int64', false], ['amount', 'float64', true]]);
  assert.deepEqual(out.value, { id: 1, amount: 3.25 });
});

test('a whole primitive key is cast, with its schema', () => {
  const out = cast('string', 'key').apply(record({ keySchema: schema('int32'), key: 5 }));
  assert.equal(out.key, '5');
  assert.deepEqual(out.keySchema, { type: 'string', optional: false });
});

test('bad specs fail at configure; values that do not cast are input errors', () => {
  assert.throws(() => cast('a:decimal'), (e) => isKstError(e, 'KST_CONFIG_INVALID'));
  assert.throws(() => cast('int32,a:int8'), (e) => isKstError(e, 'KST_CONFIG_INVALID'));
  assert.throws(() => cast('a:int32').apply(record({ value: { a: 'twelve' } })), (e) => isKstError(e, 'KST_TRANSFORM_INPUT_INVALID'));
});
