/** The order rules without stores: pricing (quotes, reserved prices, state kept by an earlier version) and commands answered once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CreateOrder, OrderItem } from '../../../../topologies/ecommerce/contracts/commands.ts';
import type { InventoryEvent } from '../../../../topologies/ecommerce/contracts/events.ts';
import { decide, pricedItems, type Decision, type SagaState } from '../../../../topologies/ecommerce/order/order-rules.ts';

const settings = { nowMs: 1_000, defaultDeadlineMs: 30_000 };
const create = (items: OrderItem[]): Decision => {
  const command: CreateOrder = { type: 'CreateOrder', commandId: 'c1', orderId: 'o1', customerId: 'alice', issuedAtMs: 0, items };
  return decide(undefined, undefined, { kind: 'command', command }, settings);
};
const reserved = (productId: string, unitPriceCents?: number): InventoryEvent => ({
  type: 'ItemReserved', eventId: `o1:${productId}`, productId, orderId: 'o1', quantity: 1, atMs: 0, ...(unitPriceCents === undefined ? {} : { unitPriceCents }),
});
const answer = (decision: Decision, event: InventoryEvent): Decision => decide(decision.view, decision.saga, { kind: 'inventory', event }, settings);

test('repeated lines of a product quoting two prices: the one that is not the catalog\'s rejects the order', () => {
  const created = create([{ productId: 'p', quantity: 1, unitPriceCents: 100 }, { productId: 'p', quantity: 2, unitPriceCents: 90 }]);
  assert.deepEqual(created.saga?.quotes, { p: [100, 90] });
  const after = answer(created, reserved('p', 100));
  assert.equal(after.view?.status, 'REJECTED');
  assert.equal(after.view?.reason, 'PRICE_CHANGED: p costs 100 cents, the order said 90');
});

test('a quote may be as high as a catalog price can be; the total must stay a safe integer', () => {
  const big = 1_000_000_000_000;
  const created = create([{ productId: 'p', quantity: 10_000, unitPriceCents: big }]);
  assert.equal(created.view?.status, 'PENDING', created.view?.reason);
  const after = answer(created, reserved('p', big));
  assert.deepEqual([after.view?.status, after.view?.reason], ['REJECTED', 'the order total is too large']);
});

test('saga state kept before prices were answered: an order priced by the client is repriced, and one whose reserved product has no price is refused', () => {
  // An order created by the previous version: the client's prices in the view, no quotes or prices in the saga.
  const created = create([{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 1 }]);
  const oldView = { ...created.view!, items: [{ productId: 'a', quantity: 1, unitPriceCents: 1 }, { productId: 'b', quantity: 1, unitPriceCents: 1 }], totalCents: 2 };
  const { prices: _p, quotes: _q, ...oldSaga } = created.saga as SagaState;
  const repriced = answer(answer({ ...created, view: oldView, saga: oldSaga }, reserved('a', 700)), reserved('b', 300));
  assert.deepEqual([repriced.view?.status, repriced.view?.totalCents, repriced.view?.items.map((i) => i.unitPriceCents)], ['RESERVED', 1_000, [700, 300]]);
  // 'a' was reserved by the previous version: the saga knows it is reserved but not at what price.
  const half: SagaState = { ...oldSaga, reserved: ['a'] };
  const refused = answer({ ...created, view: oldView, saga: half }, reserved('b', 300));
  assert.equal(refused.view?.status, 'REJECTED');
  assert.match(refused.view?.reason ?? '', /^PRICE_UNKNOWN: no reserved price for a$/);
});

test('pricedItems shows reserved prices only, never a quote', () => {
  assert.deepEqual(pricedItems([{ productId: 'a', quantity: 1, unitPriceCents: 1 }, { productId: 'b', quantity: 2, unitPriceCents: 5 }], { b: 7 }), [{ productId: 'a', quantity: 1 }, { productId: 'b', quantity: 2, unitPriceCents: 7 }]);
});

test('a refused cancel sent twice (a client retrying across a broker restart) is answered once: the second finds its command id seen', () => {
  const created = create([{ productId: 'p', quantity: 1 }]);
  const cancel = { type: 'CancelOrder' as const, commandId: 'cancel-o1', orderId: 'o1', customerId: 'mallory', issuedAtMs: 0 };
  const first = decide(created.view, created.saga, { kind: 'command', command: cancel }, settings);
  assert.deepEqual(first.events.map((e) => [e.type, e.eventId]), [['OrderCommandRejected', 'o1:rejected:cancel-o1']]);
  assert.equal(first.view?.status, 'PENDING');
  const again = decide(first.view, first.saga, { kind: 'command', command: cancel }, settings);
  assert.deepEqual(again.events, []);
  // Another cancel, by the owner, is still decided on its own.
  const owner = decide(again.view, again.saga, { kind: 'command', command: { ...cancel, commandId: 'cancel-o1-b', customerId: 'alice' } }, settings);
  assert.equal(owner.view?.status, 'CANCELLED');
  // Refused commands are remembered up to a bound: a caller repeating them cannot grow the order's state for ever.
  let state = first;
  for (let i = 0; i < 250; i++) state = decide(state.view, state.saga, { kind: 'command', command: { ...cancel, commandId: `cancel-o1-${i}` } }, settings);
  assert.equal(state.saga?.commandIds.length, 200);
  assert.equal(state.saga?.commandIds.at(-1), 'cancel-o1-249');
});

test('an answer after its step\'s deadline expires the order, before the deadline punctuator runs; one in time moves it on', () => {
  const created = create([{ productId: 'p', quantity: 1 }]);
  const deadline = created.saga?.deadlineAtMs as number;
  assert.equal(deadline, settings.nowMs + settings.defaultDeadlineMs);
  const late = decide(created.view, created.saga, { kind: 'inventory', event: reserved('p', 100) }, { ...settings, nowMs: deadline + 1 });
  assert.deepEqual([late.view?.status, late.view?.reason], ['EXPIRED', 'inventory did not answer within 30000 ms']);
  const inTime = decide(created.view, created.saga, { kind: 'inventory', event: reserved('p', 100) }, { ...settings, nowMs: deadline });
  assert.equal(inTime.view?.status, 'RESERVED');
});
