import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaStreams } from '../../../processors/client/index.ts';
import { TransactionalProducer } from '../../../processors/kafka/index.ts';
import { splitWords, wordCount } from './fixtures/word-count.ts';
import { bootstrap, clientConfig, createTopics, expectedCounts, latestCounts, makeLines, produce, readUntil, sameCounts, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

test('exactly_once_v2: a fenced producer loses its transaction; state and positions go back to the last commit and counts stay exact', { timeout: 180_000 }, async () => {
  const input = uniqueName('kst-fence-in');
  const output = uniqueName('kst-fence-out');
  const applicationId = uniqueName('kst-fence');
  await createTopics([{ name: input, partitions: 2 }, { name: output, partitions: 2 }]);
  const state = tempStateDir();
  const logs: string[] = [];
  const warn = console.warn;
  console.warn = (message: unknown) => void logs.push(String(message));
  const streams = new KafkaStreams(wordCount(input, output), {
    'application.id': applicationId,
    'bootstrap.servers': bootstrap(),
    'processing.guarantee': 'exactly_once_v2',
    'state.dir': state.dir,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
  });
  let fencer: TransactionalProducer | undefined;
  try {
    await streams.start();
    await waitForState(streams, 'RUNNING');
    const first = makeLines(500, 21);
    await produce(first.map((line, i) => ({ topic: input, key: text(`k${i}`), value: text(line) })));
    await readUntil(output, (r) => sameCounts(latestCounts(r), expectedCounts(first, splitWords)), { quietMs: 200 });

    // A second producer with the thread's transactional id fences the thread's producer.
    const { processId } = JSON.parse(readFileSync(join(state.dir, applicationId, 'kafka-streams-process-metadata'), 'utf8')) as { processId: string };
    fencer = new TransactionalProducer(clientConfig('kst-fencer'), `${applicationId}-${processId}-1`);
    await fencer.initTransactions();

    const second = makeLines(500, 23);
    await produce(second.map((line, i) => ({ topic: input, key: text(`k${i}`), value: text(line) })));
    const expected = expectedCounts([...first, ...second], splitWords);
    const records = await readUntil(output, (r) => sameCounts(latestCounts(r), expected), { timeoutMs: 90_000 });
    assert.deepEqual(latestCounts(records), expected);
    assert.ok(logs.some((line) => line.includes('lost its transaction')), `the thread recovered: ${logs.join('\n')}`);
    assert.match(await streams.metricsRegistry.metrics(), new RegExp(`^kstreams_thread_aborted_transactions_total\\{application_id="${applicationId}",thread="[^"]+"\\} [1-9]`, 'm'), 'the lost transaction is counted');
    assert.notEqual(streams.state, 'ERROR');
  } finally {
    console.warn = warn;
    await fencer?.close().catch(() => undefined);
    await streams.close({ timeoutMs: 30_000 });
    state.remove();
  }
});
