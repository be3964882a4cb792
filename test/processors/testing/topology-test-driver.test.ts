import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PunctuationType } from '../../../processors/api/processor.ts';
import { streamRecord, withKey, withValue } from '../../../processors/api/record.ts';
import { TopologyTestDriver, continueOnError } from '../../../processors/testing/index.ts';
import { isKstError } from '../../../common/errors.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import { mapProcessor, memoryStorePlan, processor, sink, source, str, subtopology, topologyPlan, type MemoryStore } from '../runtime/fixtures.ts';

const upperPlan = () =>
  topologyPlan([
    subtopology(0, [
      source('SRC', ['input'], ['UPPER']),
      processor('UPPER', mapProcessor((ctx, r) => ctx.forward(withValue(r, String(r.value).toUpperCase()))), ['SINK']),
      sink('SINK', 'output'),
    ]),
  ]);

test('pipes input records through the topology to an output topic, in order, with timestamps', async () => {
  const driver = new TopologyTestDriver(upperPlan(), { initialWallClockTimeMs: 0 });
  const input = driver.createInputTopic('input', Serdes.String(), Serdes.String(), { startTimestampMs: 100, autoAdvanceMs: 10 });
  const output = driver.createOutputTopic('output', Serdes.String(), Serdes.String());
  await input.pipeInput('a', 'x');
  await input.pipeKeyValueList([{ key: 'b', value: 'y' }, ['c', 'z']]);
  await input.pipeInput('d', 'w', 5000);
  assert.equal(output.getQueueSize(), 4);
  assert.deepEqual(output.readKeyValue(), { key: 'a', value: 'X' });
  const records = output.readRecordsToList();
  assert.deepEqual(records.map((r) => [r.key, r.value, r.timestamp]), [['b', 'Y', 110], ['c', 'Z', 120], ['d', 'W', 5000]]);
  assert.ok(output.isEmpty());
  assert.throws(() => output.readRecord(), (e: unknown) => isKstError(e, 'KST_TEST_DRIVER_NO_RECORD'));
  await driver.close();
});

test('accepts an object whose plan() or build() returns the plan', async () => {
  const plan = upperPlan();
  for (const topology of [{ plan: () => plan }, { build: () => ({ plan: () => plan }) }]) {
    const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0 });
    await driver.createInputTopic('input', Serdes.String(), Serdes.String()).pipeInput('k', 'v');
    assert.deepEqual(driver.createOutputTopic('output', Serdes.String(), Serdes.String()).readKeyValuesToMap(), new Map([['k', 'V']]));
    await driver.close();
  }
});

test('routes a repartition topic in memory to the sub-topology that reads it, and exposes its store', async () => {
  const counts = memoryStorePlan('counts');
  const plan = topologyPlan(
    [
      subtopology(0, [
        source('WORDS', ['words'], ['REKEY']),
        processor('REKEY', mapProcessor((ctx, r) => ctx.forward(withKey(r, r.value))), ['TO-REPARTITION']),
        sink('TO-REPARTITION', 'by-word-repartition', { internal: true }),
      ]),
      subtopology(
        1,
        [
          source('FROM-REPARTITION', ['by-word-repartition'], ['COUNT'], { internal: true }),
          processor(
            'COUNT',
            mapProcessor((ctx, r) => {
              const store = ctx.getStateStore<MemoryStore<unknown, number>>('counts');
              const next = (store.get(r.key) ?? 0) + 1;
              store.put(r.key, next);
              return ctx.forward(withValue(r, String(next)));
            }),
            ['COUNT-SINK'],
            ['counts'],
          ),
          sink('COUNT-SINK', 'word-counts'),
        ],
        ['counts'],
      ),
    ],
    [counts.plan],
  );
  const driver = new TopologyTestDriver(plan, { applicationId: 'wc', initialWallClockTimeMs: 0 });
  assert.deepEqual([...driver.inputTopicNames].sort(), ['wc-by-word-repartition', 'words']);
  const words = driver.createInputTopic('words', Serdes.String(), Serdes.String());
  for (const word of ['a', 'b', 'a']) await words.pipeInput(null, word);
  const output = driver.createOutputTopic('word-counts', Serdes.String(), Serdes.String());
  assert.deepEqual(output.readKeyValuesToList(), [{ key: 'a', value: '1' }, { key: 'b', value: '1' }, { key: 'a', value: '2' }]);
  assert.equal(driver.createOutputTopic('wc-by-word-repartition', Serdes.String(), Serdes.String()).getQueueSize(), 3);
  assert.equal(await driver.getKeyValueStore<string, number>('counts').get('a'), 2);
  assert.throws(() => driver.getStateStore('nope'), (e: unknown) => isKstError(e, 'KST_TEST_DRIVER_UNKNOWN_STORE'));
  assert.throws(() => driver.createInputTopic('nope', Serdes.String(), Serdes.String()), (e: unknown) => isKstError(e, 'KST_TEST_DRIVER_UNKNOWN_TOPIC'));
  const store = counts.instances[0] as MemoryStore<unknown, unknown>;
  assert.equal(store.stats.inits[0]?.taskId, '1_0');
  await driver.close();
  assert.equal(store.stats.closed, 1);
});

test('advanceWallClockTime fires wall-clock punctuators at their times', async () => {
  const plan = topologyPlan([
    subtopology(0, [
      source('SRC', ['input'], ['TICK']),
      processor(
        'TICK',
        () => ({
          init(ctx) {
            ctx.schedule(1000, PunctuationType.WALL_CLOCK_TIME, (ts) => ctx.forward(streamRecord('tick', String(ts), ts)));
          },
          process() {},
        }),
        ['SINK'],
      ),
      sink('SINK', 'ticks'),
    ]),
  ]);
  const driver = new TopologyTestDriver(plan, { initialWallClockTimeMs: 10_000 });
  const ticks = driver.createOutputTopic('ticks', Serdes.String(), Serdes.String());
  await driver.advanceWallClockTime(999);
  assert.ok(ticks.isEmpty());
  await driver.advanceWallClockTime(1);
  assert.deepEqual(ticks.readValuesToList(), ['11000']);
  await driver.advanceWallClockTime(2500);
  assert.deepEqual(ticks.readValuesToList(), ['13500']);
  assert.equal(driver.wallClockTimeMs, 13_500);
  await driver.close();
});

test('commits after every record, so what a store flush forwards appears at once', async () => {
  const buffer = memoryStorePlan('buffer');
  const plan = topologyPlan(
    [
      subtopology(
        0,
        [
          source('SRC', ['input'], ['BUFFER']),
          processor(
            'BUFFER',
            () => {
              let pending: { key: unknown; value: unknown; timestamp: number }[] = [];
              return {
                init(ctx) {
                  const store = ctx.getStateStore<MemoryStore<unknown, unknown>>('buffer');
                  store.onFlush = () => {
                    for (const r of pending) void ctx.forward(streamRecord(r.key, r.value, r.timestamp));
                    pending = [];
                  };
                },
                process(record) {
                  pending.push(record);
                },
              };
            },
            ['SINK'],
            ['buffer'],
          ),
          sink('SINK', 'output'),
        ],
        ['buffer'],
      ),
    ],
    [buffer.plan],
  );
  const driver = new TopologyTestDriver(plan, { initialWallClockTimeMs: 0 });
  const input = driver.createInputTopic('input', Serdes.String(), Serdes.String());
  const output = driver.createOutputTopic('output', Serdes.String(), Serdes.String());
  await input.pipeInput('k', 'v1');
  assert.deepEqual(output.readKeyValue(), { key: 'k', value: 'v1' });
  await driver.close();

  const lazy = new TopologyTestDriver(plan, { initialWallClockTimeMs: 0, commitEveryRecord: false });
  await lazy.createInputTopic('input', Serdes.String(), Serdes.String()).pipeInput('k', 'v1');
  assert.ok(lazy.createOutputTopic('output', Serdes.String(), Serdes.String()).isEmpty());
  await lazy.close();
});

test('dead-letters records the handlers skip, and fails with a coded error by default', async () => {
  const json = Serdes.JSON<{ n: number }>() as Serde<unknown>;
  const plan = topologyPlan([
    subtopology(0, [
      source('SRC', ['input'], ['CHECK'], { valueSerde: json }),
      processor('CHECK', mapProcessor((ctx, r) => {
        if ((r.value as { n: number }).n < 0) throw new Error('negative');
        return ctx.forward(withValue(r, String((r.value as { n: number }).n)));
      }), ['SINK']),
      sink('SINK', 'output'),
    ]),
  ]);
  const driver = new TopologyTestDriver(plan, { initialWallClockTimeMs: 0, deserializationExceptionHandler: continueOnError, processingExceptionHandler: continueOnError });
  const raw = driver.createInputTopic('input', Serdes.String(), Serdes.String());
  await raw.pipeInput('bad', '{not json');
  await raw.pipeInput('neg', '{"n":-1}');
  await raw.pipeInput('ok', '{"n":1}');
  assert.deepEqual(driver.createOutputTopic('output', str, str).readKeyValuesToList(), [{ key: 'ok', value: '1' }]);
  const dead = driver.deadLetters();
  assert.deepEqual(dead.map((d) => [d.kind, d.context.nodeName, d.context.offset, d.input?.key?.toString()]), [
    ['deserialization', 'SRC', 0n, 'bad'],
    ['processing', 'CHECK', 1n, 'neg'],
  ]);
  await driver.close();

  const strict = new TopologyTestDriver(plan, { initialWallClockTimeMs: 0 });
  const input = strict.createInputTopic('input', Serdes.String(), Serdes.String());
  await assert.rejects(input.pipeInput('neg', '{"n":-1}'), (e: unknown) => isKstError(e, 'KST_TASK_PROCESSING_FAILED') && e.details['node'] === 'CHECK');
  // The driver goes on after a failed pipe.
  await input.pipeInput('ok', '{"n":2}');
  assert.equal(strict.createOutputTopic('output', str, str).readValue(), '2');
  await strict.close();
});

test('global stores are filled from their topic and readable from every processor without a connection', async () => {
  const products = memoryStorePlan('products');
  const plan = {
    ...topologyPlan([
      subtopology(0, [
        source('ORDERS', ['orders'], ['ENRICH']),
        processor('ENRICH', mapProcessor((ctx, r) => ctx.forward(withValue(r, `${String(r.value)} of ${String(ctx.getStateStore<MemoryStore<unknown, unknown>>('products').get(r.key) ?? '?')}`))), ['OUT']),
        sink('OUT', 'enriched'),
      ]),
    ]),
    globalStores: [
      {
        store: products.plan,
        source: source('PRODUCTS', ['products'], ['PUT']),
        processor: processor('PUT', mapProcessor((ctx, r) => ctx.getStateStore<MemoryStore<unknown, unknown>>('products').put(r.key, r.value)), [], ['products']),
      },
    ],
  };
  const driver = new TopologyTestDriver(plan, { initialWallClockTimeMs: 0 });
  await driver.createInputTopic('products', Serdes.String(), Serdes.String()).pipeInput('p1', 'apples');
  const orders = driver.createInputTopic('orders', Serdes.String(), Serdes.String());
  await orders.pipeInput('p1', '3');
  await orders.pipeInput('p2', '4');
  assert.deepEqual(driver.createOutputTopic('enriched', str, str).readValuesToList(), ['3 of apples', '4 of ?']);
  assert.equal((products.instances[0] as MemoryStore<unknown, unknown>).stats.inits[0]?.taskId, 'global');
  assert.equal(driver.getKeyValueStore<string, string>('products').get('p1'), 'apples');
  await driver.close();
});
