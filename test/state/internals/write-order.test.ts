import { test } from 'node:test';
import assert from 'node:assert/strict';

import { WriteOrder } from '../../../state/internals/write-order.ts';

interface Entry {
  readonly name: string;
  dirty: boolean;
  slot: number;
}

test('entries come out in the order of their last write; cleaned ones and superseded slots are skipped', () => {
  const order = new WriteOrder<Entry>();
  const [a, b, c] = ['a', 'b', 'c'].map((name): Entry => ({ name, dirty: true, slot: 0 })) as [Entry, Entry, Entry];
  order.write(a, true);
  order.write(b, true);
  order.write(c, true);
  order.write(a, false);
  b.dirty = false;
  order.cleaned();
  assert.equal(order.size, 2);
  assert.deepEqual(order.entries().map((entry) => entry.name), ['c', 'a']);
  assert.deepEqual(order.take().map((entry) => entry.name), ['c', 'a']);
  assert.deepEqual(order.entries(), []);
});

test('rewrites are compacted, so the list stays bounded by the dirty entries and keeps its order', () => {
  const order = new WriteOrder<Entry>();
  const entries = Array.from({ length: 5 }, (_, i): Entry => ({ name: `k${i}`, dirty: true, slot: 0 }));
  entries.forEach((entry) => order.write(entry, true));
  for (let i = 0; i < 100_000; i++) order.write(entries[(i * 3) % 5] as Entry, false);
  assert.deepEqual(order.entries().map((entry) => entry.name), lastWriteOrder(entries.length, 100_000));
  assert.ok(entries.every((entry) => entry.slot < 2 * 5 + 1024 + 1), 'slots were renumbered by compaction');
});

/** What an insertion-ordered set kept by delete-and-add would hold after the same writes. */
function lastWriteOrder(keys: number, writes: number): string[] {
  const last = new Map<string, number>();
  for (let i = 0; i < writes; i++) last.set(`k${(i * 3) % keys}`, i);
  return [...last].sort((x, y) => x[1] - y[1]).map(([name]) => name);
}
