import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { ProcessorContext } from '../../../processors/api/processor.ts';
import { streamRecord } from '../../../processors/api/record.ts';
import type { StorePlan } from '../../../processors/plan/topology-plan.ts';
import { TopologyTestDriver } from '../../../processors/testing/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import type { FlushListenable, TimestampedKeyValueStore } from '../../../state/api/timestamped.ts';
import type { KeyValueBytesStoreSupplier } from '../../../state/api/bytes-store.ts';
import { Stores } from '../../../state/stores.ts';
import { processor, sink, source, subtopology, topologyPlan } from '../runtime/fixtures.ts';

/** A count whose output leaves through the store's cache flushes, as a DSL KTable's does. */
function countingPlan(supplier: KeyValueBytesStoreSupplier): { plan: ReturnType<typeof topologyPlan> } {
  const builder = Stores.keyValueStoreBuilder(supplier, Serdes.String(), Serdes.Long());
  const store: StorePlan = { name: supplier.name, builder, changelogTopic: `${supplier.name}-changelog` };
  const plan = topologyPlan(
    [
      subtopology(
        0,
        [
          source('SRC', ['words'], ['COUNT']),
          processor(
            'COUNT',
            () => {
              let counts: KeyValueStore<string, number>;
              return {
                init(ctx: ProcessorContext<unknown, unknown>) {
                  counts = ctx.getStateStore<KeyValueStore<string, number>>(supplier.name);
                  const cached = (counts as unknown as FlushListenable<string, number>).setFlushListener((entries) => {
                    for (const e of entries) void ctx.forward(streamRecord(e.key, e.newValue === undefined ? null : String(e.newValue), e.timestamp));
                  }, false);
                  assert.ok(cached, 'the store has a cache');
                },
                async process(record) {
                  const word = String(record.value);
                  counts.put(word, ((await counts.get(word)) ?? 0) + 1);
                },
              };
            },
            ['SINK'],
            [supplier.name],
          ),
          sink('SINK', 'counts'),
        ],
        [supplier.name],
      ),
    ],
    [store],
  );
  return { plan };
}

test('with the real in-memory store: cached updates come out at each per-record commit, and the changelog is captured', async () => {
  const { plan } = countingPlan(Stores.inMemoryKeyValueStore('word-counts'));
  const driver = new TopologyTestDriver(plan, { applicationId: 'wc', initialWallClockTimeMs: 0 });
  const words = driver.createInputTopic('words', Serdes.String(), Serdes.String(), { startTimestampMs: 1000, autoAdvanceMs: 1 });
  const counts = driver.createOutputTopic('counts', Serdes.String(), Serdes.String());
  await words.pipeValueList(['a', 'b', 'a']);
  assert.deepEqual(counts.readKeyValuesToList(), [{ key: 'a', value: '1' }, { key: 'b', value: '1' }, { key: 'a', value: '2' }]);
  assert.equal(await driver.getKeyValueStore<string, number>('word-counts').get('a'), 2);
  const changelog = driver.createOutputTopic('wc-word-counts-changelog', Serdes.String(), Serdes.Long()).readRecordsToList();
  assert.deepEqual(changelog.map((r) => [r.key, r.value, r.timestamp]), [['a', 1, 1000], ['b', 1, 1001], ['a', 2, 1002]]);
  await driver.close();
});

test('without per-record commits, the cache coalesces updates until close', async () => {
  const { plan } = countingPlan(Stores.inMemoryKeyValueStore('word-counts'));
  const driver = new TopologyTestDriver(plan, { initialWallClockTimeMs: 0, commitEveryRecord: false });
  const words = driver.createInputTopic('words', Serdes.String(), Serdes.String());
  const counts = driver.createOutputTopic('counts', Serdes.String(), Serdes.String());
  await words.pipeValueList(['a', 'a', 'a']);
  assert.ok(counts.isEmpty());
  await driver.close();
  assert.deepEqual(counts.readKeyValuesToList(), [{ key: 'a', value: '3' }]);
});

test('a persistent store lives in a temporary state directory that close removes', async () => {
  const { plan } = countingPlan(Stores.persistentKeyValueStore('disk-counts'));
  const driver = new TopologyTestDriver(plan, { initialWallClockTimeMs: 0 });
  await driver.ready();
  const store = driver.getStateStore('disk-counts');
  assert.equal(store.persistent, true);
  const words = driver.createInputTopic('words', Serdes.String(), Serdes.String() as Serde<string>);
  await words.pipeValueList(['x', 'x']);
  assert.deepEqual(driver.createOutputTopic('counts', Serdes.String(), Serdes.String()).readValuesToList(), ['1', '2']);
  assert.equal(await driver.getKeyValueStore<string, number>('disk-counts').get('x'), 2);
  assert.ok(existsSync(driver.stateDir));
  await driver.close();
  assert.equal(existsSync(driver.stateDir), false);
});

test('getKeyValueStore shows a timestamped store with plain values; getTimestampedKeyValueStore keeps the timestamps', async () => {
  const builder = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore('latest'), Serdes.String(), Serdes.String());
  const plan = topologyPlan(
    [
      subtopology(
        0,
        [
          source('SRC', ['in'], ['TABLE']),
          processor(
            'TABLE',
            () => {
              let store: TimestampedKeyValueStore<string, string>;
              return {
                init(ctx: ProcessorContext<unknown, unknown>) {
                  store = ctx.getStateStore('latest');
                },
                process(record) {
                  store.put(String(record.key), { value: String(record.value), timestamp: record.timestamp });
                },
              };
            },
            [],
            ['latest'],
          ),
        ],
        ['latest'],
      ),
    ],
    [{ name: 'latest', builder, changelogTopic: undefined, timestamped: true }],
  );
  const driver = new TopologyTestDriver(plan, { initialWallClockTimeMs: 0 });
  await driver.createInputTopic('in', Serdes.String(), Serdes.String()).pipeInput('k', 'v', 1234);
  const plain = driver.getKeyValueStore<string, string>('latest');
  assert.equal(await plain.get('k'), 'v');
  const all: unknown[] = [];
  for await (const entry of plain.all()) all.push(entry);
  assert.deepEqual(all, [{ key: 'k', value: 'v' }]);
  assert.deepEqual(await driver.getTimestampedKeyValueStore<string, string>('latest').get('k'), { value: 'v', timestamp: 1234 });
  await driver.close();
});
