import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatMarker, parseOutputValue } from '../../../bench/recovery/marker.ts';

test('an output value carries the writing instance, its incarnation and the count', () => {
  const value = `${formatMarker({ instance: 'b', incarnation: 12 })}:345`;
  assert.equal(value, 'b#12:345');
  assert.deepEqual(parseOutputValue(value), { marker: { instance: 'b', incarnation: 12 }, count: 345 });
});

test('values that are not "<instance>#<incarnation>:<count>" are rejected', () => {
  for (const value of ['345', 'b:345', 'b#x:1', 'b#1:', '#1:2', 'b#1:2:3']) assert.equal(parseOutputValue(value), undefined, value);
});
