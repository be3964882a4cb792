/**
 * Final results: `suppress(Suppressed.untilWindowCloses(...))` and
 * `emitStrategy(EmitStrategy.onWindowClose())` send nothing until stream time passes a
 * window's end plus grace, then exactly one result per window. `untilTimeLimit` sends a
 * key's latest update once stream time is the limit past its first buffered update.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../../common/errors.ts';
import { BufferConfig, EmitStrategy, Materialized, Produced, Suppressed, TimeWindows, WindowedSerdes, type StreamsBuilder } from '../../../../processors/dsl/index.ts';
import { L, S, builder, driverOf, pipe, readTimeWindowed } from './support.ts';

const windows = TimeWindows.ofSizeAndGrace(10, 5);
const input: readonly (readonly [string, string, number])[] = [
  ['a', 'x', 1], ['a', 'x', 5], ['b', 'x', 9], ['a', 'x', 12], ['a', 'x', 8], ['b', 'x', 14],
];

async function finalCounts(define: (b: StreamsBuilder) => void): Promise<void> {
  const b = builder();
  define(b);
  const driver = driverOf(b);
  try {
    await pipe(driver, input);
    // Stream time 14 < 10 + 5: [0,10) is still open, nothing has left.
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), []);
    await pipe(driver, [['c', 'x', 15]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[0,10)=3', 'b@[0,10)=1']);
    // A late record for the closed window changes nothing; [10,20) closes at 25.
    await pipe(driver, [['a', 'x', 2], ['c', 'x', 24]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), []);
    await pipe(driver, [['c', 'x', 40]]);
    assert.deepEqual(readTimeWindowed(driver, 'output', 10, L), ['a@[10,20)=1', 'b@[10,20)=1', 'c@[10,20)=1', 'c@[20,30)=1']);
  } finally {
    await driver.close();
  }
}

test('suppress(untilWindowCloses): one final result per window, driven by stream time', async () => {
  await finalCounts((b) => {
    b.stream<string, string>('input').groupByKey().windowedBy(windows).count(Materialized.with(S, L).withCachingDisabled())
      .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()))
      .toStream().to('output', Produced.valueSerde(L));
  });
});

test('emitStrategy(onWindowClose): the same final results, read back from the window store', async () => {
  await finalCounts((b) => {
    b.stream<string, string>('input').groupByKey().windowedBy(windows).emitStrategy(EmitStrategy.onWindowClose())
      .count().toStream().to('output', Produced.valueSerde(L));
  });
});

test('the suppression buffer is logged to its changelog, so a restarted task can rebuild it', async () => {
  const b = builder();
  b.stream<string, string>('input').groupByKey().windowedBy(windows).count()
    .suppress(Suppressed.untilWindowCloses(BufferConfig.unbounded()).withName('finals'))
    .toStream().to('output', Produced.valueSerde(L));
  const topology = b.build();
  assert.ok(topology.plan().internalTopics.some((topic) => topic.name === 'finals-store-changelog' && topic.configs['cleanup.policy'] === 'compact'));
  const driver = driverOf({ build: () => topology } as unknown as StreamsBuilder);
  try {
    await pipe(driver, [['a', 'x', 1], ['a', 'x', 20]]);
    const changelog = driver.createOutputTopic('topology-test-driver-finals-store-changelog', WindowedSerdes.timeWindowedSerdeFrom(S, 10), S).readKeyValuesToList();
    // [0,10) buffered, then [20,30) buffered and [0,10) evicted: a tombstone.
    assert.deepEqual(changelog.map((r) => `${r.key?.window.start}:${r.value === null ? 'null' : 'set'}`), ['0:set', '20:set', '0:null']);
  } finally {
    await driver.close();
  }
});

test('suppress(untilTimeLimit): the latest update of a key, once stream time is the limit past its first update', async () => {
  const b = builder();
  b.stream<string, string>('input').toTable()
    .suppress(Suppressed.untilTimeLimit(10, BufferConfig.unbounded()))
    .toStream().to('output');
  const driver = driverOf(b);
  try {
    await pipe(driver, [['a', '1', 0], ['a', '2', 5], ['b', '1', 6], ['a', '3', 9]]);
    const output = driver.createOutputTopic('output', S, S);
    assert.deepEqual(output.readKeyValuesToList(), []);
    await pipe(driver, [['c', '1', 10]]);
    assert.deepEqual(output.readKeyValuesToList(), [{ key: 'a', value: '3' }]);
    await pipe(driver, [['c', '2', 16]]);
    assert.deepEqual(output.readKeyValuesToList(), [{ key: 'b', value: '1' }]);
  } finally {
    await driver.close();
  }
});

test('a bounded buffer emits its oldest key early, or fails the task when told to shut down', async () => {
  const run = async (config: BufferConfig) => {
    const b = builder();
    b.stream<string, string>('input').toTable().suppress(Suppressed.untilTimeLimit(1000, config)).toStream().to('output');
    const driver = driverOf(b);
    try {
      await pipe(driver, [['a', '1', 0], ['b', '1', 1]]);
      return driver.createOutputTopic('output', S, S).readKeyValuesToList();
    } finally {
      await driver.close().catch(() => undefined);
    }
  };
  assert.deepEqual(await run(BufferConfig.maxRecords(1)), [{ key: 'a', value: '1' }]);
  await assert.rejects(run(BufferConfig.maxRecords(1).shutDownWhenFull()), (error: unknown) => JSON.stringify(error).includes('KST_SUPPRESS_BUFFER_FULL') || String(error).includes('KST_SUPPRESS_BUFFER_FULL'));
  assert.throws(() => Suppressed.untilWindowCloses(BufferConfig.maxRecords(5)), (error) => isKstError(error, 'KST_TOPOLOGY_INVALID'));
});
