/** TopologyTestDriver tests of grouping and aggregation of streams, word count included. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopologyTestDriver } from '../../../processors/testing/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Consumed, Grouped, Materialized, Produced, StreamsBuilder, type DslStoreType } from '../../../processors/dsl/index.ts';

const S = Serdes.String();
const L = Serdes.Long();
const kv = (key: unknown, value: unknown) => ({ key, value });

for (const storeType of ['in_memory', 'rocksdb'] as const satisfies readonly DslStoreType[]) {
  test(`word count end to end (${storeType} store)`, async () => {
    const builder = new StreamsBuilder();
    builder.stream('text', Consumed.with(S, S))
      .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((word) => word.length > 0))
      .groupBy((_key, word) => word, Grouped.with(S, S))
      .count(Materialized.as<string, number>('counts-store').withStoreType(storeType))
      .toStream()
      .to('word-counts', Produced.with(S, L));
    const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
    try {
      const text = driver.createInputTopic('text', S, S);
      await text.pipeInput(null, 'Hello Kafka Streams', 1);
      await text.pipeInput(null, 'hello streams', 2);
      const counts = driver.createOutputTopic('word-counts', S, L).readKeyValuesToMap();
      assert.deepEqual(Object.fromEntries(counts), { hello: 2, kafka: 1, streams: 2 });
      const store = driver.getTimestampedKeyValueStore<string, number>('counts-store');
      assert.deepEqual(await store.get('hello'), { value: 2, timestamp: 2 });
      // As Kafka's driver: the plain key-value view of a DSL store gives the values alone.
      assert.equal(await driver.getKeyValueStore<string, number>('counts-store').get('hello'), 2);
    } finally {
      await driver.close();
    }
  });
}

async function pipe(define: (builder: StreamsBuilder) => void, records: readonly [string | null, string | null][], output: string, valueSerde = S as typeof S | typeof L) {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  define(builder);
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  const input = driver.createInputTopic('input', S, S);
  let ts = 10;
  for (const [key, value] of records) await input.pipeInput(key, value, ts++);
  return { driver, out: driver.createOutputTopic(output, S, valueSerde as typeof S).readKeyValuesToList() };
}

test('groupByKey().count() counts per key; null keys and values are skipped', async () => {
  const { driver, out } = await pipe((b) => {
    b.stream<string, string>('input').groupByKey().count().toStream().to('output', Produced.valueSerde(L));
  }, [['a', 'x'], ['b', 'y'], ['a', 'z'], [null, 'n'], ['a', null]], 'output', L);
  assert.deepEqual(out, [kv('a', 1), kv('b', 1), kv('a', 2)]);
  await driver.close();
});

test('groupByKey().reduce() combines values; the first value starts the aggregate', async () => {
  const { driver, out } = await pipe((b) => {
    b.stream<string, string>('input').groupByKey().reduce((acc, v) => `${acc}+${v}`, Materialized.as('joined')).toStream().to('output');
  }, [['a', '1'], ['a', '2'], ['b', '3'], ['a', '4']], 'output');
  assert.deepEqual(out, [kv('a', '1'), kv('a', '1+2'), kv('b', '3'), kv('a', '1+2+4')]);
  assert.deepEqual(await driver.getTimestampedKeyValueStore<string, string>('joined').get('a'), { value: '1+2+4', timestamp: 13 });
  await driver.close();
});

test('aggregate() folds from the initializer into a serde-backed store', async () => {
  const { driver, out } = await pipe((b) => {
    b.stream<string, string>('input')
      .groupByKey()
      .aggregate(() => 0, (_k, v, total) => total + v.length, Materialized.as<string, number>('lengths').withValueSerde(L))
      .toStream().to('output', Produced.valueSerde(L));
  }, [['a', 'xx'], ['a', 'yyy'], ['b', 'z']], 'output', L);
  assert.deepEqual(out, [kv('a', 2), kv('a', 5), kv('b', 1)]);
  await driver.close();
});

test('groupBy(selector) re-keys through a repartition topic before aggregating', async () => {
  const { driver, out } = await pipe((b) => {
    b.stream<string, string>('input').groupBy((_k, v) => v.slice(0, 1)).count().toStream().to('output', Produced.valueSerde(L));
  }, [['1', 'apple'], ['2', 'avocado'], ['3', 'banana']], 'output', L);
  assert.deepEqual(out, [kv('a', 1), kv('a', 2), kv('b', 1)]);
  await driver.close();
});

test('toTable keeps the latest value per key; after a key change it reads a repartition topic', async () => {
  const { driver, out } = await pipe((b) => {
    b.stream<string, string>('input').toTable(undefined, Materialized.as('latest')).toStream().to('output');
    b.stream<string, string>('other').selectKey((_k, v) => v).toTable().toStream().to('rekeyed');
  }, [['a', '1'], ['a', '2'], ['b', '3'], ['a', null]], 'output');
  assert.deepEqual(out, [kv('a', '1'), kv('a', '2'), kv('b', '3'), kv('a', null)]);
  assert.equal(await driver.getTimestampedKeyValueStore<string, string>('latest').get('a'), undefined);
  assert.deepEqual(await driver.getTimestampedKeyValueStore<string, string>('latest').get('b'), { value: '3', timestamp: 12 });
  const other = driver.createInputTopic('other', S, S);
  await other.pipeInput('x', 'k1', 20);
  assert.deepEqual(driver.createOutputTopic('rekeyed', S, S).readKeyValuesToList(), [kv('k1', 'k1')]);
  await driver.close();
});

test('with caching, many updates of one key between commits leave as one record', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  builder.stream<string, string>('input').groupByKey().count().toStream().to('output', Produced.valueSerde(L));
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0, commitEveryRecord: false });
  try {
    const input = driver.createInputTopic('input', S, S);
    for (const value of ['1', '2', '3']) await input.pipeInput('a', value, 1);
    await input.pipeInput('b', 'x', 2);
    const output = driver.createOutputTopic('output', S, L);
    assert.equal(output.getQueueSize(), 0);
    await driver.advanceWallClockTime(100);
    assert.deepEqual(output.readKeyValuesToList(), [kv('a', 3), kv('b', 1)]);
  } finally {
    await driver.close();
  }
});

test('without caching, every update leaves at once', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  builder.stream<string, string>('input').groupByKey().count(Materialized.as<string, number>('uncached').withCachingDisabled()).toStream().to('output', Produced.valueSerde(L));
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0, commitEveryRecord: false });
  try {
    const input = driver.createInputTopic('input', S, S);
    for (const value of ['1', '2']) await input.pipeInput('a', value, 1);
    assert.deepEqual(driver.createOutputTopic('output', S, L).readKeyValuesToList(), [kv('a', 1), kv('a', 2)]);
  } finally {
    await driver.close();
  }
});
