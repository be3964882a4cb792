import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartBackoff } from '../../../../scripts/platform/supervision/restart-backoff.ts';

test('the delay starts at 1 s and doubles with each crash in a row, up to 30 s', () => {
  const backoff = new RestartBackoff();
  const delays = Array.from({ length: 8 }, () => backoff.next(1_000));
  assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
});

test('a run healthy for a minute before it crashed starts over at 1 s; a shorter one does not', () => {
  const backoff = new RestartBackoff({ initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 });
  backoff.next(0);
  backoff.next(0);
  assert.equal(backoff.next(100_000, 100_000 - 59_999), 4_000, 'healthy 59.999 s: still counting');
  assert.equal(backoff.next(200_000, 200_000 - 60_000), 1_000, 'healthy 60 s: reset');
  assert.equal(backoff.crashes, 1);
  assert.equal(backoff.next(210_000), 2_000, 'a crash before it was healthy again doubles');
});
