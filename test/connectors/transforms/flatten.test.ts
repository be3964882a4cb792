import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Flatten } from '../../../connectors/transforms/flatten.ts';
import { record, schema, shape, structSchema } from './records.ts';

test('schemaless: nested maps flatten with the delimiter, arrays stay', () => {
  const t = new Flatten('value');
  t.configure({ delimiter: '_' });
  const out = t.apply(record({ value: { id: 1, customer: { name: 'Ann', address: { city: 'Oslo' } }, items: [{ sku: 'a' }], note: null } }));
  assert.deepEqual(out.value, { id: 1, customer_name: 'Ann', customer_address_city: 'Oslo', items: [{ sku: 'a' }], note: null });
});

test('struct: fields under an optional parent become optional; a null parent gives nulls', () => {
  const t = new Flatten('value');
  t.configure({});
  const address = structSchema({ city: schema('string'), zip: schema('string') }, true);
  const valueSchema = structSchema({ id: schema('int32'), address, tags: { type: 'array', optional: false, valueSchema: schema('string') } });
  const out = t.apply(record({ valueSchema, value: { id: 1, address: { city: 'Oslo', zip: '0150' }, tags: ['x'] } }));
  assert.deepEqual(shape(out.valueSchema), [['id', 'int32', false], ['address.city', 'string', true], ['address.zip', 'string', true], ['tags', 'array', false]]);
  assert.deepEqual(out.value, { id: 1, 'address.city': 'Oslo', 'address.zip': '0150', tags: ['x'] });
  const nullParent = t.apply(record({ valueSchema, value: { id: 2, address: null, tags: [] } }));
  assert.deepEqual(nullParent.value, { id: 2, 'address.city': null, 'address.zip': null, tags: [] });
});

test('the key variant and tombstones', () => {
  const t = new Flatten('key');
  t.configure({});
  assert.deepEqual(t.apply(record({ key: { a: { b: 1 } } })).key, { 'a.b': 1 });
  assert.equal(new Flatten('value').apply(record({ value: null })).value, null);
});
