/**
 * Queries of a store copy on a worker thread, without the worker: the client's proxies
 * (`RemoteThreadStores`) and the worker's `StoreServer` wired to each other as the
 * message port does, with structured clones in between.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../../common/errors.ts';
import type { KeyValue, StateStore } from '../../../../state/api/state-store.ts';
import type { ReadOnlyKeyValueStore } from '../../../../state/api/key-value-store.ts';
import type { LocalStoreInstance } from '../../../../processors/runtime/thread/thread-stores.ts';
import { RemoteThreadStores } from '../../../../processors/client/queries/remote-stores.ts';
import { PAGE_SIZE, StoreServer } from '../../../../processors/client/queries/store-server.ts';
import { requireShape } from '../../../../processors/client/queries/store-instances.ts';
import type { FromWorker, ToWorker } from '../../../../processors/client/worker-messages.ts';

/** A sorted in-memory key-value copy with the read methods of the key-value shape. */
function sortedStore(entries: ReadonlyArray<KeyValue<string, unknown>>): StateStore & ReadOnlyKeyValueStore<string, unknown> & { iteratorsOpen: number } {
  const sorted = [...entries].sort((a, b) => (a.key < b.key ? -1 : 1));
  const store = {
    name: 'counts',
    iteratorsOpen: 0,
    isOpen: () => true,
    get: (key: string) => sorted.find((e) => e.key === key)?.value,
    range(from?: string, to?: string) {
      return (async function* () {
        store.iteratorsOpen++;
        try {
          for (const e of sorted) if ((from === undefined || e.key >= from) && (to === undefined || e.key <= to)) yield e;
        } finally {
          store.iteratorsOpen--;
        }
      })();
    },
    all: () => store.range(),
    approximateNumEntries: async () => sorted.length,
  };
  return store as never;
}

function wired(instances: LocalStoreInstance[]) {
  let running = true;
  const sent: ToWorker[] = [];
  const client: { remote?: RemoteThreadStores } = {};
  // Both directions go through structuredClone, as postMessage does, and arrive later.
  const post = (message: FromWorker): void => {
    const copy = structuredClone(message);
    setImmediate(() => {
      if (copy.type === 'stores') client.remote?.update(copy.instances);
      if (copy.type === 'store-answer') client.remote?.answer(copy.requestId, copy.answer);
    });
  };
  const server = new StoreServer(['counts'], () => (running ? { instances: (name: string, standbys: boolean) => instances.filter((i) => i.storeName === name && (standbys || !i.standby)) } : undefined), post);
  const remote = new RemoteThreadStores((message) => {
    sent.push(message);
    const copy = structuredClone(message);
    setImmediate(() => {
      if (copy.type === 'store-call') void server.call(copy.requestId, copy.call);
      if (copy.type === 'store-next') void server.next(copy.requestId, copy.cursor);
      if (copy.type === 'store-close') server.close(copy.cursor);
    });
  });
  client.remote = remote;
  return { server, remote, sent, stopThread: () => (running = false) };
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('a worker\'s copies are listed with their shape; get and approximateNumEntries answer through messages; Buffers come back as Buffers', async () => {
  const store = sortedStore([{ key: 'a', value: 1 }, { key: 'b', value: Buffer.from('bytes') }]);
  const { server, remote } = wired([{ storeName: 'counts', taskId: '0_1', partition: 1, store, standby: false }, { storeName: 'counts', taskId: '0_2', partition: 2, store, standby: true }]);
  assert.deepEqual(remote.instances('counts', true), [], 'nothing until the worker lists its copies');
  server.publish();
  await settle();
  assert.deepEqual(remote.instances('counts', false).map((i) => [i.taskId, i.partition, i.standby]), [['0_1', 1, false]]);
  assert.deepEqual(remote.instances('counts', true).map((i) => i.taskId), ['0_1', '0_2']);
  const proxy = (remote.instances('counts', false)[0] as LocalStoreInstance).store;
  requireShape(proxy, 'keyValue', 'counts');
  assert.throws(() => requireShape(proxy, 'window', 'counts'), (e: unknown) => isKstError(e, 'KST_STREAMS_STORE_TYPE_MISMATCH'));
  const kv = proxy as unknown as ReadOnlyKeyValueStore<string, unknown>;
  assert.equal(await kv.get('a'), 1);
  assert.equal(await kv.get('zz'), undefined);
  const bytes = await kv.get('b');
  assert.ok(Buffer.isBuffer(bytes) && bytes.toString() === 'bytes');
  assert.equal(await kv.approximateNumEntries(), 2);
});

test('ranges come in pages as the caller iterates; a caller that stops early ends the range on the worker', async () => {
  const entries = Array.from({ length: PAGE_SIZE * 2 + 500 }, (_, i) => ({ key: `k${String(i).padStart(5, '0')}`, value: i }));
  const store = sortedStore(entries);
  const { server, remote, sent } = wired([{ storeName: 'counts', taskId: '0_0', partition: 0, store, standby: false }]);
  server.publish();
  await settle();
  const kv = (remote.instances('counts', false)[0] as LocalStoreInstance).store as unknown as ReadOnlyKeyValueStore<string, number>;
  const all: Array<KeyValue<string, number>> = [];
  for await (const entry of kv.all()) all.push(entry);
  assert.deepEqual(all, entries);
  assert.deepEqual(sent.map((m) => m.type), ['store-call', 'store-next', 'store-next'], 'one call, then a request per further page');
  assert.equal(store.iteratorsOpen, 0);

  sent.length = 0;
  let seen = 0;
  for await (const _ of kv.range('k00010')) if (++seen === PAGE_SIZE + 3) break;
  await settle();
  await settle();
  assert.deepEqual(sent.map((m) => m.type), ['store-call', 'store-next', 'store-close']);
  assert.equal(store.iteratorsOpen, 0, 'the worker closed its iterator');
});

test('a copy that went away, or a worker that stopped, gives the retriable KST_STREAMS_STORE_UNAVAILABLE', async () => {
  const store = sortedStore([{ key: 'a', value: 1 }]);
  const { server, remote, stopThread } = wired([{ storeName: 'counts', taskId: '0_0', partition: 0, store, standby: false }]);
  server.publish();
  await settle();
  const kv = (remote.instances('counts', false)[0] as LocalStoreInstance).store as unknown as ReadOnlyKeyValueStore<string, number>;
  stopThread();
  await assert.rejects(Promise.resolve(kv.get('a')), (e: unknown) => isKstError(e, 'KST_STORE_NOT_OPEN'), 'the views turn this into KST_STREAMS_STORE_UNAVAILABLE (guarded)');
  server.publish();
  await settle();
  assert.deepEqual(remote.instances('counts', true), [], 'the thread lists nothing while it has no stores');
  const pending = kv.get('a');
  remote.stop();
  await assert.rejects(Promise.resolve(pending), (e: unknown) => isKstError(e, 'KST_STREAMS_STORE_UNAVAILABLE'));
  await assert.rejects(Promise.resolve(kv.get('a')), (e: unknown) => isKstError(e, 'KST_STREAMS_STORE_UNAVAILABLE'));
});
