/** TopologyTestDriver tests of KTable operators and grouped-table aggregations. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopologyTestDriver } from '../../../processors/testing/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Grouped, Materialized, Produced, StreamsBuilder, keyValue, type KTable } from '../../../processors/dsl/index.ts';

const S = Serdes.String();
const L = Serdes.Long();
const kv = (key: unknown, value: unknown) => ({ key, value });

async function withTable(
  define: (table: KTable<string, string>, builder: StreamsBuilder) => void,
  check: (pipe: (key: string | null, value: string | null) => Promise<void>, driver: TopologyTestDriver) => Promise<void>,
): Promise<void> {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  define(builder.table<string, string>('table-input'), builder);
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  const input = driver.createInputTopic('table-input', S, S);
  let ts = 100;
  try {
    await check((key, value) => input.pipeInput(key, value, ts++), driver);
  } finally {
    await driver.close();
  }
}

test('builder.table and toStream: each update leaves as a record, a delete as a tombstone, null keys are dropped', async () => {
  await withTable((t) => t.toStream().to('output'), async (pipe, driver) => {
    await pipe('a', '1');
    await pipe('a', '2');
    await pipe(null, 'lost');
    await pipe('a', null);
    assert.deepEqual(driver.createOutputTopic('output', S, S).readKeyValuesToList(), [kv('a', '1'), kv('a', '2'), kv('a', null)]);
  });
});

test('a table materialized with Materialized.as can be read from its store', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S });
  builder.table<string, string>('customers', undefined, Materialized.as<string, string>('customers-store').withStoreType('in_memory'));
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  try {
    const input = driver.createInputTopic('customers', S, S);
    await input.pipeInput('c1', 'Ada', 5);
    await input.pipeInput('c2', 'Bob', 6);
    await input.pipeInput('c2', null, 7);
    const store = driver.getTimestampedKeyValueStore<string, string>('customers-store');
    assert.deepEqual(await store.get('c1'), { value: 'Ada', timestamp: 5 });
    assert.equal(await store.get('c2'), undefined);
  } finally {
    await driver.close();
  }
});

test('KTable.filter and filterNot turn rows that stop matching into deletes', async () => {
  await withTable((t) => {
    t.filter((_k, v) => v.startsWith('ok')).toStream().to('kept');
    t.filterNot((_k, v) => v.startsWith('ok')).toStream().to('rejected');
  }, async (pipe, driver) => {
    await pipe('a', 'ok-1');
    await pipe('a', 'bad');
    await pipe('b', 'ok-2');
    assert.deepEqual(driver.createOutputTopic('kept', S, S).readKeyValuesToList(), [kv('a', 'ok-1'), kv('a', null), kv('b', 'ok-2')]);
    assert.deepEqual(driver.createOutputTopic('rejected', S, S).readKeyValuesToList(), [kv('a', null), kv('a', 'bad'), kv('b', null)]);
  });
});

test('KTable.mapValues maps present values and keeps deletes; a materialized result is queryable', async () => {
  await withTable((t) => {
    t.mapValues((v, k) => `${k}=${v.length}`, undefined, Materialized.as('sizes')).toStream().to('output');
  }, async (pipe, driver) => {
    await pipe('a', 'xyz');
    await pipe('a', null);
    await pipe('b', 'q');
    assert.deepEqual(driver.createOutputTopic('output', S, S).readKeyValuesToList(), [kv('a', 'a=3'), kv('a', null), kv('b', 'b=1')]);
    assert.deepEqual(await driver.getTimestampedKeyValueStore<string, string>('sizes').get('b'), { value: 'b=1', timestamp: 102 });
  });
});

test('KTable.groupBy().count() subtracts a row from its old group when it moves', async () => {
  await withTable((t) => {
    t.groupBy((user, region) => keyValue(region, user), Grouped.as('by-region')).count(Materialized.as('region-counts')).toStream().to('counts', Produced.valueSerde(L));
  }, async (pipe, driver) => {
    await pipe('alice', 'eu');
    await pipe('bob', 'eu');
    await pipe('alice', 'us');
    await pipe('bob', null);
    const counts = driver.createOutputTopic('counts', S, L).readKeyValuesToList();
    assert.deepEqual(counts, [kv('eu', 1), kv('eu', 2), kv('eu', 1), kv('us', 1), kv('eu', 0)]);
    const store = driver.getTimestampedKeyValueStore<string, number>('region-counts');
    assert.equal((await store.get('us'))?.value, 1);
  });
});

test('KTable.groupBy().reduce(adder, subtractor) keeps a per-group total under updates', async () => {
  await withTable((t) => {
    t.mapValues((v) => v)
      .groupBy((_item, value) => keyValue(value.split(':')[0] ?? '', value.split(':')[1] ?? '0'))
      .reduce((a, b) => String(Number(a) + Number(b)), (a, b) => String(Number(a) - Number(b)))
      .toStream().to('totals');
  }, async (pipe, driver) => {
    await pipe('item1', 'fruit:3');
    await pipe('item2', 'fruit:4');
    await pipe('item1', 'fruit:10');
    const totals = driver.createOutputTopic('totals', S, S).readKeyValuesToList();
    assert.deepEqual(totals.at(-1), kv('fruit', '14'));
    assert.deepEqual(totals.map((r) => r.value), ['3', '7', '14']);
  });
});

test('KTable.groupBy().aggregate(initializer, adder, subtractor)', async () => {
  await withTable((t) => {
    t.groupBy((_k, v) => keyValue(v.length % 2 === 0 ? 'even' : 'odd', v))
      .aggregate(() => 0, (_k, v, sum) => sum + v.length, (_k, v, sum) => sum - v.length, Materialized.with(S, L))
      .toStream().to('sums', Produced.valueSerde(L));
  }, async (pipe, driver) => {
    await pipe('a', 'xx');
    await pipe('b', 'yyyy');
    await pipe('a', 'zzz');
    assert.deepEqual(driver.createOutputTopic('sums', S, L).readKeyValuesToList(), [kv('even', 2), kv('even', 6), kv('even', 4), kv('odd', 3)]);
  });
});
