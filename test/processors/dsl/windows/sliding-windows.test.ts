/**
 * Sliding windows (KIP-450): the windows and aggregates Kafka Streams'
 * `KStreamSlidingWindowAggregateTest` expects, checked here on the latest value of each
 * window, with Kafka's test aggregator (`"0"` then `+value`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Materialized, Produced, SlidingWindows, WindowedSerdes } from '../../../../processors/dsl/index.ts';
import { S, builder, driverOf, pipe } from './support.ts';

function slidingConcat(windows: SlidingWindows) {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(windows)
    .aggregate(() => '0', (_k, v, agg) => `${agg}+${v}`, Materialized.as<string, string>('sliding').withCachingDisabled())
    .toStream().to('output', Produced.keySerde(WindowedSerdes.timeWindowedSerdeFrom(S, windows.timeDifferenceMs)));
  return driverOf(b);
}

/** The latest aggregate and timestamp of every window, by start, as the store would hold them. */
function latest(driver: ReturnType<typeof slidingConcat>, diff: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const record of driver.createOutputTopic('output', WindowedSerdes.timeWindowedSerdeFrom(S, diff), S).readRecordsToList()) {
    out[`[${record.key?.window.start},${record.key?.window.end}]`] = `${record.value}@${record.timestamp}`;
  }
  return out;
}

test('in-order records: each makes its left window, and the right window of the record before it', async () => {
  const driver = slidingConcat(SlidingWindows.ofTimeDifferenceAndGrace(10, 50));
  try {
    await pipe(driver, [['A', '1', 10], ['A', '2', 15], ['A', '3', 20], ['A', '4', 22], ['A', '5', 30]]);
    assert.deepEqual(latest(driver, 10), {
      '[0,10]': '0+1@10',
      '[5,15]': '0+1+2@15',
      '[10,20]': '0+1+2+3@20',
      '[11,21]': '0+2+3@20',
      '[12,22]': '0+2+3+4@22',
      '[16,26]': '0+3+4@22',
      '[20,30]': '0+3+4+5@30',
      '[21,31]': '0+4+5@30',
      '[23,33]': '0+5@30',
    });
  } finally {
    await driver.close();
  }
});

test('an out-of-order record joins the windows that contain it and makes its own right window', async () => {
  const driver = slidingConcat(SlidingWindows.ofTimeDifferenceAndGrace(10, 20));
  try {
    await pipe(driver, [['A', '1', 10], ['A', '2', 20], ['A', '3', 15]]);
    assert.deepEqual(latest(driver, 10), {
      '[0,10]': '0+1@10',
      '[11,21]': '0+2+3@20',
      '[10,20]': '0+1+2+3@20',
      '[5,15]': '0+1+3@15',
      // Right window of the record at 15 holds only the later record at 20.
      '[16,26]': '0+2@20',
    });
  } finally {
    await driver.close();
  }
});

test('records within the first time difference after the epoch share the window [0, diff]', async () => {
  const driver = slidingConcat(SlidingWindows.ofTimeDifferenceAndGrace(10, 50));
  try {
    await pipe(driver, [['A', '1', 3], ['A', '2', 6]]);
    assert.deepEqual(latest(driver, 10), { '[0,10]': '0+1+2@6', '[4,14]': '0+2@6' });
  } finally {
    await driver.close();
  }
});

test('windows end inclusively: a record exactly diff after another shares a window with it', async () => {
  const driver = slidingConcat(SlidingWindows.ofTimeDifferenceWithNoGrace(10));
  try {
    await pipe(driver, [['A', '1', 10], ['A', '2', 20], ['A', '3', 31]]);
    assert.deepEqual(latest(driver, 10), {
      '[0,10]': '0+1@10',
      '[10,20]': '0+1+2@20',
      '[11,21]': '0+2@20',
      '[21,31]': '0+3@31',
    });
  } finally {
    await driver.close();
  }
});
