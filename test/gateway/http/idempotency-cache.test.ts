import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { IdempotencyCache } from '../../../gateway/http/idempotency-cache.ts';
import { requestIds } from '../../../gateway/http/request-ids.ts';

test('the same (caller, key) runs the work once and replays its result, concurrent retries included', async () => {
  const cache = new IdempotencyCache<string>({ maxEntries: 10, ttlMs: 60_000 });
  let runs = 0;
  const work = async (): Promise<string> => {
    runs++;
    await new Promise((resolve) => setTimeout(resolve, 20));
    return `answer-${runs}`;
  };
  const [first, concurrent] = await Promise.all([cache.run('c-1', 'k', 'POST /orders {}', work), cache.run('c-1', 'k', 'POST /orders {}', work)]);
  const later = await cache.run('c-1', 'k', 'POST /orders {}', work);
  assert.equal(runs, 1);
  assert.deepEqual([first, concurrent, later], [{ value: 'answer-1', replayed: false }, { value: 'answer-1', replayed: true }, { value: 'answer-1', replayed: true }]);
  assert.deepEqual(await cache.run('c-2', 'k', 'POST /orders {}', work), { value: 'answer-2', replayed: false }, 'keys are per caller');
});

test('a key reused for another request is a conflict; a failed first attempt is forgotten', async () => {
  const cache = new IdempotencyCache<number>({ maxEntries: 10, ttlMs: 60_000 });
  await cache.run('c', 'k', 'a', async () => 1);
  await assert.rejects(cache.run('c', 'k', 'b', async () => 2), (e: unknown) => isKstError(e, 'KST_GATEWAY_IDEMPOTENCY_CONFLICT'));
  await assert.rejects(cache.run('c', 'f', 'a', async () => Promise.reject(new Error('kafka down'))), /kafka down/);
  assert.deepEqual(await cache.run('c', 'f', 'a', async () => 3), { value: 3, replayed: false });
});

test('bounded by size (oldest first) and by time', async () => {
  let now = 0;
  const cache = new IdempotencyCache<number>({ maxEntries: 2, ttlMs: 1_000, now: () => now });
  await cache.run('c', 'k1', 'x', async () => 1);
  await cache.run('c', 'k2', 'x', async () => 2);
  await cache.run('c', 'k3', 'x', async () => 3);
  assert.equal(cache.size, 2);
  assert.deepEqual(await cache.run('c', 'k1', 'x', async () => 10), { value: 10, replayed: false }, 'k1 was evicted');
  now += 1_001;
  assert.deepEqual(await cache.run('c', 'k3', 'x', async () => 30), { value: 30, replayed: false }, 'k3 expired');
});

test('ids derived from an Idempotency-Key are stable per caller and label; without a key they are random', () => {
  const a = requestIds('customer:c-1', 'key-1');
  const again = requestIds('customer:c-1', 'key-1');
  assert.equal(a.derive('order'), again.derive('order'));
  assert.notEqual(a.derive('order'), a.derive('command'));
  assert.notEqual(a.derive('order'), requestIds('customer:c-2', 'key-1').derive('order'));
  assert.match(a.derive('order'), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const random = requestIds('customer:c-1', undefined);
  assert.equal(random.derive('order'), random.derive('order'), 'stable within one request');
  assert.notEqual(random.derive('order'), requestIds('customer:c-1', undefined).derive('order'));
});
