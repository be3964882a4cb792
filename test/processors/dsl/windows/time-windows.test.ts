/** Tumbling and hopping windows: Kafka's window boundaries, pure and end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../../common/errors.ts';
import { Materialized, Produced, SessionWindows, SlidingWindows, TimeWindows, WindowedSerdes } from '../../../../processors/dsl/index.ts';
import { L, S, builder, driverOf, pipe, readTimeWindowed } from './support.ts';

const starts = (windows: TimeWindows, t: number) => windows.windowsFor(t).map((w) => `[${w.start},${w.end})`);

test('tumbling windows: a record at t is in [t - t % size, +size); start inclusive, end exclusive', () => {
  const windows = TimeWindows.ofSizeWithNoGrace(10);
  assert.deepEqual(starts(windows, 0), ['[0,10)']);
  assert.deepEqual(starts(windows, 9), ['[0,10)']);
  assert.deepEqual(starts(windows, 10), ['[10,20)']);
  assert.deepEqual(starts(windows, 1_700_000_000_005), ['[1700000000000,1700000000010)']);
  assert.equal(windows.advanceMs, 10);
  assert.equal(windows.graceMs, 0);
});

test('hopping windows: starts are multiples of the advance from the epoch; none before 0', () => {
  const windows = TimeWindows.ofSizeAndGrace(10, 5).advanceBy(5);
  assert.deepEqual(starts(windows, 0), ['[0,10)']);
  assert.deepEqual(starts(windows, 4), ['[0,10)']);
  assert.deepEqual(starts(windows, 5), ['[0,10)', '[5,15)']);
  assert.deepEqual(starts(windows, 10), ['[5,15)', '[10,20)']);
  assert.deepEqual(starts(windows, 14), ['[5,15)', '[10,20)']);
  assert.deepEqual(starts(TimeWindows.ofSizeWithNoGrace(10).advanceBy(3), 10), ['[3,13)', '[6,16)', '[9,19)']);
});

test('invalid windows fail with KST_TOPOLOGY_WINDOW_INVALID', () => {
  const invalid = (make: () => unknown) => assert.throws(make, (error) => isKstError(error, 'KST_TOPOLOGY_WINDOW_INVALID'));
  invalid(() => TimeWindows.ofSizeWithNoGrace(0));
  invalid(() => TimeWindows.ofSizeAndGrace(10, -1));
  invalid(() => TimeWindows.ofSizeWithNoGrace(1.5));
  invalid(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(11));
  invalid(() => TimeWindows.ofSizeWithNoGrace(10).advanceBy(0));
  invalid(() => SlidingWindows.ofTimeDifferenceWithNoGrace(0));
  invalid(() => SessionWindows.ofInactivityGapAndGrace(5, -2));
  // Kafka: retention must cover the window size plus grace.
  invalid(() => builder().stream<string, string>('input').groupByKey().windowedBy(TimeWindows.ofSizeAndGrace(10, 5)).count(Materialized.as<string, number>('short').withRetention(14)));
});

test('tumbling count end to end: records exactly at a window end start the next window', async () => {
  const b = builder();
  b.stream<string, string>('input').groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(10))
    .count(Materialized.as<string, number>('counts').withCachingDisabled())
    .toStream().to('output', Produced.with(WindowedSerdes.timeWindowedSerdeFrom(S, 10), L));
  const driver = driverOf(b);
  try {
    await pipe(driver, [['a', 'x', 0], ['a', 'x', 9], ['a', 'x', 10], ['b', 'x', 19], ['a', 'x', 20]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[0,10)=1', 'a@[0,10)=2', 'a@[10,20)=1', 'b@[10,20)=1', 'a@[20,30)=1']);
  } finally {
    await driver.close();
  }
});

test('hopping count end to end: each record updates every window it falls in, oldest first', async () => {
  const b = builder();
  b.stream<string, string>('input').groupByKey()
    .windowedBy(TimeWindows.ofSizeAndGrace(10, 100).advanceBy(5))
    .count(Materialized.as<string, number>('hops').withCachingDisabled())
    .toStream().to('output', Produced.valueSerde(L));
  const driver = driverOf(b);
  try {
    await pipe(driver, [['a', 'x', 3], ['a', 'x', 5], ['a', 'x', 10]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[0,10)=1', 'a@[0,10)=2', 'a@[5,15)=1', 'a@[5,15)=2', 'a@[10,20)=1']);
  } finally {
    await driver.close();
  }
});

test('the windowed table key serde is the time-windowed one, so toStream().to() needs no Produced key serde', async () => {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(10))
    .reduce((acc, v) => `${acc}${v}`, Materialized.as<string, string>('joined').withCachingDisabled())
    .toStream().to('output');
  const driver = driverOf(b);
  try {
    await pipe(driver, [['a', 'x', 1], ['a', 'y', 2]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, S), ['a@[0,10)=x', 'a@[0,10)=xy']);
  } finally {
    await driver.close();
  }
});
