import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InsertHeader, parseLiteral } from '../../../connectors/transforms/insert-header.ts';
import { record } from './records.ts';

test('adds the header to every record, after the existing ones', () => {
  const t = new InsertHeader();
  t.configure({ header: 'origin', 'value.literal': 'postgres' });
  const out = t.apply(record({ headers: [{ key: 'a', value: 'x', schema: null }] }));
  assert.deepEqual(out.headers, [{ key: 'a', value: 'x', schema: null }, { key: 'origin', value: 'postgres', schema: { type: 'string', optional: false } }]);
});

test('literals are typed as Connect\'s Values.parseString types them', () => {
  assert.deepEqual(parseLiteral('true'), { schema: { type: 'boolean', optional: false }, value: true });
  assert.deepEqual(parseLiteral('42'), { schema: { type: 'int8', optional: false }, value: 42 });
  assert.deepEqual(parseLiteral('40000'), { schema: { type: 'int32', optional: false }, value: 40000 });
  assert.deepEqual(parseLiteral('5000000000'), { schema: { type: 'int64', optional: false }, value: 5_000_000_000 });
  assert.deepEqual(parseLiteral('4.2 apples'), { schema: { type: 'string', optional: false }, value: '4.2 apples' });
});
