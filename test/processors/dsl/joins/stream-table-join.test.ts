/** Stream-table and stream-global-table joins through the TopologyTestDriver: lookups on stream records only. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopologyTestDriver } from '../../../../processors/testing/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import { Consumed, Joined, Materialized, StreamsBuilder, type Topology } from '../../../../processors/dsl/index.ts';

const S = Serdes.String();
const kv = (key: unknown, value: unknown) => ({ key, value });
const strings = () => new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });

async function run(topology: Topology, check: (driver: TopologyTestDriver) => Promise<void>): Promise<void> {
  const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0 });
  try {
    await check(driver);
  } finally {
    await driver.close();
  }
}

test('stream-table inner join: looks the table up per stream record; table updates emit nothing; order matters', async () => {
  const builder = strings();
  const customers = builder.table<string, string>('customers');
  builder.stream<string, string>('orders').join(customers, (order, customer, key) => `${key}:${order}@${customer}`).to('out');
  await run(builder.build(), async (driver) => {
    const orders = driver.createInputTopic('orders', S, S);
    const table = driver.createInputTopic('customers', S, S);
    await orders.pipeInput('c1', 'o1', 1); // no customer yet: dropped
    await table.pipeInput('c1', 'Ada', 2); // a table update triggers nothing
    await orders.pipeInput('c1', 'o2', 3);
    await table.pipeInput('c1', 'Ada L.', 4);
    await orders.pipeInput('c1', 'o3', 5);
    await table.pipeInput('c1', null, 6); // deleted: later orders find nothing
    await orders.pipeInput('c1', 'o4', 7);
    await orders.pipeInput(null, 'o5', 8); // null keys are dropped
    const out = driver.createOutputTopic('out', S, S).readRecordsToList();
    assert.deepEqual(out.map((r) => kv(r.key, r.value)), [kv('c1', 'c1:o2@Ada'), kv('c1', 'c1:o3@Ada L.')]);
    assert.deepEqual(out.map((r) => r.timestamp), [3, 5], 'a result keeps the stream record\'s timestamp');
  });
});

test('stream-table left join: a stream record without a row joins null; records without a value are dropped', async () => {
  const builder = strings();
  const customers = builder.table<string, string>('customers');
  builder.stream<string, string>('orders').leftJoin(customers, (order, customer) => `${order}@${customer ?? 'none'}`).to('out');
  await run(builder.build(), async (driver) => {
    const orders = driver.createInputTopic('orders', S, S);
    const table = driver.createInputTopic('customers', S, S);
    await orders.pipeInput('c1', 'o1', 1);
    await table.pipeInput('c1', 'Ada', 2);
    await orders.pipeInput('c1', 'o2', 3);
    await orders.pipeInput('c1', null, 4);
    assert.deepEqual(driver.createOutputTopic('out', S, S).readKeyValuesToList(), [kv('c1', 'o1@none'), kv('c1', 'o2@Ada')]);
  });
});

test('stream-table join reads a filtered or mapped table through its parent\'s store', async () => {
  const builder = strings();
  const active = builder.table<string, string>('customers').filter((_id, c) => !c.startsWith('closed')).mapValues((c) => c.toUpperCase());
  builder.stream<string, string>('orders').leftJoin(active, (order, customer) => `${order}@${customer ?? 'none'}`).to('out');
  await run(builder.build(), async (driver) => {
    const table = driver.createInputTopic('customers', S, S);
    const orders = driver.createInputTopic('orders', S, S);
    await table.pipeInput('c1', 'ada', 1);
    await table.pipeInput('c2', 'closed-bob', 2);
    await orders.pipeInput('c1', 'o1', 3);
    await orders.pipeInput('c2', 'o2', 4);
    assert.deepEqual(driver.createOutputTopic('out', S, S).readKeyValuesToList(), [kv('c1', 'o1@ADA'), kv('c2', 'o2@none')]);
  });
});

test('stream-table join after selectKey repartitions the stream, named after Joined, and co-partitions both inputs', async () => {
  const builder = strings();
  const customers = builder.table<string, string>('customers');
  builder.stream<string, string>('orders').selectKey((_id, customerId) => customerId)
    .join(customers, (order, customer) => `${order}@${customer}`, Joined.as('order-customer')).to('out');
  const topology = builder.build();
  const plan = topology.plan();
  assert.ok(plan.internalTopics.some((t) => t.name === 'order-customer-repartition'));
  assert.ok(plan.copartitionGroups.some((g) => g.join() === ['customers', 'order-customer-repartition'].join()));
  await run(topology, async (driver) => {
    await driver.createInputTopic('customers', S, S).pipeInput('c9', 'Ada', 1);
    await driver.createInputTopic('orders', S, S).pipeInput('o1', 'c9', 2);
    assert.deepEqual(driver.createOutputTopic('out', S, S).readKeyValuesToList(), [kv('c9', 'c9@Ada')]);
  });
});

test('stream-global-table joins look up the selected key; inner drops misses and null selections, left keeps misses', async () => {
  const builder = strings();
  const products = builder.globalTable<string, string>('products', Consumed.with(S, S), Materialized.as('products-store'));
  const lines = builder.stream<string, string>('lines');
  lines.join(products, (_id, line) => line.split(':')[0] ?? null, (line, product) => `${line}=${product}`).to('inner');
  lines.leftJoin(products, (_id, line) => (line.startsWith('-') ? null : line.split(':')[0]), (line, product) => `${line}=${product ?? 'none'}`).to('left');
  assert.equal(products.queryableStoreName, 'products-store');
  const topology = builder.build();
  const plan = topology.plan();
  assert.equal(plan.globalStores.length, 1);
  assert.equal(plan.globalStores[0]?.store.changelogTopic, undefined, 'the topic is the global store\'s changelog');
  assert.deepEqual(plan.copartitionGroups, [], 'a global-table join needs no co-partitioning');
  await run(topology, async (driver) => {
    const catalog = driver.createInputTopic('products', S, S);
    const input = driver.createInputTopic('lines', S, S);
    await catalog.pipeInput('p1', 'Pen', 1);
    await input.pipeInput('l1', 'p1:2', 2);
    await input.pipeInput('l2', 'p2:1', 3);
    await catalog.pipeInput('p2', 'Ink', 4);
    await input.pipeInput(null, 'p2:5', 5);
    await input.pipeInput('l4', '-p1', 6);
    assert.deepEqual(driver.createOutputTopic('inner', S, S).readKeyValuesToList(), [kv('l1', 'p1:2=Pen'), kv(null, 'p2:5=Ink')]);
    assert.deepEqual(driver.createOutputTopic('left', S, S).readKeyValuesToList(), [kv('l1', 'p1:2=Pen'), kv('l2', 'p2:1=none'), kv(null, 'p2:5=Ink')]);
    assert.deepEqual(await driver.getTimestampedKeyValueStore<string, string>('products-store').get('p2'), { value: 'Ink', timestamp: 4 });
  });
});
