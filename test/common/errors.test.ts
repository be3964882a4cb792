import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES, KstError, isKstError, type ErrorCode } from '../../common/errors.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

test('every error code is documented in docs/errors.md with its recovery, and the doc names no unknown code', () => {
  for (const [code, definition] of Object.entries(ERROR_CODES)) {
    assert.match(doc, new RegExp(`\\| \`${code}\` \\| ${definition.recovery} \\|`), `${code} is missing from docs/errors.md`);
  }
  const documented = [...doc.matchAll(/`(KST_[A-Z0-9_]+)`/g)].map((m) => m[1]);
  for (const code of documented) assert.ok(code !== undefined && code in ERROR_CODES, `docs/errors.md names unknown code ${code}`);
});

test('codes are prefixed, upper snake case and unique', () => {
  const codes = Object.keys(ERROR_CODES);
  for (const code of codes) assert.match(code, /^KST_[A-Z0-9]+(_[A-Z0-9]+)*$/);
  assert.equal(new Set(codes).size, codes.length);
});

test('a KstError carries its code, recovery and flags', () => {
  const error = new KstError('KST_KAFKA_PRODUCER_FENCED', 'fenced by epoch 4', { transactionalId: 't-1' });
  assert.equal(error.code, 'KST_KAFKA_PRODUCER_FENCED');
  assert.equal(error.recovery, 'rejoin');
  assert.equal(error.needsRejoin, true);
  assert.equal(error.canRetry, false);
  assert.equal(error.message, 'KST_KAFKA_PRODUCER_FENCED: fenced by epoch 4');
  assert.ok(isKstError(error, 'KST_KAFKA_PRODUCER_FENCED'));
  assert.ok(!isKstError(error, 'KST_CONFIG_INVALID'));
  assert.ok(!isKstError(new Error('plain')));
});

test('errors cross thread boundaries as data and come back equal', async () => {
  const cause = new TypeError('bad byte');
  const error = new KstError('KST_SERDE_DESERIALIZE', 'record 7 is not JSON', { topic: 'orders', offset: '7' }, { cause });
  const data = structuredClone(error.toData());
  const back = KstError.fromData(data);
  assert.equal(back.code, error.code);
  assert.equal(back.message, error.message);
  assert.deepEqual(back.details, error.details);
  assert.equal(back.stack, error.stack);
  assert.deepEqual(back.cause, { name: 'TypeError', message: 'bad byte', stack: cause.stack });
  const code: ErrorCode = back.code;
  assert.equal(code, 'KST_SERDE_DESERIALIZE');
});
