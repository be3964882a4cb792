import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../../common/errors.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import { changeSerde } from '../../../../processors/dsl/graph/change-serde.ts';

test('a change round-trips with either side absent', () => {
  const serde = changeSerde(Serdes.String());
  for (const change of [{ newValue: 'new', oldValue: 'old' }, { newValue: 'new', oldValue: null }, { newValue: null, oldValue: 'old' }, { newValue: '', oldValue: '' }]) {
    assert.deepEqual(serde.deserialize('t', serde.serialize('t', change)), change);
  }
  assert.equal(serde.serialize('t', null), null);
  assert.equal(serde.deserialize('t', null), null);
});

test('an empty change cannot be written, and short bytes cannot be read', () => {
  const serde = changeSerde(Serdes.String());
  assert.throws(() => serde.serialize('t', { newValue: null, oldValue: null }), (error) => isKstError(error, 'KST_SERDE_SERIALIZE'));
  assert.throws(() => serde.deserialize('t', Buffer.from([1, 0])), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE'));
  assert.throws(() => serde.deserialize('t', Buffer.from([1, 0, 0, 0, 9, 65])), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE'));
});
