/**
 * Under at-least-once a stream thread that has caught up with its input sends its output
 * at once, not at the next commit: with `commit.interval.ms` at 10 minutes, a record's
 * result is readable within seconds, and the input's offset is still committed only on
 * the interval (or at close).
 */

import '../../../support/exit-after-tests.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KafkaStreams } from '../../../../processors/client/index.ts';
import { Consumed, Produced, StreamsBuilder } from '../../../../processors/dsl/index.ts';
import { Serdes } from '../../../../schemas/serdes/serdes.ts';
import { bootstrap, createTopics, produce, readUntil, tempStateDir, text, uniqueName, waitForState } from '../../client/helpers.ts';

const COMMIT_INTERVAL_MS = 600_000;

test('at-least-once: a caught-up thread sends its output without waiting for the commit interval', { timeout: 120_000 }, async () => {
  const input = uniqueName('kst-idle-in');
  const output = uniqueName('kst-idle-out');
  await createTopics([{ name: input, partitions: 1 }, { name: output, partitions: 1 }]);
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String())).mapValues((v) => v.toUpperCase()).to(output, Produced.with(Serdes.String(), Serdes.String()));
  const state = tempStateDir();
  const streams = new KafkaStreams(builder.build(), {
    'application.id': uniqueName('kst-idle'),
    'bootstrap.servers': bootstrap(),
    'state.dir': state.dir,
    'processing.guarantee': 'at_least_once',
    'commit.interval.ms': COMMIT_INTERVAL_MS,
  });
  try {
    await streams.start();
    await waitForState(streams, 'RUNNING');
    const startedAt = Date.now();
    await produce([{ topic: input, key: text('k'), value: text('one') }]);
    // Far below the commit interval: without the idle send this waits 10 minutes and times out.
    const records = await readUntil(output, (read) => read.some((r) => r.value?.toString() === 'ONE'), { timeoutMs: 60_000, quietMs: 0 });
    console.log(`output readable ${Date.now() - startedAt} ms after the input was written (commit.interval.ms ${COMMIT_INTERVAL_MS})`);
    assert.deepEqual(records.map((r) => r.value?.toString()), ['ONE']);
  } finally {
    await streams.close({ timeoutMs: 30_000 });
    state.remove();
  }
});
