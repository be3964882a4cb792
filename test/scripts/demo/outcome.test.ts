import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatOutcome, percentile, reasonGroup, summariseOutcome, type OrderResult } from '../../../scripts/demo/outcome.ts';

test('percentile is nearest-rank: always an observed value', () => {
  assert.equal(percentile([5, 1, 3, 2, 4], 50), 3);
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
  assert.equal(percentile([7], 99), 7);
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(hundred, 99), 99);
  assert.equal(percentile(hundred, 100), 100);
  assert.equal(percentile([...hundred, 1000], 99), 100);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 0), RangeError);
});

test('reasons are grouped by their text before the first id or number', () => {
  assert.equal(reasonGroup('insufficient balance'), 'insufficient balance');
  assert.equal(reasonGroup('fraud: velocity 6 orders in 60000 ms'), 'fraud: velocity');
});

test('the summary counts statuses, reasons, kinds as planned and latency percentiles', () => {
  const results: OrderResult[] = [
    { kind: 'in-stock', expected: 'COMPLETED', status: 'COMPLETED', latencyMs: 100 },
    { kind: 'in-stock', expected: 'COMPLETED', status: 'COMPLETED', latencyMs: 300 },
    { kind: 'in-stock', expected: 'COMPLETED', status: 'PAYMENT_FAILED', reason: 'fraud: velocity 6 orders', latencyMs: 200 },
    { kind: 'too-expensive', expected: 'PAYMENT_FAILED', status: 'PAYMENT_FAILED', reason: 'insufficient balance', latencyMs: 400 },
    { kind: 'cancelled', expected: 'CANCELLED', status: 'UNSETTLED' },
  ];
  const outcome = summariseOutcome(results);
  assert.equal(outcome.total, 5);
  assert.deepEqual(outcome.byStatus.map((s) => [s.status, s.count]), [['COMPLETED', 2], ['PAYMENT_FAILED', 2], ['UNSETTLED', 1]]);
  assert.deepEqual(outcome.byStatus[1]?.reasons, [{ reason: 'fraud: velocity', count: 1 }, { reason: 'insufficient balance', count: 1 }]);
  assert.deepEqual(outcome.byKind.map((k) => [k.kind, k.asPlanned, k.count]), [['in-stock', 2, 3], ['too-expensive', 1, 1], ['cancelled', 0, 1]]);
  assert.deepEqual(outcome.latency, { count: 4, p50: 200, p99: 400, max: 400 });
  const text = formatOutcome(outcome).join('\n');
  assert.match(text, /COMPLETED\s+2/);
  assert.match(text, /in-stock\s+2\/3\s+expected COMPLETED/);
  assert.match(text, /p50 200 ms, p99 400 ms/);
});
