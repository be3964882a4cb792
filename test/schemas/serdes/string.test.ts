import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { stringSerde } from '../../../schemas/serdes/string.ts';

const serde = stringSerde();

test('string round trip keeps non-ASCII text and the empty string', () => {
  for (const text of ['hello', 'héllo wörld ✓', '', '🦀 emoji']) {
    assert.equal(serde.deserialize('t', serde.serialize('t', text)), text);
  }
  assert.deepEqual(serde.serialize('t', 'é'), Buffer.from([0xc3, 0xa9]));
});

test('string null passes through both ways', () => {
  assert.equal(serde.serialize('t', null), null);
  assert.equal(serde.deserialize('t', null), null);
});

test('string malformed UTF-8 is KST_SERDE_DESERIALIZE with topic and byte length', () => {
  assert.throws(() => serde.deserialize('orders.events', Buffer.from([0x61, 0xff, 0xfe])), (error) => {
    assert.ok(isKstError(error, 'KST_SERDE_DESERIALIZE'));
    assert.equal(error.details['topic'], 'orders.events');
    assert.equal(error.details['byteLength'], 3);
    assert.match(String(error.details['reason']), /UTF-8/);
    return true;
  });
});

test('string serialize of a non-string is KST_SERDE_SERIALIZE', () => {
  assert.throws(() => serde.serialize('t', 42 as unknown as string), (error) => isKstError(error, 'KST_SERDE_SERIALIZE'));
});
