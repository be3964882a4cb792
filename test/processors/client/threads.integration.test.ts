import '../../support/exit-after-tests.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaStreams, QueryableStoreTypes } from '../../../processors/client/index.ts';
import type { KafkaRecord } from '../../../processors/kafka/index.ts';
import { COUNTS_STORE, splitWords } from './fixtures/word-count.ts';
import { bootstrap, createTopics, expectedCounts, latestCounts, makeLines, produce, readUntil, sameCounts, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

test('num.stream.threads 2: each stream thread runs on a worker built from the topology module', { timeout: 180_000 }, async () => {
  const input = uniqueName('kst-thr-in');
  const output = uniqueName('kst-thr-out');
  await createTopics([{ name: input, partitions: 4 }, { name: output, partitions: 4 }]);
  // Workers inherit the environment: the module's export reads its topics from it.
  process.env['KST_TEST_WC_INPUT'] = input;
  process.env['KST_TEST_WC_OUTPUT'] = output;
  const lines = makeLines(2_000, 17);
  await produce(lines.map((line, i) => ({ topic: input, key: text(`k${i % 11}`), value: text(line) })));
  const state = tempStateDir();
  const streams = new KafkaStreams({ module: new URL('./fixtures/word-count.ts', import.meta.url), exportName: 'buildFromEnv' }, {
    'application.id': uniqueName('kst-thr'),
    'bootstrap.servers': bootstrap(),
    'processing.guarantee': 'exactly_once_v2',
    'num.stream.threads': 2,
    'state.dir': state.dir,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
  });
  let restoreStarts = 0;
  streams.setGlobalStateRestoreListener({ onRestoreStart: () => void restoreStarts++ });
  try {
    await streams.start();
    const expected = expectedCounts(lines, splitWords);
    const records = await readUntil(output, (r) => sameCounts(latestCounts(r), expected), { timeoutMs: 120_000 });
    assert.deepEqual(latestCounts(records), expected);
    await waitForState(streams, 'RUNNING');
    const threads = streams.localThreadsMetadata();
    assert.equal(threads.length, 2);
    assert.deepEqual(threads.map((t) => t.threadState), ['RUNNING', 'RUNNING']);
    const tasks = threads.flatMap((t) => t.activeTasks.map((task) => task.taskId));
    assert.equal(new Set(tasks).size, 8, `tasks: ${tasks.join(', ')}`);
    assert.ok(threads.every((t) => t.activeTasks.length > 0), 'both threads hold tasks');
    assert.ok(restoreStarts >= 0);
    const metrics = await streams.metricsRegistry.metrics();
    for (const thread of threads) assert.ok(metrics.includes(`thread="${thread.threadName}"`), `metrics of ${thread.threadName}`);
    assert.match(metrics, /kstreams_task_processed_records_total/);
    assert.match(metrics, /kstreams_commit_latency_seconds_count/);
    // Interactive queries read the stores where they live, on the workers.
    const counts = streams.store({ storeName: COUNTS_STORE, queryableStoreType: QueryableStoreTypes.keyValueStore<string, number>() });
    for (const [word, count] of expected) assert.equal(await counts.get(word), count, word);
    const all = new Map<string, number>();
    for await (const { key, value } of counts.all()) all.set(key, value);
    assert.deepEqual(all, expected);
    // RocksDB's estimate counts a key once per version it still holds (memtable, files): never fewer than the keys.
    const estimate = await counts.approximateNumEntries();
    assert.ok(estimate >= expected.size, `approximateNumEntries ${estimate} < ${expected.size} keys`);
    const lags = (await streams.allLocalStorePartitionLags()).get(COUNTS_STORE);
    assert.deepEqual([...(lags?.keys() ?? [])].sort(), [0, 1, 2, 3], 'a lag for each partition of the counts store, from both workers');
  } finally {
    assert.equal(await streams.close({ timeoutMs: 30_000 }), true);
    state.remove();
  }
  assert.equal(streams.state, 'NOT_RUNNING');
});

test('num.stream.threads 2 with a GlobalKTable: each worker keeps its own copy of the global store, restored at start and kept current', { timeout: 180_000 }, async () => {
  const lines = uniqueName('kst-thr-gj-lines');
  const prices = uniqueName('kst-thr-gj-prices');
  const output = uniqueName('kst-thr-gj-out');
  await createTopics([{ name: lines, partitions: 4 }, { name: prices, partitions: 2 }, { name: output, partitions: 4 }]);
  process.env['KST_TEST_GJ_LINES'] = lines;
  process.env['KST_TEST_GJ_PRICES'] = prices;
  process.env['KST_TEST_GJ_OUTPUT'] = output;
  const products = Array.from({ length: 20 }, (_, i) => `p${i}`);
  await produce(products.map((p) => ({ topic: prices, key: text(p), value: text(`v1-${p}`) })));
  const first = Array.from({ length: 400 }, (_, i) => ({ key: `l${i}`, line: `p${i % 20}:${i}` }));
  await produce(first.map(({ key, line }) => ({ topic: lines, key: text(key), value: text(line) })));
  const state = tempStateDir();
  const applicationId = uniqueName('kst-thr-gj');
  const streams = new KafkaStreams({ module: new URL('./fixtures/global-join.ts', import.meta.url), exportName: 'buildFromEnv' }, {
    'application.id': applicationId,
    'bootstrap.servers': bootstrap(),
    'num.stream.threads': 2,
    'commit.interval.ms': 200,
    'state.dir': state.dir,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
  });
  // Output partitions interleave when read: pick a batch's results by their keys.
  const joined = (records: readonly KafkaRecord[], keys?: ReadonlySet<string>): string[] =>
    records.filter((r) => keys === undefined || keys.has(r.key?.toString('utf8') ?? '')).map((r) => r.value?.toString('utf8') ?? '');
  const keysOf = (batch: ReadonlyArray<{ key: string }>): Set<string> => new Set(batch.map(({ key }) => key));
  try {
    await streams.start();
    // Restored before the stream threads started: every line of the first batch joins the v1 prices.
    const restored = await readUntil(output, (records) => records.length >= first.length, { timeoutMs: 90_000 });
    assert.deepEqual(joined(restored).sort(), first.map(({ line }) => `${line}=v1-${line.split(':')[0]}`).sort());
    await waitForState(streams, 'RUNNING');
    const threads = streams.localThreadsMetadata();
    assert.ok(threads.length === 2 && threads.every((t) => t.activeTasks.length > 0), `both workers hold tasks: ${JSON.stringify(threads.map((t) => t.activeTasks.length))}`);

    // Kept current: after the prices change, rounds of one line per product (so every
    // task on both workers reads its copy) until a round joins only v2 prices.
    await produce(products.map((p) => ({ topic: prices, key: text(p), value: text(`v2-${p}`) })));
    let sent = first.length;
    let caughtUpAt = -1;
    for (let round = 0; caughtUpAt < 0; round++) {
      assert.ok(round < 60, 'the workers\' copies never showed the v2 prices');
      const batch = products.map((p, i) => ({ key: `l${sent + i}`, line: `${p}:${sent + i}` }));
      sent += batch.length;
      await produce(batch.map(({ key, line }) => ({ topic: lines, key: text(key), value: text(line) })));
      const records = await readUntil(output, (all) => all.length >= sent, { timeoutMs: 30_000 });
      const values = joined(records, keysOf(batch));
      assert.equal(values.length, batch.length);
      if (values.every((value) => value.includes('=v2-'))) caughtUpAt = round;
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const last = products.map((p, i) => ({ key: `l${sent + i}`, line: `${p}:${sent + i}` }));
    await produce(last.map(({ key, line }) => ({ topic: lines, key: text(key), value: text(line) })));
    const all = await readUntil(output, (records) => records.length >= sent + last.length, { timeoutMs: 30_000 });
    assert.deepEqual(joined(all, keysOf(last)).sort(), last.map(({ line }) => `${line}=v2-${line.split(':')[0]}`).sort(), 'no copy goes back to an old price');
  } finally {
    assert.equal(await streams.close({ timeoutMs: 30_000 }), true);
  }
  // Three copies: the client's (for queries) and one per worker, each checkpointed at close.
  for (const folder of ['global', 'global-1', 'global-2']) assert.ok(existsSync(join(state.dir, applicationId, folder, '.checkpoint')), `${folder} checkpointed`);
  state.remove();
});
