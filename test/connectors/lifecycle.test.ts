import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../common/errors.ts';
import { Lifecycle, canTransition } from '../../connectors/runtime/lifecycle.ts';
import { spreadWork } from '../../connectors/cluster/assignment.ts';

test('a task goes UNASSIGNED → RUNNING → PAUSED → RUNNING → FAILED → RESTARTING → RUNNING and reports each change', () => {
  const seen: Array<[string, string | null]> = [];
  const lifecycle = new Lifecycle('c-0', (state, trace) => seen.push([state, trace]));
  lifecycle.transition('RUNNING');
  lifecycle.transition('PAUSED');
  lifecycle.transition('RUNNING');
  lifecycle.fail(new Error('boom', { cause: new Error('root cause') }));
  assert.equal(lifecycle.state, 'FAILED');
  assert.match(lifecycle.trace ?? '', /Error: boom[\s\S]*Caused by: Error: root cause/);
  lifecycle.transition('RESTARTING');
  lifecycle.transition('RUNNING');
  assert.deepEqual(seen.map(([state]) => state), ['RUNNING', 'PAUSED', 'RUNNING', 'FAILED', 'RESTARTING', 'RUNNING']);
  assert.equal(seen.at(-1)?.[1], null, 'the trace goes once the unit runs again');
});

test('a FAILED unit cannot go back to RUNNING or PAUSED without a restart', () => {
  assert.equal(canTransition('FAILED', 'RUNNING'), false);
  assert.equal(canTransition('FAILED', 'PAUSED'), false);
  assert.equal(canTransition('STOPPED', 'FAILED'), false);
  const lifecycle = new Lifecycle('c-1');
  lifecycle.fail(new Error('x'));
  assert.throws(() => lifecycle.transition('RUNNING'), (error: unknown) => isKstError(error, 'KST_ILLEGAL_STATE_TRANSITION') && error.message.includes('c-1 cannot go from FAILED to RUNNING'));
});

test('work is spread round robin: connectors first, then tasks, stopped connectors get no tasks', () => {
  const tasks = (n: number): Array<Record<string, string>> => Array.from({ length: n }, () => ({}));
  const work = spreadWork(['w2', 'w1'], [
    { name: 'a', config: {}, target: 'STARTED', tasks: tasks(4) },
    { name: 'b', config: {}, target: 'STOPPED', tasks: tasks(2) },
  ]);
  assert.deepEqual([...work.connectors], [['a', 'w1'], ['b', 'w2']]);
  assert.deepEqual([...work.tasks], [['a-0', 'w1'], ['a-1', 'w2'], ['a-2', 'w1'], ['a-3', 'w2']]);
  const alone = spreadWork(['w1'], [{ name: 'a', config: {}, target: 'STARTED', tasks: tasks(4) }]);
  assert.deepEqual(new Set(alone.tasks.values()), new Set(['w1']));
});

test('a running unit follows its target: PAUSED pauses, STARTED resumes; a unit not yet running ignores it', () => {
  const seen: string[] = [];
  const lifecycle = new Lifecycle('c-1-0', (state) => seen.push(state));
  lifecycle.follow('PAUSED');
  assert.equal(lifecycle.state, 'UNASSIGNED');
  lifecycle.transition('RUNNING');
  lifecycle.follow('PAUSED');
  lifecycle.follow('PAUSED');
  lifecycle.follow('STARTED');
  lifecycle.follow('STOPPED');
  assert.deepEqual(seen, ['RUNNING', 'PAUSED', 'RUNNING']);
});
