/**
 * Pins `describe()` of joins and global stores to snapshots (regenerate with
 * `UPDATE_SNAPSHOTS=1`), and the co-partitioning the compiler derives for them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import { Consumed, JoinWindows, StreamJoined, StreamsBuilder, type Topology } from '../../../../processors/dsl/index.ts';

const S = Serdes.String();
const strings = () => new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });

function matchesSnapshot(name: string, topology: Topology): void {
  const folder = new URL('./__snapshots__/', import.meta.url);
  const file = new URL(`${name}.txt`, folder);
  const actual = topology.describe().toString();
  if (process.env['UPDATE_SNAPSHOTS'] === '1' || !existsSync(file)) {
    mkdirSync(folder, { recursive: true });
    writeFileSync(file, actual);
  }
  assert.equal(actual, readFileSync(file, 'utf8'));
}

test('a global table alone is described as Kafka describes it', () => {
  const builder = strings();
  builder.globalTable('INPUT_TOPIC', Consumed.with(S, S));
  assert.equal(builder.build().describe().toString(), [
    'Topologies:',
    '   Sub-topology: 0 for global store (will not generate tasks)',
    '    Source: KSTREAM-SOURCE-0000000001 (topics: [INPUT_TOPIC])',
    '      --> KTABLE-SOURCE-0000000002',
    '    Processor: KTABLE-SOURCE-0000000002 (stores: [INPUT_TOPIC-STATE-STORE-0000000000])',
    '      --> none',
    '      <-- KSTREAM-SOURCE-0000000001',
    '',
  ].join('\n'));
});

test('stream-stream inner, left and outer joins, with Kafka\'s node and store names', () => {
  const builder = strings();
  const left = builder.stream<string, string>('left');
  const right = builder.stream<string, string>('right');
  const windows = JoinWindows.ofTimeDifferenceWithNoGrace(1000);
  left.join(right, (a, b) => a + b, windows).to('inner');
  left.leftJoin(right, (a, b) => a + (b ?? ''), windows).to('left');
  left.outerJoin(right, (a, b) => (a ?? '') + (b ?? ''), windows, StreamJoined.with(S, S, S).withName('outer').withStoreName('outer-store')).to('outer');
  const topology = builder.build();
  const stores = Object.keys(topology.plan().stores).sort();
  assert.deepEqual(stores, [
    'KSTREAM-JOINOTHER-0000000005-store', 'KSTREAM-JOINTHIS-0000000004-store', 'KSTREAM-JOINTHIS-0000000010-store',
    'KSTREAM-OUTEROTHER-0000000011-store', 'KSTREAM-OUTERSHARED-0000000010-store',
    'outer-store-outer-other-join-store', 'outer-store-outer-shared-join-store', 'outer-store-outer-this-join-store',
  ]);
  matchesSnapshot('stream-stream', topology);
});

test('a stream-stream join after selectKey on both sides repartitions each side into co-partitioned topics', () => {
  const builder = strings();
  const left = builder.stream<string, string>('left').selectKey((_k, v) => v);
  const right = builder.stream<string, string>('right').selectKey((_k, v) => v);
  left.join(right, (a, b) => a + b, JoinWindows.ofTimeDifferenceWithNoGrace(10), StreamJoined.with(S, S, S).withName('by-value')).to('out');
  const topology = builder.build();
  const plan = topology.plan();
  const repartitions = plan.internalTopics.filter((t) => t.kind === 'repartition').map((t) => t.name);
  assert.deepEqual(repartitions, ['by-value-left-repartition', 'by-value-right-repartition']);
  assert.ok(plan.copartitionGroups.some((g) => g.join() === 'by-value-left-repartition,by-value-right-repartition'));
  assert.equal(plan.subtopologies.length, 3);
  matchesSnapshot('stream-stream-repartitioned', topology);
});

test('stream-table, global-table, table-table and foreign-key joins', () => {
  const builder = strings();
  const orders = builder.stream<string, string>('orders');
  const customers = builder.table<string, string>('customers');
  const products = builder.globalTable<string, string>('products');
  orders.join(customers, (o, c) => o + c).leftJoin(products, (_k, v) => v, (o, p) => o + (p ?? '')).to('enriched');
  const payments = builder.table<string, string>('payments');
  customers.outerJoin(payments, (c, p) => (c ?? '') + (p ?? '')).toStream().to('balances');
  payments.join(customers, (p) => p, (p, c) => p + c).toStream().to('payers');
  const topology = builder.build();
  assert.equal(topology.describe().globalStores.length, 1);
  matchesSnapshot('table-joins', topology);
});
