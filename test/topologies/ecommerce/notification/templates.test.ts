import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { OrderEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import { BUILT_IN_MESSAGES, renderMessage } from '../../../../topologies/ecommerce/notification/templates.ts';

const event = (status: OrderEvent['status'], reason?: string): OrderEvent => ({
  type: 'OrderCreated', eventId: 'e', orderId: 'o-1', customerId: 'c-1', status, items: [], totalCents: 0, atMs: 0, ...(reason === undefined ? {} : { reason }),
});

test('placeholders are filled; unknown ones stay as written; reason is empty when absent', () => {
  assert.equal(renderMessage(event('PAID'), { status: 'PAID', template: '{orderId}/{customerId}/{status}/[{reason}]/{nope}' }), 'o-1/c-1/PAID/[]/{nope}');
  assert.equal(renderMessage(event('REJECTED', 'no stock'), { status: 'REJECTED', template: 'Sorry, {reason}' }), 'Sorry, no stock');
});

test('no template, a blank one or a malformed row give the built-in text', () => {
  assert.equal(renderMessage(event('PAID'), null), BUILT_IN_MESSAGES.PAID);
  assert.equal(renderMessage(event('PAID'), { status: 'PAID', template: '  ' }), BUILT_IN_MESSAGES.PAID);
  assert.equal(renderMessage(event('CANCELLED', 'asked'), { status: 'CANCELLED' } as never), 'Your order was cancelled: asked.');
});
