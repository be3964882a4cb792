import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { StreamSlots } from '../../../gateway/limits/stream-slots.ts';

const limited = (which: string) => (e: unknown): boolean => isKstError(e, 'KST_GATEWAY_STREAM_LIMIT') && e.details['limit'] === which && e.canRetry;

test('slots are capped per caller and in total, and come back once each when released', () => {
  const slots = new StreamSlots({ perCaller: 2, total: 3 });
  const a1 = slots.acquire('a');
  slots.acquire('a');
  assert.throws(() => slots.acquire('a'), limited('caller'));
  const b1 = slots.acquire('b');
  assert.throws(() => slots.acquire('c'), limited('total'));
  b1();
  b1();
  assert.equal(slots.open(), 2, 'a second release gives nothing back');
  a1();
  assert.equal(slots.open('a'), 1);
  slots.acquire('a');
  slots.acquire('c');
  assert.equal(slots.open(), 3);
});

test('an exempt caller has no per-caller cap but counts in the total', () => {
  const slots = new StreamSlots({ perCaller: 1, total: 3, unlimited: (caller) => caller.startsWith('service:') });
  slots.acquire('service:gateway');
  slots.acquire('service:gateway');
  slots.acquire('service:gateway');
  assert.throws(() => slots.acquire('service:gateway'), limited('total'));
});
