import { test } from 'node:test';
import assert from 'node:assert/strict';

import { mergeWithOverlay, sortedOverlay } from '../../../state/internals/merge-iterator.ts';
import { collect } from '../support.ts';

test('an overlay wins over the base on equal keys and its tombstones hide base entries', async () => {
  const entry = (key: string, value: string) => ({ key: Buffer.from(key), value: Buffer.from(value) });
  async function* base() {
    yield* [entry('a', 'base'), entry('c', 'base'), entry('e', 'base')];
  }
  const merged = await collect(mergeWithOverlay([entry('b', 'over'), { key: Buffer.from('c'), value: null }, entry('e', 'over'), entry('f', 'over')], base()));
  assert.deepEqual(merged.map((e) => `${e.key}=${e.value}`), ['a=base', 'b=over', 'e=over', 'f=over']);
});

test('the overlay keeps the entries in range, sorted by bytes', () => {
  const entries = ['d', 'a', 'c', 'b'].map((key) => [Buffer.from(key).toString('latin1'), { key: Buffer.from(key), value: Buffer.from(key) }] as const);
  assert.deepEqual(sortedOverlay(entries, Buffer.from('b'), Buffer.from('c')).map((e) => e.key.toString()), ['b', 'c']);
  assert.deepEqual(sortedOverlay(entries, undefined, undefined).map((e) => e.key.toString()), ['a', 'b', 'c', 'd']);
});
