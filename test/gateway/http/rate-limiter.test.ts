import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../../gateway/http/rate-limiter.ts';

test('a caller bursts up to the bucket size, then waits for the refill; callers are independent', () => {
  let now = 0;
  const limiter = new RateLimiter({ burst: 3, perSecond: 2, now: () => now });
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('a').allowed, true);
  const refused = limiter.take('a');
  assert.deepEqual(refused, { allowed: false, retryAfterMs: 500 }, 'one token comes back in 1/2 s');
  assert.equal(limiter.take('b').allowed, true, 'another caller has its own bucket');
  now += 500;
  assert.equal(limiter.take('a').allowed, true);
  assert.equal(limiter.take('a').allowed, false);
  now += 60_000;
  const verdicts = Array.from({ length: 4 }, () => limiter.take('a').allowed);
  assert.deepEqual(verdicts, [true, true, true, false], 'an idle bucket refills to its size, not beyond');
});

test('the least recently seen caller is forgotten beyond maxCallers', () => {
  const limiter = new RateLimiter({ burst: 1, perSecond: 1, maxCallers: 2, now: () => 0 });
  limiter.take('a');
  limiter.take('b');
  limiter.take('a');
  limiter.take('c');
  assert.equal(limiter.size, 2);
  assert.equal(limiter.take('a').allowed, false, 'a was kept (recently seen) and is empty');
  assert.equal(limiter.take('b').allowed, true, 'b was forgotten and comes back full');
});

test('invalid settings are refused', () => {
  assert.throws(() => new RateLimiter({ burst: 0, perSecond: 1 }), RangeError);
  assert.throws(() => new RateLimiter({ burst: 1, perSecond: 0 }), RangeError);
});
