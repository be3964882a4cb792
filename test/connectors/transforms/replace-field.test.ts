import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplaceField } from '../../../connectors/transforms/replace-field.ts';
import { isKstError } from '../../../common/errors.ts';
import { record, schema, shape, structSchema } from './records.ts';

test('schemaless: exclude, include and renames', () => {
  const t = new ReplaceField('value');
  t.configure({ include: 'a,b,c', exclude: 'c', renames: 'a:alpha' });
  assert.deepEqual(t.apply(record({ value: { a: 1, b: 2, c: 3, d: 4 } })).value, { alpha: 1, b: 2 });
});

test('struct: the schema keeps only the fields left, renamed, in their order', () => {
  const t = new ReplaceField('value');
  t.configure({ exclude: 'secret', renames: 'cust:customer' });
  const valueSchema = structSchema({ id: schema('int64'), cust: schema('string', true), secret: schema('string') });
  const out = t.apply(record({ valueSchema, value: { id: 1, cust: 'c-1', secret: 'x' } }));
  assert.deepEqual(shape(out.valueSchema), [['id', 'int64', false], ['customer', 'string', true]]);
  assert.deepEqual(out.value, { id: 1, customer: 'c-1' });
});

test('the deprecated whitelist/blacklist names still work, on the key', () => {
  const t = new ReplaceField('key');
  t.configure({ whitelist: 'id,region', blacklist: 'region' });
  assert.deepEqual(t.apply(record({ key: { id: 1, region: 'eu', x: 2 } })).key, { id: 1 });
});

test('a bad renames entry fails at configure naming the key', () => {
  assert.throws(() => new ReplaceField('value').configure({ renames: 'a' }), (e) => isKstError(e, 'KST_CONFIG_INVALID') && /renames/.test((e as Error).message));
});

test('tombstones pass', () => {
  const t = new ReplaceField('value');
  t.configure({ exclude: 'a' });
  assert.equal(t.apply(record({ value: null })).value, null);
});
