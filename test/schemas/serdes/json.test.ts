import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { jsonSerde } from '../../../schemas/serdes/json.ts';

interface Order {
  orderId: string;
  items: { sku: string; qty: number }[];
  note: string | null;
}

const isOrder = (value: unknown): value is Order =>
  typeof value === 'object' && value !== null && typeof (value as Order).orderId === 'string' && Array.isArray((value as Order).items);

test('json round trip of a typed value', () => {
  const serde = jsonSerde<Order>();
  const order: Order = { orderId: 'o-1', items: [{ sku: 'a', qty: 2 }], note: null };
  const bytes = serde.serialize('orders.events', order);
  assert.equal(bytes?.toString('utf8'), '{"orderId":"o-1","items":[{"sku":"a","qty":2}],"note":null}');
  assert.deepEqual(serde.deserialize('orders.events', bytes), order);
});

test('json null passes through as a tombstone, and JSON null text reads as null', () => {
  const serde = jsonSerde<Order>();
  assert.equal(serde.serialize('t', null), null);
  assert.equal(serde.deserialize('t', null), null);
  assert.equal(serde.deserialize('t', Buffer.from('null')), null);
});

test('json malformed input is KST_SERDE_DESERIALIZE naming the topic and length', () => {
  const serde = jsonSerde<Order>();
  for (const raw of [Buffer.from('{"orderId":'), Buffer.from([0x7b, 0xff]), Buffer.alloc(0)]) {
    assert.throws(() => serde.deserialize('orders.events', raw), (error) => {
      assert.ok(isKstError(error, 'KST_SERDE_DESERIALIZE'));
      assert.equal(error.details['topic'], 'orders.events');
      assert.equal(error.details['byteLength'], raw.length);
      return true;
    });
  }
});

test('json validate rejects a well-formed value of the wrong shape', () => {
  const serde = jsonSerde<Order>({ validate: isOrder });
  assert.throws(() => serde.deserialize('t', Buffer.from('{"id":1}')), (error) => {
    assert.ok(isKstError(error, 'KST_SERDE_DESERIALIZE'));
    assert.match(error.message, /validation/);
    return true;
  });
  // A validator that throws gives its message as the reason.
  const throwing = jsonSerde<Order>({ validate: () => { throw new Error('items must not be empty'); } });
  assert.throws(() => throwing.deserialize('t', Buffer.from('{}')), /items must not be empty/);
});

test('json validateOnSerialize checks before writing', () => {
  const serde = jsonSerde<Order>({ validate: isOrder, validateOnSerialize: true });
  assert.throws(() => serde.serialize('t', { nope: true } as unknown as Order), (error) => isKstError(error, 'KST_SERDE_SERIALIZE'));
});

test('json values that are not JSON are KST_SERDE_SERIALIZE', () => {
  const serde = jsonSerde<unknown>();
  const cyclic: Record<string, unknown> = {};
  cyclic['self'] = cyclic;
  for (const value of [cyclic, 10n, undefined, () => 1]) {
    assert.throws(() => serde.serialize('t', value), (error) => isKstError(error, 'KST_SERDE_SERIALIZE'));
  }
});
