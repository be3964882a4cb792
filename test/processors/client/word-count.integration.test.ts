import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaStreams } from '../../../processors/client/index.ts';
import { splitWords, wordCount } from './fixtures/word-count.ts';
import { bootstrap, createTopics, expectedCounts, latestCounts, makeLines, produce, readUntil, sameCounts, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
  test(`word count, ${guarantee}, one instance: exact counts`, { timeout: 180_000 }, async () => {
    const input = uniqueName('kst-wc-in');
    const output = uniqueName('kst-wc-out');
    const applicationId = uniqueName('kst-wc');
    await createTopics([{ name: input, partitions: 3 }, { name: output, partitions: 3 }]);
    const lines = makeLines(2_000);
    await produce(lines.map((line, i) => ({ topic: input, key: text(`k${i % 7}`), value: text(line) })));
    const state = tempStateDir();
    const streams = new KafkaStreams(wordCount(input, output), {
      'application.id': applicationId,
      'bootstrap.servers': bootstrap(),
      'processing.guarantee': guarantee,
      'state.dir': state.dir,
      'commit.interval.ms': 200,
      'session.timeout.ms': 10_000,
      'heartbeat.interval.ms': 1_000,
    });
    const states: string[] = [];
    streams.setStateListener((next) => states.push(next));
    try {
      await streams.start();
      assert.ok(['REBALANCING', 'RUNNING'].includes(streams.state));
      await waitForState(streams, 'RUNNING');
      const expected = expectedCounts(lines, splitWords);
      const records = await readUntil(output, (r) => sameCounts(latestCounts(r), expected), { timeoutMs: 90_000 });
      assert.deepEqual(latestCounts(records), expected);
      const threads = streams.localThreadsMetadata();
      assert.equal(threads.length, 1);
      assert.equal(threads[0]?.activeTasks.length, 6, 'three tasks per sub-topology');
    } finally {
      assert.equal(await streams.close({ timeoutMs: 30_000 }), true);
      state.remove();
    }
    assert.equal(streams.state, 'NOT_RUNNING');
    assert.deepEqual(states.slice(0, 2), ['REBALANCING', 'RUNNING']);
    assert.deepEqual(states.slice(-2), ['PENDING_SHUTDOWN', 'NOT_RUNNING']);
  });
}

test('word count, exactly_once_v2, two instances share a 4-partition topic: exact counts, tasks split', { timeout: 180_000 }, async () => {
  const input = uniqueName('kst-wc2-in');
  const output = uniqueName('kst-wc2-out');
  const applicationId = uniqueName('kst-wc2');
  await createTopics([{ name: input, partitions: 4 }, { name: output, partitions: 4 }]);
  const first = makeLines(1_500, 7);
  const second = makeLines(1_500, 11);
  await produce(first.map((line, i) => ({ topic: input, key: text(`k${i % 13}`), value: text(line) })));
  const dirs = [tempStateDir(), tempStateDir()];
  const make = (i: number): KafkaStreams => new KafkaStreams(wordCount(input, output), {
    'application.id': applicationId,
    'bootstrap.servers': bootstrap(),
    'processing.guarantee': 'exactly_once_v2',
    'state.dir': (dirs[i] as { dir: string }).dir,
    'application.server': `127.0.0.1:${7000 + i}`,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
  });
  const a = make(0);
  const b = make(1);
  try {
    await a.start();
    await b.start();
    await produce(second.map((line, i) => ({ topic: input, key: text(`k${i % 13}`), value: text(line) })));
    const expected = expectedCounts([...first, ...second], splitWords);
    const records = await readUntil(output, (r) => sameCounts(latestCounts(r), expected), { timeoutMs: 120_000 });
    assert.deepEqual(latestCounts(records), expected);
    await waitForState(a, 'RUNNING');
    await waitForState(b, 'RUNNING');
    const tasksA = a.localThreadsMetadata().flatMap((t) => t.activeTasks.map((task) => task.taskId));
    const tasksB = b.localThreadsMetadata().flatMap((t) => t.activeTasks.map((task) => task.taskId));
    assert.equal(tasksA.length + tasksB.length, 8, `tasks: ${tasksA} | ${tasksB}`);
    assert.ok(tasksA.length > 0 && tasksB.length > 0, 'both instances hold tasks');
    assert.deepEqual(new Set([...tasksA, ...tasksB]).size, 8);
    const hosts = a.metadataForAllStreamsClients();
    assert.deepEqual(hosts.map((h) => h.endpoint).sort(), ['127.0.0.1:7000', '127.0.0.1:7001']);
    assert.ok(hosts.every((h) => h.stateStoreNames.includes('counts') || h.topicPartitions.length === 0));
  } finally {
    await Promise.all([a.close({ timeoutMs: 30_000 }), b.close({ timeoutMs: 30_000 })]);
    for (const dir of dirs) dir.remove();
  }
});
