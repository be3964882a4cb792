import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../../common/errors.ts';
import { SUPERVISOR_TRANSITIONS, SupervisorStateMachine, type SupervisorState } from '../../../../scripts/platform/supervision/supervisor-state.ts';

test('a supervised process goes through start, health, crash, backoff, restart and shutdown', () => {
  const seen: string[] = [];
  const machine = new SupervisorStateMachine('order-0', (next, previous) => seen.push(`${previous}>${next}`));
  for (const next of ['STARTING', 'HEALTHY', 'BACKOFF', 'STARTING', 'HEALTHY', 'STOPPING', 'STOPPED'] as const) machine.to(next);
  assert.deepEqual(seen, ['IDLE>STARTING', 'STARTING>HEALTHY', 'HEALTHY>BACKOFF', 'BACKOFF>STARTING', 'STARTING>HEALTHY', 'HEALTHY>STOPPING', 'STOPPING>STOPPED']);
});

test('every transition the table does not list throws KST_ILLEGAL_STATE_TRANSITION naming the process', () => {
  const states = Object.keys(SUPERVISOR_TRANSITIONS) as SupervisorState[];
  // Reach each state by a legal path, then try every state the table does not allow from it.
  const paths: Record<SupervisorState, SupervisorState[]> = {
    IDLE: [], STARTING: ['STARTING'], HEALTHY: ['STARTING', 'HEALTHY'], BACKOFF: ['STARTING', 'BACKOFF'],
    STOPPING: ['STARTING', 'STOPPING'], STOPPED: ['STOPPED'], FAILED: ['STARTING', 'FAILED'],
  };
  let illegal = 0;
  for (const from of states) {
    for (const to of states.filter((s) => !SUPERVISOR_TRANSITIONS[from].includes(s))) {
      const machine = new SupervisorStateMachine('gateway');
      for (const step of paths[from]) machine.to(step);
      assert.throws(() => machine.to(to), (e: unknown) => isKstError(e, 'KST_ILLEGAL_STATE_TRANSITION') && e.message.includes(`gateway cannot go from ${from} to ${to}`));
      assert.equal(machine.state, from);
      illegal += 1;
    }
  }
  assert.ok(illegal > 30, `checked ${illegal} illegal transitions`);
});
