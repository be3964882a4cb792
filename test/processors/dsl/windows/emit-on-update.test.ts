/**
 * By default a windowed aggregation sends every update: at once with caching off, and
 * through the window store's cache with caching on (the default), which the driver
 * flushes at each commit: after every record, or when the test commits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimestampedWindowStore } from '../../../../state/api/window-store.ts';
import { Materialized, Produced, SessionWindows, TimeWindows, type DslStoreType } from '../../../../processors/dsl/index.ts';
import { L, builder, driverOf, pipe, readSessions, readTimeWindowed } from './support.ts';

for (const storeType of ['in_memory', 'rocksdb'] as const satisfies readonly DslStoreType[]) {
  test(`caching on, commit after every record: every update leaves (${storeType} store)`, async () => {
    const b = builder();
    b.stream<string, string>('input').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
      .count(Materialized.as<string, number>('cached-counts').withStoreType(storeType).withRetention(1000))
      .toStream().to('output', Produced.valueSerde(L));
    const driver = driverOf(b);
    try {
      await pipe(driver, [['a', 'x', 1], ['a', 'x', 2], ['b', 'x', 3], ['a', 'x', 11]]);
      assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[0,10)=1', 'a@[0,10)=2', 'b@[0,10)=1', 'a@[10,20)=1']);
      const store = driver.getStateStore<TimestampedWindowStore<string, number>>('cached-counts');
      assert.deepEqual(await store.fetch('a', 0), { value: 2, timestamp: 2 });
    } finally {
      await driver.close();
    }
  });
}

test('caching on, commits apart: the updates of a window between commits leave as one record', async () => {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
    .count().toStream().to('output', Produced.valueSerde(L));
  const driver = driverOf(b, false);
  try {
    await pipe(driver, [['a', 'x', 1], ['a', 'x', 2], ['a', 'x', 3], ['a', 'x', 12]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), []);
    await driver.advanceWallClockTime(100);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[0,10)=3', 'a@[10,20)=1']);
  } finally {
    await driver.close();
  }
});

test('caching off: every update leaves at once, even between commits', async () => {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
    .count(Materialized.as<string, number>('uncached').withCachingDisabled())
    .toStream().to('output', Produced.valueSerde(L));
  const driver = driverOf(b, false);
  try {
    await pipe(driver, [['a', 'x', 1], ['a', 'x', 2]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[0,10)=1', 'a@[0,10)=2']);
  } finally {
    await driver.close();
  }
});

test('sessions through the cache: a merge between commits leaves as one tombstone and the merged session', async () => {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(SessionWindows.ofInactivityGapWithNoGrace(5))
    .count().toStream().to('output', Produced.valueSerde(L));
  const driver = driverOf(b, false);
  try {
    await pipe(driver, [['a', 'x', 0], ['a', 'x', 4]]);
    await driver.advanceWallClockTime(100);
    // The cache saw [0,0] written and removed before the commit. Kafka's caching session
    // store drops such an entry (absent before and after); this cache sends its tombstone.
    assert.deepEqual(readSessions(driver, 'output', L), ['a@[0,0]=null', 'a@[0,4]=2']);
  } finally {
    await driver.close();
  }
});
