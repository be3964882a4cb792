import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { DropHeaders } from '../../../connectors/transforms/drop-headers.ts';
import { record } from './records.ts';

test('removes every header with a listed name and keeps the others in order', () => {
  const t = new DropHeaders();
  t.configure({ headers: 'a, c' });
  const h = (key: string, value: string) => ({ key, value, schema: null });
  const out = t.apply(record({ headers: [h('a', '1'), h('b', '2'), h('a', '3'), h('c', '4'), h('d', '5')] }));
  assert.deepEqual(out.headers.map((x) => x.key), ['b', 'd']);
});

test('an empty list is refused at configure', () => {
  assert.throws(() => new DropHeaders().configure({ headers: '' }), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID'));
});
