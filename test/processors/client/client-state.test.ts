import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { ClientStateMachine } from '../../../processors/client/client-state.ts';

test('the client follows Kafka Streams\' transition table', () => {
  const seen: string[] = [];
  const machine = new ClientStateMachine((next, previous) => seen.push(`${previous}>${next}`));
  machine.to('REBALANCING');
  machine.to('RUNNING');
  machine.to('RUNNING');
  machine.to('REBALANCING');
  machine.to('PENDING_SHUTDOWN');
  assert.equal(machine.stopping, true);
  machine.to('NOT_RUNNING');
  assert.deepEqual(seen, ['CREATED>REBALANCING', 'REBALANCING>RUNNING', 'RUNNING>REBALANCING', 'REBALANCING>PENDING_SHUTDOWN', 'PENDING_SHUTDOWN>NOT_RUNNING']);
});

test('an illegal transition throws KST_ILLEGAL_STATE_TRANSITION; tryTo reports it instead', () => {
  const machine = new ClientStateMachine(() => undefined);
  assert.throws(() => machine.to('RUNNING'), (e: unknown) => isKstError(e, 'KST_ILLEGAL_STATE_TRANSITION') && /CREATED to RUNNING/.test(e.message));
  machine.to('PENDING_ERROR');
  assert.equal(machine.tryTo('RUNNING'), false);
  machine.to('ERROR');
  assert.throws(() => machine.to('PENDING_SHUTDOWN'), (e: unknown) => isKstError(e, 'KST_ILLEGAL_STATE_TRANSITION'));
});
