import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import type { NodePlan, TopologyPlan } from '../../../processors/plan/topology-plan.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Stores } from '../../../state/stores.ts';
import { Consumed, Grouped, Materialized, Named, Produced, Repartitioned, StreamsBuilder, keyValue, type KStream } from '../../../processors/dsl/index.ts';

const strings = () => new StreamsBuilder({ defaultKeySerde: Serdes.String(), defaultValueSerde: Serdes.String() });
const names = (plan: TopologyPlan, id: number): string[] => plan.subtopologies[id]?.nodes.map((node) => node.name) ?? [];
const node = (plan: TopologyPlan, name: string): NodePlan | undefined => plan.subtopologies.flatMap((s) => s.nodes).find((n) => n.name === name);

test('selectKey before a stateful step cuts the graph with a repartition topic named after the store', () => {
  const builder = strings();
  builder.stream<string, string>('input').selectKey((_k, v) => v).groupByKey().count();
  const plan = builder.build().plan();
  assert.equal(plan.subtopologies.length, 2);
  assert.deepEqual(names(plan, 0), ['KSTREAM-SOURCE-0000000000', 'KSTREAM-KEY-SELECT-0000000001', 'KSTREAM-FILTER-0000000005', 'KSTREAM-SINK-0000000004']);
  assert.deepEqual(names(plan, 1), ['KSTREAM-SOURCE-0000000006', 'KSTREAM-AGGREGATE-0000000003']);
  assert.deepEqual(plan.subtopologies[1]?.sourceTopics, ['KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition']);
  assert.deepEqual(plan.subtopologies[1]?.stores, ['KSTREAM-AGGREGATE-STATE-STORE-0000000002']);
  const sink = node(plan, 'KSTREAM-SINK-0000000004');
  assert.ok(sink?.kind === 'sink' && sink.internal && sink.topic === 'KSTREAM-AGGREGATE-STATE-STORE-0000000002-repartition');
  const source = node(plan, 'KSTREAM-SOURCE-0000000006');
  assert.ok(source?.kind === 'source' && source.internal);
});

type Grow = (stream: KStream<string, string>) => void;

test('map and groupBy repartition, mapValues, filter, flatMapValues and peek do not', () => {
  const cases: readonly [string, Grow, number][] = [
    ['map', (s) => s.map((k, v) => keyValue(v, k)).groupByKey().count(), 2],
    ['groupBy', (s) => s.groupBy((_k, v) => v).count(), 2],
    ['flatMap', (s) => s.flatMap((k, v) => [keyValue(v, k)]).groupByKey().reduce((a, b) => a + b), 2],
    ['selectKey + toTable', (s) => s.selectKey((_k, v) => v).toTable(), 2],
    ['process', (s) => s.process<string, string>(() => ({ process() {} })).groupByKey().count(), 2],
    ['mapValues', (s) => s.mapValues((v) => v.toUpperCase()).groupByKey().count(), 1],
    ['processValues', (s) => s.processValues<string>(() => ({ process() {} })).groupByKey().count(), 1],
    ['filter + peek + flatMapValues', (s) => s.filter(() => true).peek(() => {}).flatMapValues((v) => [v]).groupByKey().count(), 1],
    ['mapValues after a repartition', (s) => s.selectKey((_k, v) => v).repartition().mapValues((v) => v).groupByKey().count(), 2],
    ['selectKey without a stateful step', (s) => s.selectKey((_k, v) => v).to('out'), 1],
  ];
  for (const [label, grow, expected] of cases) {
    const builder = strings();
    grow(builder.stream<string, string>('input'));
    const plan = builder.build().plan();
    assert.equal(plan.subtopologies.length, expected, label);
    assert.equal(plan.internalTopics.filter((t) => t.kind === 'repartition').length, expected - 1, label);
  }
});

test('Grouped names the key selector, the repartition topic and its nodes', () => {
  const builder = strings();
  builder.stream<string, string>('input').groupBy((_k, v) => v, Grouped.as('by-word')).count(Materialized.as('counts'));
  const plan = builder.build().plan();
  assert.deepEqual(names(plan, 0), ['KSTREAM-SOURCE-0000000000', 'by-word', 'by-word-repartition-filter', 'by-word-repartition-sink']);
  assert.deepEqual(names(plan, 1), ['by-word-repartition-source', 'KSTREAM-AGGREGATE-0000000001']);
  assert.deepEqual(plan.internalTopics.map((t) => t.name), ['by-word-repartition', 'counts-changelog']);
});

test('internal topics carry their configs; logging off means no changelog; log config merges', () => {
  const builder = strings();
  const stream = builder.stream<string, string>('input');
  stream.groupByKey().count(Materialized.as<string, number>('logged').withLoggingEnabled({ 'min.insync.replicas': '2' }));
  stream.groupByKey().reduce((a, b) => a + b, Materialized.as<string, string>('unlogged').withLoggingDisabled());
  stream.repartition(Repartitioned.as<string, string>('spread').withNumberOfPartitions(6)).to('out');
  const plan = builder.build().plan();
  const topics = Object.fromEntries(plan.internalTopics.map((t) => [t.name, t]));
  assert.deepEqual(Object.keys(topics).sort(), ['logged-changelog', 'spread-repartition']);
  assert.deepEqual(topics['logged-changelog']?.configs, { 'cleanup.policy': 'compact', 'message.timestamp.type': 'CreateTime', 'min.insync.replicas': '2' });
  assert.equal(topics['spread-repartition']?.partitions, 6);
  assert.deepEqual(topics['spread-repartition']?.configs, { 'cleanup.policy': 'delete', 'segment.bytes': '52428800', 'retention.ms': '-1', 'message.timestamp.type': 'CreateTime' });
  assert.equal(plan.stores['logged']?.changelogTopic, 'logged-changelog');
  assert.equal(plan.stores['unlogged']?.changelogTopic, undefined);
  assert.equal(plan.stores['logged']?.builder.cachingEnabled, true);
});

test('a table source is materialized only when named or when a downstream groupBy needs old values', () => {
  const plain = strings();
  plain.table<string, string>('t').filter(() => true).toStream().to('out');
  const plainPlan = plain.build().plan();
  assert.deepEqual(Object.keys(plainPlan.stores), []);
  assert.deepEqual(names(plainPlan, 0), ['KSTREAM-SOURCE-0000000001', 'KTABLE-SOURCE-0000000002', 'KTABLE-FILTER-0000000003', 'KTABLE-TOSTREAM-0000000004', 'KSTREAM-SINK-0000000005']);

  const grouped = strings();
  grouped.table<string, string>('t').mapValues((v) => v).groupBy((k, v) => keyValue(v, k)).count();
  const plan = grouped.build().plan();
  assert.deepEqual(Object.keys(plan.stores).sort(), ['KTABLE-AGGREGATE-STATE-STORE-0000000005', 't-STATE-STORE-0000000000']);
  const source = node(plan, 'KTABLE-SOURCE-0000000002');
  assert.ok(source?.kind === 'processor');
  assert.deepEqual(source.stores, ['t-STATE-STORE-0000000000']);
  assert.deepEqual(plan.internalTopics.map((t) => t.name), ['KTABLE-AGGREGATE-STATE-STORE-0000000005-repartition', 't-STATE-STORE-0000000000-changelog', 'KTABLE-AGGREGATE-STATE-STORE-0000000005-changelog']);
  assert.deepEqual(names(plan, 1), ['KSTREAM-SOURCE-0000000007', 'KTABLE-AGGREGATE-0000000008']);
});

test('nodes come in topological order with children in DSL order, and every name is deterministic', () => {
  const build = () => {
    const builder = strings();
    const a = builder.stream<string, string>(['a1', 'a2']);
    const b = builder.stream<string, string>('b');
    const merged = a.merge(b.filter(() => true));
    merged.to('x');
    merged.mapValues((v) => v).to('y');
    return builder.build().plan();
  };
  const plan = build();
  assert.equal(plan.subtopologies.length, 1);
  assert.deepEqual(names(plan, 0), ['KSTREAM-SOURCE-0000000000', 'KSTREAM-SOURCE-0000000001', 'KSTREAM-FILTER-0000000002', 'KSTREAM-MERGE-0000000003', 'KSTREAM-SINK-0000000004', 'KSTREAM-MAPVALUES-0000000005', 'KSTREAM-SINK-0000000006']);
  const merge = node(plan, 'KSTREAM-MERGE-0000000003');
  assert.ok(merge?.kind === 'processor');
  assert.deepEqual(merge.children, ['KSTREAM-SINK-0000000004', 'KSTREAM-MAPVALUES-0000000005']);
  assert.deepEqual(plan.subtopologies[0]?.sourceTopics, ['a1', 'a2', 'b']);
  assert.deepEqual(names(build(), 0), names(plan, 0));
});

test('the sources of a stateful sub-topology that reads several topics form a co-partition group', () => {
  const builder = strings();
  builder.stream<string, string>('left').merge(builder.stream<string, string>('right')).groupByKey().count();
  builder.stream<string, string>('solo').groupByKey().count();
  assert.deepEqual(builder.build().plan().copartitionGroups, [['left', 'right']]);
});

test('process connects stores added with addStateStore; an unknown store is a coded error', () => {
  const builder = strings();
  builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), Serdes.String(), Serdes.String()));
  builder.stream<string, string>('input').process(() => ({ process() {} }), Named.as('dedupe'), 'seen');
  const plan = builder.build().plan();
  const dedupe = node(plan, 'dedupe');
  assert.ok(dedupe?.kind === 'processor');
  assert.deepEqual(dedupe.stores, ['seen']);
  assert.deepEqual(plan.subtopologies[0]?.stores, ['seen']);

  const broken = strings();
  broken.stream<string, string>('input').process(() => ({ process() {} }), 'missing');
  assert.throws(() => broken.build(), (error) => isKstError(error, 'KST_TOPOLOGY_UNKNOWN_STORE') && /missing/.test(error.message));
});

test('a missing serde fails at build time and names the node', () => {
  const builder = new StreamsBuilder();
  builder.stream('input', Consumed.with(Serdes.String(), Serdes.String())).mapValues((v) => v.length).to('out', Produced.as('lengths'));
  assert.throws(() => builder.build(), (error) => isKstError(error, 'KST_TOPOLOGY_SERDE_MISSING') && /"lengths" needs a value serde/.test(error.message));

  const store = new StreamsBuilder();
  store.stream('input', Consumed.with(Serdes.String(), Serdes.String())).groupByKey().aggregate(() => [] as string[], (_k, v, all) => [...all, v]);
  assert.throws(() => store.build(), (error) => isKstError(error, 'KST_TOPOLOGY_SERDE_MISSING') && /KSTREAM-AGGREGATE-0000000002/.test(error.message));
});

test('the builder and its streams refuse operators after build()', () => {
  const builder = strings();
  const stream = builder.stream<string, string>('input');
  stream.to('out');
  builder.build();
  assert.throws(() => stream.filter(() => true), (error) => isKstError(error, 'KST_TOPOLOGY_BUILDER_SEALED'));
  assert.throws(() => builder.stream('other'), (error) => isKstError(error, 'KST_TOPOLOGY_BUILDER_SEALED'));
  assert.throws(() => builder.build(), (error) => isKstError(error, 'KST_TOPOLOGY_BUILDER_SEALED'));
});

test('invalid graphs are coded errors', () => {
  assert.throws(() => strings().build(), (error) => isKstError(error, 'KST_TOPOLOGY_INVALID'));
  const twice = strings();
  twice.stream('input').to('a');
  twice.stream('input').to('b');
  assert.throws(() => twice.build(), (error) => isKstError(error, 'KST_TOPOLOGY_NAME_CONFLICT') && /"input"/.test(error.message));
  const clash = strings();
  const first = clash.stream('input').filter(() => true, Named.as('same'));
  assert.throws(() => first.filter(() => true, Named.as('same')), (error) => isKstError(error, 'KST_TOPOLOGY_NAME_CONFLICT'));
  const repartitionClash = strings();
  repartitionClash.stream('input').filter(() => true, Named.as('g-repartition-sink')).groupBy((_k, v) => v, Grouped.as('g')).count();
  assert.throws(() => repartitionClash.build(), (error) => isKstError(error, 'KST_TOPOLOGY_NAME_CONFLICT') && /g-repartition-sink/.test(error.message));
  const other = strings();
  assert.throws(() => strings().stream('a').merge(other.stream('b')), (error) => isKstError(error, 'KST_TOPOLOGY_INVALID'));
  assert.throws(() => Named.as('has space'), (error) => isKstError(error, 'KST_TOPOLOGY_INVALID'));
  assert.throws(() => Repartitioned.numberOfPartitions(0), (error) => isKstError(error, 'KST_TOPOLOGY_INVALID'));
});
