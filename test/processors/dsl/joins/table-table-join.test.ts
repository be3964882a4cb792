/** Table-table joins through the TopologyTestDriver: updates on either side, deletes, inner/left/outer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopologyTestDriver } from '../../../../processors/testing/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import { Materialized, Named, Produced, StreamsBuilder, type KTable } from '../../../../processors/dsl/index.ts';

const S = Serdes.String();
const kv = (key: unknown, value: unknown) => ({ key, value });
const show = (v: string | null): string => v ?? '-';

type Define = (left: KTable<string, string>, right: KTable<string, string>) => KTable<string, string>;

async function withTables(define: Define, check: (pipe: { left: Pipe; right: Pipe; read: () => unknown[] }, driver: TopologyTestDriver) => Promise<void>): Promise<void> {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  define(builder.table<string, string>('left'), builder.table<string, string>('right')).toStream().to('out');
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  let ts = 1;
  try {
    const left = driver.createInputTopic('left', S, S);
    const right = driver.createInputTopic('right', S, S);
    const out = driver.createOutputTopic('out', S, S);
    await check({
      left: (key, value) => left.pipeInput(key, value, ts++),
      right: (key, value) => right.pipeInput(key, value, ts++),
      read: () => out.readKeyValuesToList(),
    }, driver);
  } finally {
    await driver.close();
  }
}
type Pipe = (key: string, value: string | null) => Promise<void>;

test('inner table join: results on updates of either side; a delete ends a result with one tombstone', async () => {
  await withTables((l, r) => l.join(r, (a, b) => `${a}+${b}`), async ({ left, right, read }) => {
    await left('a', 'L1');
    await right('a', 'R1');
    await left('a', 'L2');
    await right('a', 'R2');
    assert.deepEqual(read(), [kv('a', 'L1+R1'), kv('a', 'L2+R1'), kv('a', 'L2+R2')]);
    await right('a', null);
    await right('a', null);
    await left('a', null);
    assert.deepEqual(read(), [kv('a', null)], 'one tombstone: the later deletes end no result');
    await left('b', 'Lb');
    await left('b', null);
    assert.deepEqual(read(), [], 'a row that never joined leaves no tombstone');
  });
});

test('left table join: every left row has a result, null for a missing right row', async () => {
  await withTables((l, r) => l.leftJoin(r, (a, b) => `${a}+${show(b)}`), async ({ left, right, read }) => {
    await right('a', 'R1');
    await left('a', 'L1');
    await right('a', 'R2');
    await right('a', null);
    await right('c', 'Rc');
    await left('a', null);
    assert.deepEqual(read(), [kv('a', 'L1+R1'), kv('a', 'L1+R2'), kv('a', 'L1+-'), kv('a', null)], 'right rows without a left row emit nothing');
  });
});

test('outer table join: a result for a key either side has, tombstone once both are gone', async () => {
  await withTables((l, r) => l.outerJoin(r, (a, b) => `${show(a)}+${show(b)}`), async ({ left, right, read }) => {
    await right('a', 'R1');
    await left('a', 'L1');
    await right('a', null);
    await left('a', null);
    assert.deepEqual(read(), [kv('a', '-+R1'), kv('a', 'L1+R1'), kv('a', 'L1+-'), kv('a', null)]);
  });
});

test('a materialized join result is queryable, named after Materialized and Named', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  const joined = builder.table<string, string>('left').join(builder.table<string, string>('right'), (a, b) => `${a}+${b}`, Named.as('lr'), Materialized.as('lr-store'));
  assert.equal(joined.queryableStoreName, 'lr-store');
  joined.toStream().to('out');
  const topology = builder.build();
  const names = topology.plan().subtopologies.flatMap((s) => s.nodes.map((n) => n.name));
  assert.ok(['lr', 'lr-join-this', 'lr-join-other'].every((n) => names.includes(n)));
  assert.ok(topology.plan().copartitionGroups.some((g) => g.join() === 'left,right'));
  const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0 });
  try {
    await driver.createInputTopic('left', S, S).pipeInput('k', 'L', 5);
    await driver.createInputTopic('right', S, S).pipeInput('k', 'R', 7);
    assert.deepEqual(await driver.getTimestampedKeyValueStore<string, string>('lr-store').get('k'), { value: 'L+R', timestamp: 7 });
  } finally {
    await driver.close();
  }
});

test('a join result table feeds a grouped aggregation, which subtracts the old result', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  builder.table<string, string>('left').join(builder.table<string, string>('right'), (a, b) => `${a}|${b}`)
    .groupBy((_k, v) => ({ key: v.split('|')[1] ?? '', value: v })).count().toStream().to('counts', Produced.with(S, Serdes.Long()));
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  try {
    const left = driver.createInputTopic('left', S, S);
    const right = driver.createInputTopic('right', S, S);
    await right.pipeInput('k', 'blue', 1);
    await left.pipeInput('k', 'x', 2);
    await right.pipeInput('k', 'red', 3);
    const counts = driver.createOutputTopic('counts', S, Serdes.Long()).readKeyValuesToList();
    assert.deepEqual(counts, [kv('blue', 1), kv('blue', 0), kv('red', 1)]);
  } finally {
    await driver.close();
  }
});
