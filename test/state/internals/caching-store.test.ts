import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { KeyValueBytesStoreSupplier } from '../../../state/api/bytes-store.ts';
import type { CacheFlushEntry } from '../../../state/api/timestamped.ts';
import type { MeteredKeyValueStore } from '../../../state/internals/metered-store.ts';
import { Stores } from '../../../state/stores.ts';
import { collect, tempDir, testContext, type TestContext } from '../support.ts';

type Store = MeteredKeyValueStore<string, string>;

const BACKENDS: ReadonlyArray<readonly [string, (name: string) => KeyValueBytesStoreSupplier]> = [
  ['in-memory', Stores.inMemoryKeyValueStore],
  ['rocksdb', Stores.persistentKeyValueStore],
  ['level', Stores.levelKeyValueStore],
];

for (const [backend, supplier] of BACKENDS) {
  describe(`caching layer over ${backend}`, () => {
    let dir: ReturnType<typeof tempDir>;
    let context: TestContext;
    let store: Store;
    let flushed: Array<CacheFlushEntry<string, string>>;

    const open = async (maxBytes?: number, sendOldValues = true): Promise<Store> => {
      const built = Stores.keyValueStoreBuilder(supplier('cached'), Serdes.String(), Serdes.String())
        .withCachingEnabled(maxBytes === undefined ? {} : { maxBytes })
        .build();
      await built.init(context);
      assert.equal(built.setFlushListener((entries) => {
        flushed.push(...entries);
      }, sendOldValues), true);
      return built;
    };

    beforeEach(async () => {
      dir = tempDir();
      context = testContext(dir.path);
      flushed = [];
      store = await open();
    });
    afterEach(async () => {
      if (store.isOpen()) await store.close();
      dir.remove();
    });

    test('many updates of one key between flushes leave as one entry and one changelog record, with the last writer\'s headers', async () => {
      for (let i = 0; i < 100; i++) {
        context.setTime(2_000 + i);
        context.setHeaders([['n', Buffer.from(String(i))]]);
        store.put('k', String(i));
      }
      assert.deepEqual(context.changelog.records, [], 'nothing reaches the changelog before the flush');
      assert.deepEqual(flushed, []);
      await store.flush();
      assert.deepEqual(context.changelog.records.map(({ topic, partition, key, value, timestamp }) => ({ topic, partition, key, value, timestamp })), [
        { topic: 'app-cached-changelog', partition: 3, key: 'k', value: '99', timestamp: 2_099 },
      ]);
      assert.deepEqual(flushed, [{ key: 'k', newValue: '99', oldValue: undefined, timestamp: 2_099, headers: [['n', Buffer.from('99')]] }]);
      await store.flush();
      assert.equal(context.changelog.records.length, 1, 'a second flush with nothing dirty writes nothing');
    });

    test('flush listener entries carry the value before the first change since the last flush', async () => {
      store.put('a', '1');
      store.put('b', '1');
      await store.flush();
      store.put('a', '2');
      store.put('a', '3');
      assert.equal(await store.delete('b'), '1');
      store.put('c', 'new');
      await store.flush();
      assert.deepEqual(flushed.slice(2).map(({ key, newValue, oldValue }) => ({ key, newValue, oldValue })), [
        { key: 'a', newValue: '3', oldValue: '1' },
        { key: 'b', newValue: undefined, oldValue: '1' },
        { key: 'c', newValue: 'new', oldValue: undefined },
      ]);
      assert.deepEqual(context.changelog.records.slice(2).map(({ key, value }) => ({ key, value })), [
        { key: 'a', value: '3' },
        { key: 'b', value: null },
        { key: 'c', value: 'new' },
      ]);
    });

    test('old values of keys not in the cache are read from below at flush', async () => {
      store.put('a', 'on-disk');
      await store.flush();
      await store.close();
      if (backend === 'in-memory') return; // nothing survives close
      flushed = [];
      store = await open();
      store.put('a', 'changed');
      await store.flush();
      assert.deepEqual(flushed.map(({ key, newValue, oldValue }) => ({ key, newValue, oldValue })), [{ key: 'a', newValue: 'changed', oldValue: 'on-disk' }]);
    });

    test('without old values the listener gets none', async () => {
      await store.close();
      store = await open(undefined, false);
      store.put('a', '1');
      await store.flush();
      store.put('a', '2');
      await store.flush();
      assert.deepEqual(flushed.map((entry) => entry.oldValue), [undefined, undefined]);
    });

    test('a small cache evicts: dirty entries go down, to the changelog and the listener, before the flush', async () => {
      await store.close();
      store = await open(1_000, false);
      for (let i = 0; i < 40; i++) store.put(`key-${String(i).padStart(2, '0')}`, `value-${i}`);
      const evicted = context.changelog.records.length;
      assert.ok(evicted > 0 && evicted < 40, `evicted ${evicted} of 40 before the flush`);
      assert.equal(flushed.length, evicted);
      assert.equal(context.changelog.records[0]?.key, 'key-00', 'least recently used first');
      for (let i = 0; i < 40; i++) assert.equal(await store.get(`key-${String(i).padStart(2, '0')}`), `value-${i}`);
      await store.flush();
      assert.equal(context.changelog.records.length, 40, 'each key reaches the changelog once');
      assert.equal(new Set(context.changelog.records.map((record) => record.key)).size, 40);
      assert.equal((await collect(store.all())).length, 40);
    });

    test('evicted entries carry old values; one whose old value needs a disk read waits for it', async () => {
      await store.close();
      store = await open(1_000, true);
      const key = (i: number): string => `key-${String(i).padStart(2, '0')}`;
      for (let i = 0; i < 20; i++) store.put(key(i), `old-${i}`);
      await store.flush();
      flushed = [];
      for (let i = 0; i < 20; i++) store.put(key(i), `new-${i}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      store.put('trigger', 'x');
      assert.ok(flushed.length > 0, 'entries were evicted');
      for (const entry of flushed) assert.equal(entry.oldValue, entry.newValue?.replace('new', 'old'));
      await store.flush();
      const byKey = new Map(flushed.map((entry) => [entry.key, entry]));
      for (let i = 0; i < 20; i++) assert.equal(byKey.get(key(i))?.oldValue, `old-${i}`);
    });

    test('a read touches an entry, so the least recently used one is evicted first', async () => {
      await store.close();
      store = await open(350, false);
      store.put('a', '1');
      store.put('b', '2');
      await store.get('a');
      store.put('c', '3');
      store.put('d', '4');
      assert.deepEqual(context.changelog.records.map((record) => record.key), ['b']);
    });

    test('reads that went to disk and prefetched keys are cached; cached reads are synchronous', async () => {
      store.put('a', '1');
      await store.flush();
      await store.close();
      store = await open();
      const first = store.get('a');
      assert.equal(await first, backend === 'in-memory' ? undefined : '1');
      const second = store.get('a');
      assert.ok(!(second instanceof Promise));
    });
  });
}

test('flush waits for a flush listener that answers with a promise', async () => {
  const dir = tempDir();
  try {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('slow'), Serdes.String(), Serdes.String()).withCachingEnabled().build();
    await store.init(testContext(dir.path));
    const events: string[] = [];
    store.setFlushListener(async (entries) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      events.push(`emitted ${entries.map((entry) => entry.key).join(',')}`);
    }, false);
    store.put('a', '1');
    await store.flush();
    events.push('flushed');
    assert.deepEqual(events, ['emitted a', 'flushed']);
    await store.close();
  } finally {
    dir.remove();
  }
});

test('setFlushListener says false when the store has no cache', async () => {
  const dir = tempDir();
  const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('plain'), Serdes.String(), Serdes.String()).withCachingDisabled().build();
  await store.init(testContext(dir.path));
  assert.equal(store.setFlushListener(() => undefined, true), false);
  await store.close();
  dir.remove();
});

test('the flush forwards dirty entries in the order of their last write, across many rewrites', async () => {
  const dir = tempDir();
  try {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('order'), Serdes.String(), Serdes.Long()).build();
    await store.init(testContext(dir.path));
    const flushed: Array<CacheFlushEntry<string, number>> = [];
    store.setFlushListener((entries) => void flushed.push(...entries), true);
    // Enough rewrites of few keys that superseded slots are compacted away more than once.
    for (let i = 0; i < 5_000; i++) store.put(`k${i % 7}`, i);
    store.put('k3', -1);
    await store.flush();
    assert.deepEqual(flushed.map((entry) => entry.key), ['k2', 'k4', 'k5', 'k6', 'k0', 'k1', 'k3']);
    assert.deepEqual(flushed.map((entry) => entry.newValue), [4993, 4995, 4996, 4997, 4998, 4999, -1]);
    await store.close();
  } finally {
    dir.remove();
  }
});

test('a write the flush listener causes is flushed the next time, with the flushed value as its old value', async () => {
  const dir = tempDir();
  try {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('rewrite'), Serdes.String(), Serdes.String()).build();
    await store.init(testContext(dir.path));
    const flushed: Array<CacheFlushEntry<string, string>> = [];
    store.setFlushListener((entries) => {
      flushed.push(...entries);
      if (flushed.length === 1) store.put('a', '2');
    }, true);
    store.put('a', '1');
    await store.flush();
    await store.flush();
    assert.deepEqual(flushed.map((entry) => [entry.newValue, entry.oldValue]), [['1', undefined], ['2', '1']]);
    assert.equal(await store.get('a'), '2');
    await store.close();
  } finally {
    dir.remove();
  }
});

test('prefetched keys, repeated in a batch or not, read and write their own entries', async () => {
  const dir = tempDir();
  try {
    const store = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('batch'), Serdes.String(), Serdes.Long()).build();
    await store.init(testContext(dir.path));
    store.put('a', 1);
    await store.flush();
    const batch = ['a', 'b', 'a', 'c', 'b'];
    await store.prefetch(batch);
    for (const key of batch) {
      const current = store.get(key);
      assert.ok(!(current instanceof Promise), `${key} was prefetched`);
      store.put(key, (current ?? 0) + 1);
    }
    assert.deepEqual([store.get('a'), store.get('b'), store.get('c')], [3, 2, 1]);
    await store.close();
  } finally {
    dir.remove();
  }
});

test('object keys are serialized on every call, so one mutated between a get and a put writes its new self', async () => {
  const dir = tempDir();
  try {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('objects'), Serdes.JSON<{ id: number }>(), Serdes.String()).build();
    await store.init(testContext(dir.path));
    const key = { id: 1 };
    store.get(key);
    key.id = 2;
    store.put(key, 'two');
    assert.equal(store.get({ id: 1 }), undefined);
    assert.equal(store.get({ id: 2 }), 'two');
    await store.close();
  } finally {
    dir.remove();
  }
});

test('numeric keys 0 and -0, equal to ===, stay apart when their serde tells them apart', async () => {
  const dir = tempDir();
  try {
    const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('zeros'), Serdes.Double(), Serdes.String()).build();
    await store.init(testContext(dir.path));
    await store.prefetch([0, -0]);
    store.put(0, 'plus');
    store.put(-0, 'minus');
    assert.deepEqual([store.get(0), store.get(-0)], ['plus', 'minus']);
    await store.close();
  } finally {
    dir.remove();
  }
});

test('stores sharing a thread budget: a busy store uses what an idle one leaves, and evicts from itself when the total is over', async () => {
  const { CacheBudget } = await import('../../../state/internals/cache-budget.ts');
  const dir = tempDir();
  try {
    const budget = new CacheBudget(20_000);
    const open = async (name: string) => {
      const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.String()).build();
      await store.init({ ...testContext(dir.path), cacheBudget: budget });
      const flushed: string[] = [];
      store.setFlushListener((entries) => void flushed.push(...entries.map((entry) => entry.key)), false);
      return { store, flushed };
    };
    const busy = await open('busy');
    const idle = await open('idle');
    idle.store.put('one', 'x');
    // About 130 bytes per entry: 100 entries stay well below the shared 20 KB, far above an even split.
    for (let i = 0; i < 100; i++) busy.store.put(`k${i}`, 'v'.repeat(20));
    assert.deepEqual(busy.flushed, [], 'nothing evicted while the thread total is below the bound');
    assert.ok(budget.usedBytes > 10_000 && budget.usedBytes <= 20_000, `${budget.usedBytes}`);
    for (let i = 100; i < 200; i++) busy.store.put(`k${i}`, 'v'.repeat(20));
    assert.ok(busy.flushed.length > 0, 'over the bound the store being written evicts (and forwards) its oldest dirty keys');
    assert.equal(busy.flushed[0], 'k0');
    assert.deepEqual(idle.flushed, [], 'the other store keeps its entries');
    assert.ok(budget.usedBytes <= 20_000);
    await busy.store.close();
    await idle.store.close();
    assert.equal(budget.usedBytes, 0, 'closed stores give their bytes back');
  } finally {
    dir.remove();
  }
});
