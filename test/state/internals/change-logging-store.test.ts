import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Stores } from '../../../state/stores.ts';
import { tempDir, testContext } from '../support.ts';

test('without a cache every write is appended to the changelog at once, deletes as tombstones', async () => {
  const dir = tempDir();
  const context = testContext(dir.path);
  const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('logged'), Serdes.String(), Serdes.String()).withCachingDisabled().build();
  await store.init(context);
  context.setTime(5_000);
  store.put('a', '1');
  store.put('a', '2');
  assert.equal(await store.delete('a'), '2');
  assert.equal(await store.putIfAbsent('b', '1'), undefined);
  assert.equal(await store.putIfAbsent('b', '9'), '1');
  assert.deepEqual(
    context.changelog.records.map(({ topic, partition, key, value, timestamp }) => ({ topic, partition, key, value, timestamp })),
    [
      { topic: 'app-logged-changelog', partition: 3, key: 'a', value: '1', timestamp: 5_000 },
      { topic: 'app-logged-changelog', partition: 3, key: 'a', value: '2', timestamp: 5_000 },
      { topic: 'app-logged-changelog', partition: 3, key: 'a', value: null, timestamp: 5_000 },
      { topic: 'app-logged-changelog', partition: 3, key: 'b', value: '1', timestamp: 5_000 },
    ],
  );
  await store.close();
  dir.remove();
});

test('a store built without logging writes nothing to the changelog and has no changelog topic', async () => {
  const dir = tempDir();
  const context = testContext(dir.path);
  const store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('quiet'), Serdes.String(), Serdes.String()).withLoggingDisabled().build();
  await store.init(context);
  store.put('a', '1');
  await store.flush();
  assert.deepEqual(context.changelog.records, []);
  assert.equal(store.changelogTopic, undefined);
  await store.close();
  dir.remove();
});

test('a timestamped store logs the plain value with the value timestamp, and restores the prefix', async () => {
  const dir = tempDir();
  const context = testContext(dir.path);
  const build = () => Stores.timestampedKeyValueStoreBuilder(Stores.persistentKeyValueStore('table'), Serdes.String(), Serdes.String()).build();
  const store = build();
  await store.init(context);
  store.put('order-1', { value: 'created', timestamp: 1_700_000_000_123 });
  store.put('order-2', { value: 'paid', timestamp: 42 });
  assert.deepEqual(await store.get('order-1'), { value: 'created', timestamp: 1_700_000_000_123 });
  await store.flush();
  assert.deepEqual(
    context.changelog.records.map(({ key, value, timestamp }) => ({ key, value, timestamp })),
    [
      { key: 'order-1', value: 'created', timestamp: 1_700_000_000_123 },
      { key: 'order-2', value: 'paid', timestamp: 42 },
    ],
  );
  await store.close();
  dir.remove();

  const restored = build();
  await restored.init(testContext(dir.path));
  await restored.restoreBatch(context.changelog.records.map((record) => ({ key: Buffer.from(record.key), value: record.valueBytes, timestamp: record.timestamp })));
  assert.deepEqual(await restored.get('order-1'), { value: 'created', timestamp: 1_700_000_000_123 });
  assert.deepEqual(await restored.get('order-2'), { value: 'paid', timestamp: 42 });
  await restored.close();
  dir.remove();
});
