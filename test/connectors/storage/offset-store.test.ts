import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, offsetKey, OffsetStore } from '../../../connectors/storage/offset-store.ts';
import type { KafkaRecord } from '../../../processors/kafka/index.ts';

const record = (key: string | null, value: string | null): KafkaRecord => ({
  topic: 'connect-offsets', partition: 0, offset: 0n, timestamp: 0n, leaderEpoch: -1, headers: [],
  key: key === null ? null : Buffer.from(key), value: value === null ? null : Buffer.from(value),
});

test('keys are Connect\'s ["connector", {partition}] JSON, with partition keys in one order', () => {
  assert.equal(offsetKey('pg', { table: 'db.public.t', protocol: '1' }), '["pg",{"protocol":"1","table":"db.public.t"}]');
  assert.equal(canonicalJson({ b: [1, { d: 2, c: 3 }], a: null }), '{"a":null,"b":[1,{"c":3,"d":2}]}');
});

test('applies records written by Connect (keys in any order), tombstones remove, foreign records are ignored', () => {
  const store = new OffsetStore();
  store.apply(record('["pg",{"table":"db.public.t","protocol":"1"}]', '{"incrementing":4}'));
  store.apply(record('["other",{"table":"x"}]', '{"incrementing":1}'));
  store.apply(record('not json', '{}'));
  store.apply(record('{"a":1}', '{}'));
  store.apply(record(null, '{}'));
  assert.deepEqual(store.offset('pg', { protocol: '1', table: 'db.public.t' }), { incrementing: 4 });
  assert.deepEqual(store.entries('pg'), [{ partition: { table: 'db.public.t', protocol: '1' }, offset: { incrementing: 4 } }]);
  store.apply(record('["pg",{"protocol":"1","table":"db.public.t"}]', null));
  assert.equal(store.offset('pg', { protocol: '1', table: 'db.public.t' }), null);
  assert.deepEqual(store.entries('pg'), []);
  assert.deepEqual(store.offset('other', { table: 'x' }), { incrementing: 1 });
});
