/**
 * Pins `Topology.describe()` to snapshot files, so that a renamed node, store or topic
 * shows up in review. Regenerate with `UPDATE_SNAPSHOTS=1` and read the diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Stores } from '../../../state/stores.ts';
import { Branched, Consumed, Grouped, Materialized, Named, Produced, Repartitioned, StreamsBuilder, keyValue, type Topology } from '../../../processors/dsl/index.ts';

function matchesSnapshot(name: string, topology: Topology): void {
  const file = new URL(`./__snapshots__/${name}.txt`, import.meta.url);
  const actual = topology.describe().toString();
  if (process.env['UPDATE_SNAPSHOTS'] === '1' || !existsSync(file)) writeFileSync(file, actual);
  assert.equal(actual, readFileSync(file, 'utf8'));
}

test('word count reads as Kafka Streams describes it', () => {
  const builder = new StreamsBuilder();
  builder.stream('streams-plaintext-input', Consumed.with(Serdes.String(), Serdes.String()))
    .flatMapValues((line) => line.toLowerCase().split(/\W+/))
    .groupBy((_key, word) => word, Grouped.with(Serdes.String(), Serdes.String()))
    .count(Materialized.as('counts-store'))
    .toStream()
    .to('streams-wordcount-output', Produced.with(Serdes.String(), Serdes.Long()));
  matchesSnapshot('word-count', builder.build());
});

test('stateless operators, split, merge, repartition and sinks', () => {
  const builder = new StreamsBuilder({ defaultKeySerde: Serdes.String(), defaultValueSerde: Serdes.String() });
  const input = builder.stream<string, string>(['input-a', 'input-b']);
  const branches = input.filter((_k, v) => v.length > 0).filterNot((_k, v) => v === 'skip')
    .split(Named.as('route-'))
    .branch((_k, v) => v.startsWith('a'), Branched.as('a'))
    .branch((_k, v) => v.startsWith('b'))
    .defaultBranch();
  const a = branches.get('route-a');
  const b = branches.get('route-2');
  const rest = branches.get('route-0');
  assert.ok(a !== undefined && b !== undefined && rest !== undefined);
  a.merge(b).peek(() => {}).mapValues((v) => v.toUpperCase()).to('upper');
  rest.map((k, v) => keyValue(v, k)).repartition(Repartitioned.numberOfPartitions(4)).to((key) => `by-${key}`);
  rest.selectKey((_k, v) => v).flatMap((k, v) => [keyValue(k, v)]).foreach(() => {});
  matchesSnapshot('stateless', builder.build());
});

test('tables, table grouping and a processor with its store', () => {
  const builder = new StreamsBuilder({ defaultKeySerde: Serdes.String(), defaultValueSerde: Serdes.String(), defaultDslStore: 'in_memory' });
  const customers = builder.table<string, string>('customers', Consumed.as('customers-source'), Materialized.as('customers-store'));
  customers.filter((_k, v) => v !== 'closed').mapValues((v) => v.toUpperCase())
    .groupBy((id, country) => keyValue(country, id), Grouped.as('by-country'))
    .count(Named.as('per-country'), Materialized.as('per-country-store'))
    .toStream().to('per-country', Produced.valueSerde(Serdes.Long()));
  builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), Serdes.String(), Serdes.String()));
  const orders = builder.stream<string, string>('orders');
  orders.process(() => ({ process() {} }), Named.as('dedupe'), 'seen');
  orders.selectKey((_k, v) => v).toTable().toStream().to('latest');
  orders.groupByKey().reduce((a, b) => a + b).toStream().to('joined');
  matchesSnapshot('tables', builder.build());
});
