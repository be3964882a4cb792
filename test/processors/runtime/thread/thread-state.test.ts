import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../../common/errors.ts';
import { isRebalancing, threadTransition } from '../../../../processors/runtime/thread/thread-state.ts';

test('a thread goes CREATED → STARTING → PARTITIONS_ASSIGNED → RUNNING → PARTITIONS_REVOKED … → DEAD', () => {
  let state = threadTransition('CREATED', 'STARTING', 't');
  for (const next of ['PARTITIONS_ASSIGNED', 'RUNNING', 'PARTITIONS_REVOKED', 'PARTITIONS_ASSIGNED', 'PARTITIONS_ASSIGNED', 'RUNNING', 'PENDING_SHUTDOWN', 'DEAD'] as const) state = threadTransition(state, next, 't');
  assert.equal(state, 'DEAD');
  assert.throws(() => threadTransition('DEAD', 'RUNNING', 't'), (e: unknown) => isKstError(e, 'KST_ILLEGAL_STATE_TRANSITION'));
  assert.throws(() => threadTransition('CREATED', 'RUNNING', 't'), (e: unknown) => isKstError(e, 'KST_ILLEGAL_STATE_TRANSITION'));
  assert.equal(isRebalancing('PARTITIONS_ASSIGNED'), true);
  assert.equal(isRebalancing('RUNNING'), false);
});
