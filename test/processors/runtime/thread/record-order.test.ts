import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeByTimestamp } from '../../../../processors/runtime/thread/record-order.ts';

test('records of several partitions are merged lowest timestamp first, each partition in its own order', () => {
  const a = [{ id: 'a0', timestamp: 5n }, { id: 'a1', timestamp: 1n }, { id: 'a2', timestamp: 9n }];
  const b = [{ id: 'b0', timestamp: 3n }, { id: 'b1', timestamp: 7n }];
  assert.deepEqual(mergeByTimestamp([a, b]).map((r) => r.id), ['b0', 'a0', 'a1', 'b1', 'a2']);
  assert.deepEqual(mergeByTimestamp([a, []]).map((r) => r.id), ['a0', 'a1', 'a2']);
});
