import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commitDue, type CommitTiming } from '../../../../processors/runtime/thread/commit-timing.ts';

const base: CommitTiming = { nowMs: 1_050, lastCommitMs: 1_000, commitIntervalMs: 100, commitRequested: false, commitNeeded: true, exactlyOnce: true, drained: true, caughtUp: () => true };

test('under exactly-once a thread that has caught up commits before the interval', () => {
  assert.equal(commitDue(base), true);
});

test('with a backlog, input in hand, or nothing processed, it waits for the interval', () => {
  assert.equal(commitDue({ ...base, caughtUp: () => false }), false);
  assert.equal(commitDue({ ...base, drained: false }), false);
  assert.equal(commitDue({ ...base, commitNeeded: false }), false);
  assert.equal(commitDue({ ...base, drained: false, nowMs: 1_100 }), true, 'the interval bounds the wait');
});

test('under at-least-once only the interval and requests decide', () => {
  assert.equal(commitDue({ ...base, exactlyOnce: false }), false);
  assert.equal(commitDue({ ...base, exactlyOnce: false, nowMs: 1_100 }), true);
  assert.equal(commitDue({ ...base, exactlyOnce: false, commitRequested: true }), true);
});

test('the lag is looked at only when everything else says commit', () => {
  let asked = 0;
  const caughtUp = (): boolean => {
    asked++;
    return true;
  };
  commitDue({ ...base, caughtUp, drained: false });
  commitDue({ ...base, caughtUp, exactlyOnce: false });
  assert.equal(asked, 0);
  commitDue({ ...base, caughtUp });
  assert.equal(asked, 1);
});
