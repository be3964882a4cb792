import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { Serdes } from '../../schemas/serdes/serdes.ts';
import type { KeyValueBytesStore } from '../../state/api/bytes-store.ts';
import { Stores } from '../../state/stores.ts';
import { TaskStoreTransaction } from '../../state/task-store-transaction.ts';
import { collect, tempDir, testContext } from './support.ts';

const b = (text: string): Buffer => Buffer.from(text);
const text = (value: Buffer | undefined): string | undefined => value?.toString();

describe('TaskStoreTransaction over a RocksDB store', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  async function open(transaction?: TaskStoreTransaction): Promise<KeyValueBytesStore> {
    const store = Stores.persistentKeyValueStore('kv').get();
    await store.init({ ...testContext(dir.path), ...(transaction === undefined ? {} : { transaction }) });
    return store;
  }

  test('the store acknowledges the transaction; a task with a store that did not is not covered', async () => {
    const transaction = new TaskStoreTransaction();
    const store = await open(transaction);
    assert.equal(transaction.covers(['kv']), true);
    assert.equal(transaction.covers(['kv', 'user-backend']), false);
    await store.close();
  });

  test('writes before begin (restoration) reach disk on flush; after begin only a commit writes them', async () => {
    const transaction = new TaskStoreTransaction();
    let store = await open(transaction);
    await store.restoreBatch([{ key: b('restored'), value: b('r') }]);
    transaction.begin();
    store.put(b('a'), b('1'));
    await store.flush();
    // Staged: readable here, in gets and ranges, but not on disk.
    assert.equal(text(await store.get(b('a'))), '1');
    assert.deepEqual((await collect(store.range())).map((e) => e.key.toString()), ['a', 'restored']);
    await store.close();

    const reopened = new TaskStoreTransaction();
    store = await open(reopened);
    assert.equal(await store.get(b('a')), undefined, 'a write staged but never committed is not on disk');
    assert.equal(text(await store.get(b('restored'))), 'r');
    reopened.begin();
    store.put(b('a'), b('2'));
    await store.flush();
    await reopened.commit();
    await store.close();

    store = await open();
    assert.equal(text(await store.get(b('a'))), '2', 'a committed write is on disk');
    await store.close();
  });

  test('abort drops what was written and staged since the last commit; reads go back to the committed value', async () => {
    const transaction = new TaskStoreTransaction();
    const store = await open(transaction);
    transaction.begin();
    store.put(b('k'), b('committed'));
    await store.flush();
    await transaction.commit();
    store.put(b('k'), b('staged'));
    await store.flush();
    store.put(b('k'), b('pending'));
    store.put(b('gone'), null);
    assert.equal(text(await store.get(b('k'))), 'pending');
    transaction.abort();
    assert.equal(text(await store.get(b('k'))), 'committed');
    assert.deepEqual((await collect(store.range())).map((e) => `${e.key}=${e.value}`), ['k=committed']);
    await store.close();
  });

  test('writes made after the flush belong to the next transaction: a commit does not write them', async () => {
    const transaction = new TaskStoreTransaction();
    let store = await open(transaction);
    transaction.begin();
    store.put(b('first'), b('1'));
    await store.flush();
    store.put(b('second'), b('2'));
    await transaction.commit();
    await store.close();
    store = await open();
    assert.equal(text(await store.get(b('first'))), '1');
    assert.equal(await store.get(b('second')), undefined);
    await store.close();
  });
});

describe('TaskStoreTransaction over a RocksDB window store', () => {
  const RETENTION = 120_000;
  const SIZE = 10_000;
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.remove());

  async function open(transaction?: TaskStoreTransaction) {
    const store = Stores.windowStoreBuilder(Stores.persistentWindowStore('win', RETENTION, SIZE, false), Serdes.String(), Serdes.String()).withCachingDisabled().withLoggingDisabled().build();
    await store.init({ ...testContext(dir.path), ...(transaction === undefined ? {} : { transaction }) });
    return store;
  }
  const segments = (): string[] => readdirSync(join(dir.path, 'win')).sort();

  test('a segment expired by an uncommitted record stays on disk until the commit', async () => {
    const transaction = new TaskStoreTransaction();
    let store = await open(transaction);
    assert.equal(transaction.covers(['win']), true);
    transaction.begin();
    store.put('a', 'old', 0);
    await store.flush();
    await transaction.commit();
    assert.deepEqual(segments(), ['win.0']);
    // Stream time 180 000 expires segment 0 for reads at once …
    store.put('a', 'new', 180_000);
    await store.flush();
    assert.equal(await store.fetch('a', 0), undefined);
    // … but its folder goes only with the commit: here the transaction is lost instead.
    assert.ok(existsSync(join(dir.path, 'win', 'win.0')));
    transaction.abort();
    await store.close();

    // The next incarnation sees the committed state: the old window, and no empty segment of the aborted write.
    const next = new TaskStoreTransaction();
    store = await open(next);
    assert.deepEqual(segments(), ['win.0']);
    assert.equal(await store.fetch('a', 0), 'old');
    next.begin();
    store.put('a', 'new', 180_000);
    await store.flush();
    await next.commit();
    assert.deepEqual(segments(), ['win.180000']);
    await store.close();
  });
});
