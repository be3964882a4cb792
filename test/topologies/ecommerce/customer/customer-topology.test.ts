/** The customer service alone: validation, sequences, duplicate commands. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { serviceDriver } from '../support/service-driver.ts';

test('creates customers and records deposits; refuses bad ones with a reason; a retried command, accepted or refused, is dropped', async () => {
  const { driver, serdes, topics } = await serviceDriver('customer');
  try {
    const commands = driver.createInputTopic(topics.customerCommands, serdes.key, serdes.customerCommand);
    const out = driver.createOutputTopic(topics.customerEvents, serdes.key, serdes.customerEvent);
    await commands.pipeInput('k', { type: 'Deposit', commandId: 'd0', customerId: 'k', issuedAtMs: 0, amountCents: 5 });
    await commands.pipeInput('k', { type: 'CreateCustomer', commandId: 'c1', customerId: 'k', issuedAtMs: 0, name: 'Kim', email: 'kim@example.com' });
    await commands.pipeInput('k', { type: 'CreateCustomer', commandId: 'c1', customerId: 'k', issuedAtMs: 0, name: 'Kim', email: 'kim@example.com' });
    await commands.pipeInput('k', { type: 'Deposit', commandId: 'd1', customerId: 'k', issuedAtMs: 0, amountCents: 500 });
    await commands.pipeInput('k', { type: 'Deposit', commandId: 'd1', customerId: 'k', issuedAtMs: 0, amountCents: 500 });
    await commands.pipeInput('k', { type: 'Deposit', commandId: 'd2', customerId: 'k', issuedAtMs: 0, amountCents: -1 });
    // A refused command retried: answered once.
    await commands.pipeInput('k', { type: 'Deposit', commandId: 'd2', customerId: 'k', issuedAtMs: 0, amountCents: -1 });
    await commands.pipeInput('x', { type: 'CreateCustomer', commandId: 'c2', customerId: 'x', issuedAtMs: 0, name: 'X', email: 'nope' });
    assert.deepEqual(out.readValuesToList().map((e) => [e?.type, e?.sequence, e?.amountCents ?? e?.reason]), [
      ['CustomerCommandRejected', 0, 'unknown customer'],
      ['CustomerCreated', 1, undefined],
      ['Deposited', 2, 500],
      ['CustomerCommandRejected', 0, 'amountCents must be a positive whole number'],
      ['CustomerCommandRejected', 0, 'email is not an address'],
    ]);
  } finally {
    await driver.close();
  }
});
