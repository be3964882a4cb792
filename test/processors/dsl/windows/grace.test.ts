/**
 * Grace and late records: a window accepts records until stream time (the largest
 * timestamp the task has seen) reaches its end plus grace; later records for it are
 * dropped, logged at debug and counted in `kstreams_dropped_records_total`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TimestampedWindowStore } from '../../../../state/api/window-store.ts';
import { register, type Counter } from 'prom-client';
import { Materialized, Named, Produced, TimeWindows } from '../../../../processors/dsl/index.ts';
import { L, builder, driverOf, pipe, readTimeWindowed } from './support.ts';

async function dropped(processor: string, reason = 'expired-window'): Promise<number> {
  const metric = register.getSingleMetric('kstreams_dropped_records_total') as Counter | undefined;
  if (metric === undefined) return 0;
  const values = (await metric.get()).values.filter((v) => v.labels['processor'] === processor && v.labels['reason'] === reason);
  return values.reduce((sum, v) => sum + v.value, 0);
}

function countPerWindow(name: string, windows: TimeWindows) {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(windows)
    .count(Named.as(name), Materialized.as<string, number>(`${name}-store`).withCachingDisabled())
    .toStream().to('output', Produced.valueSerde(L));
  return driverOf(b);
}

test('out-of-order records within grace update the window they belong to', async () => {
  const driver = countPerWindow('grace-in-order', TimeWindows.ofSizeAndGrace(10, 5));
  try {
    // Stream time 12: [0,10) closes at 10 + 5 = 15, so the record at 8 still counts.
    await pipe(driver, [['a', 'x', 2], ['a', 'x', 12], ['a', 'x', 8], ['a', 'x', 14], ['a', 'x', 3]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[0,10)=1', 'a@[10,20)=1', 'a@[0,10)=2', 'a@[10,20)=2', 'a@[0,10)=3']);
    assert.equal(await dropped('grace-in-order'), 0);
  } finally {
    await driver.close();
  }
});

test('a record is dropped once its window end plus grace is at or before stream time, and counted', async () => {
  const driver = countPerWindow('grace-late', TimeWindows.ofSizeAndGrace(10, 5));
  try {
    // Stream time 15 = end 10 + grace 5: [0,10) is closed, the record at 9 is dropped.
    await pipe(driver, [['a', 'x', 1], ['a', 'x', 15], ['a', 'x', 9], ['b', 'x', 0]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[0,10)=1', 'a@[10,20)=1']);
    assert.equal(await dropped('grace-late'), 2);
    const store = driver.getStateStore<TimestampedWindowStore<string, number>>('grace-late-store');
    assert.deepEqual(await store.fetch('a', 0), { value: 1, timestamp: 1 });
  } finally {
    await driver.close();
  }
});

test('without grace a window closes at its end: a record at the end of stream time for an earlier window is late', async () => {
  const driver = countPerWindow('no-grace', TimeWindows.ofSizeWithNoGrace(10));
  try {
    await pipe(driver, [['a', 'x', 5], ['a', 'x', 10], ['a', 'x', 9]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[0,10)=1', 'a@[10,20)=1']);
    assert.equal(await dropped('no-grace'), 1);
  } finally {
    await driver.close();
  }
});

test('hopping windows drop per closed window: a late record still counts in the windows that are open', async () => {
  const driver = countPerWindow('hop-late', TimeWindows.ofSizeWithNoGrace(10).advanceBy(5));
  try {
    // Stream time 12: [0,10) is closed, [5,15) is open; the record at 7 falls in both.
    await pipe(driver, [['a', 'x', 12], ['a', 'x', 7]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[5,15)=1', 'a@[10,20)=1', 'a@[5,15)=2']);
    assert.equal(await dropped('hop-late'), 1);
  } finally {
    await driver.close();
  }
});

test('records without key or value are dropped and counted by reason', async () => {
  const driver = countPerWindow('null-drops', TimeWindows.ofSizeWithNoGrace(10));
  try {
    const input = driver.createInputTopic('input', L, L);
    await input.pipeInput(null, 1, 1);
    await input.pipeInput(7, null, 2);
    assert.equal(await dropped('null-drops', 'null-key'), 1);
    assert.equal(await dropped('null-drops', 'null-value'), 1);
  } finally {
    await driver.close();
  }
});
