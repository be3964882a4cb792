import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { HeaderFrom } from '../../../connectors/transforms/header-from.ts';
import { record, schema, shape, structSchema } from './records.ts';

const valueSchema = structSchema({ id: schema('int64'), source: schema('string'), note: schema('string', true) });

test('copy: the fields go to headers with their schemas and stay in the value', () => {
  const t = new HeaderFrom('value');
  t.configure({ fields: 'id,source', headers: 'record-id,record-source', operation: 'copy' });
  const out = t.apply(record({ valueSchema, value: { id: 7, source: 'pg', note: null } }));
  assert.deepEqual(out.value, { id: 7, source: 'pg', note: null });
  assert.deepEqual(out.headers.map((h) => [h.key, h.value, h.schema?.type]), [['record-id', 7, 'int64'], ['record-source', 'pg', 'string']]);
});

test('move: the fields leave the struct and its schema', () => {
  const t = new HeaderFrom('value');
  t.configure({ fields: 'source', headers: 'src', operation: 'move' });
  const out = t.apply(record({ valueSchema, value: { id: 7, source: 'pg', note: 'n' } }));
  assert.deepEqual(out.value, { id: 7, note: 'n' });
  assert.deepEqual(shape(out.valueSchema), [['id', 'int64', false], ['note', 'string', true]]);
  assert.deepEqual(out.headers.map((h) => [h.key, h.value]), [['src', 'pg']]);
});

test('schemaless keys: move removes the entry; fields and headers must pair up', () => {
  const t = new HeaderFrom('key');
  t.configure({ fields: 'id', headers: 'id', operation: 'move' });
  const out = t.apply(record({ key: { id: 'o-1', other: 1 } }));
  assert.deepEqual(out.key, { other: 1 });
  assert.deepEqual(out.headers, [{ key: 'id', value: 'o-1', schema: null }]);
  assert.throws(() => new HeaderFrom('value').configure({ fields: 'a,b', headers: 'a', operation: 'copy' }), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID'));
  assert.throws(() => new HeaderFrom('value').configure({ fields: 'a', headers: 'a', operation: 'steal' }), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID'));
});
