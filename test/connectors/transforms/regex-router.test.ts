import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RegexRouter } from '../../../connectors/transforms/regex-router.ts';
import { isKstError } from '../../../common/errors.ts';
import { record } from './records.ts';

test('renames the topic when the whole name matches, with group references', () => {
  const t = new RegexRouter();
  t.configure({ regex: '(.*)\\.events', replacement: '$1_read_model' });
  assert.equal(t.apply(record({ topic: 'orders.events' })).topic, 'orders_read_model');
});

test('a partial match leaves the topic alone', () => {
  const t = new RegexRouter();
  t.configure({ regex: 'orders', replacement: 'x' });
  const r = record({ topic: 'orders.events' });
  assert.equal(t.apply(r), r);
});

test('an invalid regex fails at configure', () => {
  assert.throws(() => new RegexRouter().configure({ regex: '(', replacement: 'x' }), (e) => isKstError(e, 'KST_CONFIG_INVALID'));
});
