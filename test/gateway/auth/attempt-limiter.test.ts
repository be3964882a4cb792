import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AttemptLimiter } from '../../../gateway/auth/attempt-limiter.ts';

function limiter(maxFailures: number, windowMs: number, maxKeys?: number) {
  let now = 1_000_000;
  const l = new AttemptLimiter({ maxFailures, windowMs, now: () => now, ...(maxKeys === undefined ? {} : { maxKeys }) });
  return { l, advance: (ms: number) => { now += ms; } };
}

test('locks a key after maxFailures within the window, until the oldest failure ages out', () => {
  const { l, advance } = limiter(3, 60_000);
  assert.equal(l.check('ann'), 0);
  l.fail('ann');
  advance(10_000);
  l.fail('ann');
  advance(10_000);
  assert.equal(l.check('ann'), 0, 'two failures of three');
  l.fail('ann');
  assert.equal(l.check('ann'), 40_000, 'locked until the first failure is 60 s old');
  assert.equal(l.check('bob'), 0, 'other keys are not affected');
  advance(40_000);
  assert.equal(l.check('ann'), 0, 'the first failure left the window');
  l.fail('ann');
  assert.equal(l.check('ann'), 10_000, 'the second failure is now the oldest that counts');
});

test('a success clears the key', () => {
  const { l } = limiter(2, 60_000);
  l.fail('ann');
  l.fail('ann');
  assert.ok(l.check('ann') > 0);
  l.succeed('ann');
  assert.equal(l.check('ann'), 0);
});

test('failures while locked keep it locked from the latest ones', () => {
  const { l, advance } = limiter(2, 10_000);
  l.fail('k');
  l.fail('k');
  advance(5_000);
  l.fail('k');
  assert.equal(l.check('k'), 5_000, 'the last two failures are at +0 and +5 s');
  advance(4_999);
  assert.equal(l.check('k'), 1);
  advance(1);
  assert.equal(l.check('k'), 0, 'the failure at +0 left the window');
});

test('keeps at most maxKeys keys, forgetting the least recently failed', () => {
  const { l } = limiter(1, 60_000, 2);
  l.fail('a');
  l.fail('b');
  l.fail('c');
  assert.equal(l.size, 2);
  assert.equal(l.check('a'), 0, 'a was forgotten');
  assert.ok(l.check('c') > 0);
});

test('refuses a limit that cannot be met', () => {
  assert.throws(() => new AttemptLimiter({ maxFailures: 0, windowMs: 1 }), RangeError);
});
