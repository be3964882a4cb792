import { test } from 'node:test';
import assert from 'node:assert/strict';

import { isKstError } from '../../common/errors.ts';
import { Serdes } from '../../schemas/serdes/serdes.ts';
import { Stores } from '../../state/stores.ts';
import { collect, tempDir, testContext } from './support.ts';

const DAY = 86_400_000;

test('windowed changelogs are compact,delete and kept a day past retention; user configs win', () => {
  const builder = Stores.windowStoreBuilder(Stores.persistentWindowStore('w', 3_600_000, 60_000, false), Serdes.String(), Serdes.Long());
  assert.deepEqual(builder.logConfig, { 'cleanup.policy': 'compact,delete', 'retention.ms': String(3_600_000 + DAY) });
  assert.deepEqual(builder.withLoggingEnabled({ 'min.insync.replicas': '2', 'retention.ms': '5' }).logConfig, { 'cleanup.policy': 'compact,delete', 'retention.ms': '5', 'min.insync.replicas': '2' });
  assert.deepEqual(builder.withLoggingDisabled().logConfig, {});
  assert.equal(builder.withLoggingDisabled().loggingEnabled, false);
  const sessions = Stores.sessionStoreBuilder(Stores.inMemorySessionStore('s', 1_000), Serdes.String(), Serdes.Long());
  assert.deepEqual(sessions.logConfig, { 'cleanup.policy': 'compact,delete', 'retention.ms': String(1_000 + DAY) });
});

test('segment interval is max(retention / 2, 60 s); a store retaining duplicates is never cached', () => {
  assert.equal(Stores.persistentWindowStore('w', 3_600_000, 60_000, false).segmentIntervalMs, 1_800_000);
  assert.equal(Stores.inMemoryWindowStore('w', 60_000, 1_000, false).segmentIntervalMs, 60_000);
  assert.equal(Stores.persistentSessionStore('s', 0).segmentIntervalMs, 60_000);
  const joins = Stores.windowStoreBuilder(Stores.inMemoryWindowStore('join', 10_000, 10_000, true), Serdes.String(), Serdes.String()).withCachingEnabled();
  assert.equal(joins.cachingEnabled, false);
  assert.equal(joins.retainDuplicates, true);
});

test('durations and names are checked when the supplier is made', () => {
  const invalid = (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID');
  assert.throws(() => Stores.persistentWindowStore('w', 1_000, 2_000, false), invalid);
  assert.throws(() => Stores.persistentWindowStore('w', 1_000, 0, false), invalid);
  assert.throws(() => Stores.inMemoryWindowStore('w', 1.5, 1, false), invalid);
  assert.throws(() => Stores.inMemorySessionStore('s', -1), invalid);
  assert.throws(() => Stores.persistentSessionStore('../s', 1_000), invalid);
});

test('a timestamped window store logs the plain value with its timestamp and restores the prefix', async () => {
  const dir = tempDir();
  const context = testContext(dir.path);
  const build = () => Stores.timestampedWindowStoreBuilder(Stores.persistentWindowStore('tw', 120_000, 10_000, false), Serdes.String(), Serdes.String()).withCachingDisabled().build();
  const store = build();
  assert.equal(Stores.timestampedWindowStoreBuilder(Stores.persistentWindowStore('tw', 120_000, 10_000, false), Serdes.String(), Serdes.String()).timestamped, true);
  await store.init(context);
  store.put('k', { value: 'v', timestamp: 12_345 }, 10_000);
  const [record] = context.changelog.records;
  assert.equal(record?.value, 'v');
  assert.equal(record?.timestamp, 12_345);
  await store.close();
  dir.remove();

  const restored = build();
  const freshDir = tempDir();
  const fresh = testContext(freshDir.path);
  await restored.init(fresh);
  await restored.restoreBatch(context.changelog.records.map((r) => ({ key: r.keyBytes, value: r.valueBytes, timestamp: r.timestamp })));
  assert.deepEqual(await restored.fetch('k', 10_000), { value: 'v', timestamp: 12_345 });
  assert.deepEqual(await collect(restored.fetchRange('k', 0, 20_000)), [{ key: 10_000, value: { value: 'v', timestamp: 12_345 } }]);
  await restored.close();
  freshDir.remove();
});
