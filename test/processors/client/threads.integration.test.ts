import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaStreams } from '../../../processors/client/index.ts';
import { splitWords } from './fixtures/word-count.ts';
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
  } finally {
    assert.equal(await streams.close({ timeoutMs: 30_000 }), true);
    state.remove();
  }
  assert.equal(streams.state, 'NOT_RUNNING');
});
