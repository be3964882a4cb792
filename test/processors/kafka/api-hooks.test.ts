import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kGetApi } from '@platformatic/kafka';
import { hookApis, wrapApi, type ApiCallback, type ApiFunction } from '../../../processors/kafka/api-hooks.ts';

/** A stand-in for a library client: `kGetApi` hands out APIs that record their arguments. */
function fakeClient(calls: unknown[][]): object {
  const api = (name: string): ApiFunction => Object.assign((_connection: unknown, ...rest: unknown[]) => {
    const callback = rest.pop() as ApiCallback;
    calls.push([name, ...rest]);
    callback(null, { name });
  }, { async: null, key: 1, version: 3 });
  return { [kGetApi]: (name: string, callback: ApiCallback) => callback(null, api(name)) };
}

const call = (client: object, name: string, ...args: unknown[]): Promise<unknown> => new Promise((resolve, reject) => {
  const getApi = (client as Record<symbol, (name: string, callback: ApiCallback) => void>)[kGetApi] as (name: string, callback: ApiCallback) => void;
  getApi(name, (error, api) => {
    if (error !== null) return reject(error);
    (api as ApiFunction)('connection', ...args, (e: Error | null, response?: unknown) => (e === null ? resolve(response) : reject(e)));
  });
});

test('hooked APIs can rewrite arguments or answer without a request; the others pass through untouched', async () => {
  const calls: unknown[][] = [];
  const client = fakeClient(calls);
  hookApis(client, {
    InitProducerId: (api) => wrapApi(api, (args, invoke, done) => invoke([args[0], 10_000, ...args.slice(2)], done)),
    LeaveGroup: (api) => wrapApi(api, (_args, _invoke, done) => done(null, { skipped: true })),
  });
  assert.deepEqual(await call(client, 'InitProducerId', 'txn-1', 30_000, -1n, -1), { name: 'InitProducerId' });
  assert.deepEqual(await call(client, 'LeaveGroup', 'group', [{ memberId: 'm' }]), { skipped: true });
  assert.deepEqual(await call(client, 'Metadata', ['topic']), { name: 'Metadata' });
  assert.deepEqual(calls, [['InitProducerId', 'txn-1', 10_000, -1n, -1], ['Metadata', ['topic']]]);
});

test('a wrapped API keeps the key and version the library dispatches on', () => {
  const api = Object.assign(() => undefined, { async: 'twin', key: 22, version: 5 }) as unknown as ApiFunction;
  const wrapped = wrapApi(api, (args, invoke, done) => invoke(args, done));
  assert.equal(wrapped.key, 22);
  assert.equal(wrapped.version, 5);
  assert.equal(wrapped.async, 'twin');
});
