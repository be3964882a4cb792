import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { bytesSerde } from '../../../schemas/serdes/bytes.ts';

const serde = bytesSerde();

test('bytes pass through unchanged, without a copy', () => {
  const value = Buffer.from([0, 1, 2, 255]);
  assert.equal(serde.serialize('t', value), value);
  assert.equal(serde.deserialize('t', value), value);
  assert.deepEqual(serde.deserialize('t', Buffer.alloc(0)), Buffer.alloc(0));
});

test('bytes null passes through', () => {
  assert.equal(serde.serialize('t', null), null);
  assert.equal(serde.deserialize('t', null), null);
});

test('bytes serialize of a non-Buffer is KST_SERDE_SERIALIZE', () => {
  assert.throws(() => serde.serialize('t', 'text' as unknown as Buffer), (error) => isKstError(error, 'KST_SERDE_SERIALIZE'));
});
