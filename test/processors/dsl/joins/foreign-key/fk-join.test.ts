/**
 * Foreign-key table joins (KIP-213) through the TopologyTestDriver: rows follow their
 * foreign key, the old key no longer matches, deletes on either side, left-join nulls,
 * and the internal topics and stores named as Kafka names them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TopologyTestDriver } from '../../../../../processors/testing/index.ts';
import { Serdes } from '../../../../../schemas/serdes/serdes.ts';
import { Materialized, StreamsBuilder, TableJoined, type KTable } from '../../../../../processors/dsl/index.ts';

const S = Serdes.String();
const kv = (key: unknown, value: unknown) => ({ key, value });
/** Orders are `customerId:item`; customers are names. */
const customerOf = (order: string): string | null => (order.startsWith(':') ? null : order.split(':')[0] ?? null);

type Define = (orders: KTable<string, string>, customers: KTable<string, string>) => KTable<string, string>;
type Pipe = (key: string, value: string | null) => Promise<void>;

async function withFkJoin(define: Define, check: (io: { order: Pipe; customer: Pipe; read: () => unknown[] }, driver: TopologyTestDriver) => Promise<void>): Promise<void> {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  define(builder.table<string, string>('orders'), builder.table<string, string>('customers')).toStream().to('out');
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  let ts = 1;
  try {
    const orders = driver.createInputTopic('orders', S, S);
    const customers = driver.createInputTopic('customers', S, S);
    const out = driver.createOutputTopic('out', S, S);
    await check({ order: (k, v) => orders.pipeInput(k, v, ts++), customer: (k, v) => customers.pipeInput(k, v, ts++), read: () => out.readKeyValuesToList() }, driver);
  } finally {
    await driver.close();
  }
}

test('inner FK join: a row joins the row its foreign key names; updates of either side propagate', async () => {
  await withFkJoin((o, c) => o.join(c, customerOf, (order, customer) => `${order}@${customer}`), async ({ order, customer, read }) => {
    await order('o1', 'c1:pen');
    assert.deepEqual(read(), [], 'no customer yet: an inner join emits nothing');
    await customer('c1', 'Ada');
    await order('o2', 'c1:ink');
    await customer('c1', 'Ada L.');
    assert.deepEqual(read(), [kv('o1', 'c1:pen@Ada'), kv('o2', 'c1:ink@Ada'), kv('o1', 'c1:pen@Ada L.'), kv('o2', 'c1:ink@Ada L.')]);
    await order('o1', 'c1:pencil');
    assert.deepEqual(read(), [kv('o1', 'c1:pencil@Ada L.')]);
  });
});

test('a changed foreign key joins the new row; the old foreign row no longer updates it', async () => {
  await withFkJoin((o, c) => o.join(c, customerOf, (order, customer) => `${order}@${customer}`), async ({ order, customer, read }) => {
    await customer('c1', 'Ada');
    await customer('c2', 'Bob');
    await order('o1', 'c1:pen');
    await order('o1', 'c2:pen');
    await customer('c1', 'Ada again');
    assert.deepEqual(read(), [kv('o1', 'c1:pen@Ada'), kv('o1', 'c2:pen@Bob')], 'c1 no longer matches o1');
    await order('o1', 'c3:pen');
    assert.deepEqual(read(), [kv('o1', null)], 'moving to a key without a row unsets the result');
    await customer('c3', 'Cy');
    assert.deepEqual(read(), [kv('o1', 'c3:pen@Cy')]);
  });
});

test('deletes: a deleted foreign row or left row ends the result with a tombstone', async () => {
  await withFkJoin((o, c) => o.join(c, customerOf, (order, customer) => `${order}@${customer}`), async ({ order, customer, read }) => {
    await customer('c1', 'Ada');
    await order('o1', 'c1:pen');
    await order('o2', 'c1:ink');
    await customer('c1', null);
    assert.deepEqual(read(), [kv('o1', 'c1:pen@Ada'), kv('o2', 'c1:ink@Ada'), kv('o1', null), kv('o2', null)]);
    await customer('c1', 'Ada');
    await order('o1', null);
    await customer('c1', 'Ada 2');
    assert.deepEqual(read(), [kv('o1', 'c1:pen@Ada'), kv('o2', 'c1:ink@Ada'), kv('o1', null), kv('o2', 'c1:ink@Ada 2')], 'a deleted order is unsubscribed');
  });
});

test('left FK join: rows without a foreign row, or without a foreign key, join null', async () => {
  await withFkJoin((o, c) => o.leftJoin(c, customerOf, (order, customer) => `${order}@${customer ?? '-'}`), async ({ order, customer, read }) => {
    await order('o1', 'c1:pen');
    await order('o2', ':loose');
    await customer('c1', 'Ada');
    await customer('c1', null);
    await order('o2', null);
    assert.deepEqual(read(), [kv('o1', 'c1:pen@-'), kv('o2', ':loose@-'), kv('o1', 'c1:pen@Ada'), kv('o1', 'c1:pen@-'), kv('o2', null)]);
  });
});

test('internal topics, stores and co-partitioning are named as Kafka names them; the result is queryable', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  const orders = builder.table<string, string>('orders');
  const customers = builder.table<string, string>('customers');
  orders.join(customers, customerOf, (order, customer) => `${order}@${customer}`, Materialized.as('enriched'));
  orders.leftJoin(customers, customerOf, (order, customer) => `${order}@${customer ?? '-'}`, TableJoined.as('named'));
  const plan = builder.build().plan();
  const topics = plan.internalTopics.map((t) => t.name);
  assert.ok(topics.includes('KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic'), topics.join());
  assert.ok(topics.includes('KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000015-topic'), topics.join());
  assert.ok(topics.includes('KTABLE-FK-JOIN-SUBSCRIPTION-STATE-STORE-0000000010-changelog'), topics.join());
  assert.ok(topics.includes('named-subscription-registration-topic') && topics.includes('named-subscription-response-topic'), topics.join());
  assert.ok(plan.stores['enriched'] !== undefined);
  const groups = plan.copartitionGroups.map((g) => g.join());
  assert.ok(groups.includes('KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic,customers'), groups.join(' | '));
  assert.ok(groups.includes('KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000015-topic,orders'), groups.join(' | '));
});
