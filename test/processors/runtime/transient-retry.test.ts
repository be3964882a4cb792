import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError } from '../../../common/errors.ts';
import { retryTransient } from '../../../processors/runtime/transient-retry.ts';

const transient = (): KstError => new KstError('KST_KAFKA_CONNECTION', 'fetching records failed: connection refused');

test('retryTransient rides out transient failures and logs each retry', async () => {
  const lines: string[] = [];
  let calls = 0;
  const value = await retryTransient(async () => {
    calls++;
    if (calls < 3) throw transient();
    return 'done';
  }, { maxMs: 5_000, backoffMs: 1, what: 'fetching', log: (line) => lines.push(line) });
  assert.equal(value, 'done');
  assert.equal(calls, 3);
  assert.equal(lines.length, 2);
  assert.match(lines[0] ?? '', /^fetching failed \(attempt 1\), retrying: KST_KAFKA_CONNECTION/);
});

test('retryTransient throws at once what cannot be retried', async () => {
  let calls = 0;
  const fatal = new KstError('KST_CONFIG_INVALID', 'bad', { key: 'x' });
  await assert.rejects(retryTransient(async () => {
    calls++;
    throw fatal;
  }, { maxMs: 5_000, backoffMs: 1, what: 'x', log: () => undefined }), (error) => error === fatal);
  assert.equal(calls, 1);
  await assert.rejects(retryTransient(async () => {
    throw new Error('plain');
  }, { maxMs: 5_000, backoffMs: 1, what: 'x', log: () => undefined }), /plain/);
});

test('retryTransient gives up past maxMs, and when its signal aborts', async () => {
  let calls = 0;
  await assert.rejects(retryTransient(async () => {
    calls++;
    throw transient();
  }, { maxMs: 30, backoffMs: 5, what: 'x', log: () => undefined }), /KST_KAFKA_CONNECTION/);
  assert.ok(calls >= 2, `retried until the bound (${calls} calls)`);
  const controller = new AbortController();
  controller.abort(new Error('closing'));
  await assert.rejects(retryTransient(async () => {
    throw transient();
  }, { maxMs: 5_000, backoffMs: 1, what: 'x', log: () => undefined, signal: controller.signal }), /closing/);
});
