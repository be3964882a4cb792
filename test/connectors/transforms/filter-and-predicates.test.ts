import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Filter } from '../../../connectors/transforms/filter.ts';
import { HasHeaderKey, RecordIsTombstone, TopicNameMatches } from '../../../connectors/transforms/predicates.ts';
import { isKstError } from '../../../common/errors.ts';
import { record } from './records.ts';

test('Filter drops every record it is applied to', () => {
  const t = new Filter();
  t.configure({});
  assert.equal(t.apply(record({ value: { a: 1 } })), null);
});

test('TopicNameMatches matches the whole topic name', () => {
  const p = new TopicNameMatches();
  p.configure({ pattern: 'orders\\..*' });
  assert.equal(p.test(record({ topic: 'orders.events' })), true);
  assert.equal(p.test(record({ topic: 'x.orders.events' })), false);
  assert.throws(() => new TopicNameMatches().configure({}), (e) => isKstError(e, 'KST_CONFIG_INVALID'));
});

test('HasHeaderKey looks for a header name', () => {
  const p = new HasHeaderKey();
  p.configure({ name: 'trace-id' });
  assert.equal(p.test(record({ headers: [{ key: 'trace-id', value: 'abc', schema: null }] })), true);
  assert.equal(p.test(record()), false);
});

test('RecordIsTombstone is true for null values only', () => {
  const p = new RecordIsTombstone();
  p.configure({});
  assert.equal(p.test(record({ value: null })), true);
  assert.equal(p.test(record({ value: {} })), false);
});
