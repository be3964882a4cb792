import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { isPreparableSerde } from '../../../schemas/serdes/serde.ts';

test('Serdes is a frozen object of factories, as Kafka Streams Serdes', () => {
  assert.ok(Object.isFrozen(Serdes));
  assert.deepEqual(Object.keys(Serdes).sort(), ['BigLong', 'Bytes', 'Double', 'Integer', 'JSON', 'Long', 'String']);
  assert.throws(() => { (Serdes as Record<string, unknown>)['Extra'] = 1; }, TypeError);
});

test('Serdes factories give working serdes, none of which needs a prepare step', () => {
  assert.equal(Serdes.String().deserialize('t', Serdes.String().serialize('t', 'x')), 'x');
  assert.deepEqual(Serdes.JSON<{ a: number }>().deserialize('t', Buffer.from('{"a":1}')), { a: 1 });
  assert.equal(Serdes.Long().deserialize('t', Serdes.Long().serialize('t', 7)), 7);
  assert.equal(Serdes.Integer().serialize('t', 7)?.length, 4);
  assert.equal(Serdes.BigLong().serialize('t', 7n)?.length, 8);
  assert.equal(Serdes.Double().serialize('t', 7)?.length, 8);
  assert.equal(Serdes.Bytes().serialize('t', Buffer.from('a'))?.toString(), 'a');
  for (const serde of [Serdes.String(), Serdes.JSON(), Serdes.Bytes(), Serdes.Long()]) assert.equal(isPreparableSerde(serde), false);
});
