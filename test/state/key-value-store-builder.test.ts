import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isKstError } from '../../common/errors.ts';
import { Serdes } from '../../schemas/serdes/serdes.ts';
import { Stores } from '../../state/stores.ts';
import { tempDir, testContext } from './support.ts';

test('caching and logging are on by default; each with… returns a new builder', () => {
  const builder = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore('counts'), Serdes.String(), Serdes.Long());
  assert.equal(builder.name, 'counts');
  assert.equal(builder.cachingEnabled, true);
  assert.equal(builder.loggingEnabled, true);
  assert.deepEqual(builder.logConfig, {});
  const changed = builder.withCachingDisabled().withLoggingEnabled({ 'retention.ms': '1000' });
  assert.notEqual(changed, builder);
  assert.equal(builder.cachingEnabled, true, 'the original is unchanged');
  assert.equal(changed.cachingEnabled, false);
  assert.deepEqual(changed.logConfig, { 'retention.ms': '1000' });
  assert.equal(changed.withLoggingDisabled().loggingEnabled, false);
  assert.deepEqual(changed.withLoggingDisabled().logConfig, {});
});

test('build() makes a fresh store each time, one per task', async () => {
  const dir = tempDir();
  const builder = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('per-task'), Serdes.String(), Serdes.String());
  const one = builder.build();
  const two = builder.build();
  assert.notEqual(one, two);
  await one.init(testContext(dir.path, { taskId: '0_0', partition: 0 }));
  await two.init(testContext(dir.path, { taskId: '0_1', partition: 1 }));
  one.put('k', 'one');
  assert.equal(two.get('k'), undefined);
  assert.equal(one.persistent, false);
  await one.close();
  await two.close();
  dir.remove();
});

test('the persistent suppliers say so; store names must be usable as folder and topic names', () => {
  assert.equal(Stores.persistentKeyValueStore('a').get().persistent, true);
  assert.equal(Stores.levelKeyValueStore('a').get().persistent, true);
  assert.equal(Stores.inMemoryKeyValueStore('a').metricsScope, 'in-memory');
  for (const name of ['', '..', 'a/b', 'with space']) {
    assert.throws(() => Stores.inMemoryKeyValueStore(name), (error) => isKstError(error, 'KST_CONFIG_INVALID'), name);
  }
  assert.throws(() => Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('a'), Serdes.String(), Serdes.String()).withCachingEnabled({ maxBytes: -1 }), (error) => isKstError(error, 'KST_CONFIG_INVALID'));
});
