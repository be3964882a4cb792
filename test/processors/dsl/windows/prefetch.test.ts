/**
 * The hot path: the task prefetches a batch's keys with the batch's time span, the DSL's
 * window stores widen it to the windows those records read, and the aggregation's reads
 * then answer synchronously, even from RocksDB.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimestampedWindowStore } from '../../../../state/api/window-store.ts';
import { Materialized, Produced, TimeWindows } from '../../../../processors/dsl/index.ts';
import { L, builder, driverOf, pipe, readTimeWindowed } from './support.ts';

test('hopping windows on RocksDB: every window read of a record is answered from the prefetch', async () => {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5))
    .count(Materialized.as<string, number>('disk-counts').withStoreType('rocksdb').withCachingDisabled())
    .toStream().to('output', Produced.valueSerde(L));
  const driver = driverOf(b);
  try {
    await driver.ready();
    const store = driver.getStateStore<TimestampedWindowStore<string, number>>('disk-counts');
    const fetch = store.fetch.bind(store);
    const answers: boolean[] = [];
    store.fetch = (key, start) => {
      const result = fetch(key, start);
      answers.push(result instanceof Promise);
      return result;
    };
    await pipe(driver, [['a', 'x', 3], ['a', 'x', 7], ['b', 'x', 8], ['a', 'x', 12]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), [
      'a@[0,10)=1', 'a@[0,10)=2', 'a@[5,15)=1', 'b@[0,10)=1', 'b@[5,15)=1', 'a@[5,15)=2', 'a@[10,20)=1',
    ]);
    assert.equal(answers.length, 7);
    assert.deepEqual(answers.filter((isPromise) => isPromise), [], 'no window read waited for the disk');
  } finally {
    await driver.close();
  }
});
