import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { TimestampRouter } from '../../../connectors/transforms/timestamp-router.ts';
import { record } from './records.ts';

test('defaults: ${topic}-${timestamp} with yyyyMMdd in UTC', () => {
  const t = new TimestampRouter();
  t.configure({});
  assert.equal(t.apply(record({ topic: 'orders', timestamp: Date.UTC(2026, 11, 7, 23, 59) })).topic, 'orders-20261207');
});

test('custom formats; a record without a timestamp is refused', () => {
  const t = new TimestampRouter();
  t.configure({ 'topic.format': 'daily_${timestamp}_${topic}', 'timestamp.format': 'yyyy-MM' });
  assert.equal(t.apply(record({ topic: 't', timestamp: Date.UTC(2024, 0, 31) })).topic, 'daily_2024-01_t');
  assert.throws(() => t.apply(record({ timestamp: undefined })), (e: unknown) => isKstError(e, 'KST_TRANSFORM_INPUT_INVALID'));
});
