import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { frame, peekSchemaId, schemaIdsOf, unframe } from '../../../schemas/serdes/confluent-wire.ts';

test('frame writes magic byte 0 and the id as 4 bytes big-endian before the payload', () => {
  const bytes = frame(0x01020304, Buffer.from([9, 8]));
  assert.deepEqual(bytes, Buffer.from([0, 1, 2, 3, 4, 9, 8]));
  assert.deepEqual(unframe('t', bytes), { schemaId: 0x01020304, payload: Buffer.from([9, 8]) });
});

test('unframe rejects short input and a wrong magic byte with KST_SERDE_DESERIALIZE', () => {
  assert.throws(() => unframe('t', Buffer.from([0, 0, 0])), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE') && error.details['byteLength'] === 3);
  assert.throws(() => unframe('t', Buffer.from([1, 0, 0, 0, 1, 2])), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE') && error.details['magic'] === 1);
});

test('peekSchemaId and schemaIdsOf skip nulls and unframed bytes instead of throwing', () => {
  assert.equal(peekSchemaId(null), undefined);
  assert.equal(peekSchemaId(Buffer.from('{}')), undefined);
  assert.equal(peekSchemaId(frame(5, Buffer.alloc(0))), 5);
  const batch = [frame(3, Buffer.from([1])), null, frame(4, Buffer.alloc(0)), frame(3, Buffer.from([2])), Buffer.from('junk')];
  assert.deepEqual([...schemaIdsOf(batch)], [3, 4]);
});
