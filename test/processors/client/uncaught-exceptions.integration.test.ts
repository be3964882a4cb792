/**
 * The uncaught-exception policy (KIP-671): a processing error that the processing handler
 * answers with FAIL kills the stream thread; the client's handler then replaces the thread
 * (which resumes from the last commit) or shuts the client down.
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaStreams, type StreamThreadExceptionResponse } from '../../../processors/client/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Consumed, Produced, StreamsBuilder, type Topology } from '../../../processors/dsl/index.ts';
import { bootstrap, createTopics, produce, readUntil, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

/** Upper-cases values; the first time it meets "boom" it throws (a transient fault). */
function flaky(input: string, output: string, failures: { left: number }): Topology {
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .mapValues((value) => {
      if (value === 'boom' && failures.left > 0) {
        failures.left--;
        throw new Error('transient fault on "boom"');
      }
      return value.toUpperCase();
    })
    .to(output, Produced.with(Serdes.String(), Serdes.String()));
  return builder.build();
}

async function run(response: StreamThreadExceptionResponse) {
  const input = uniqueName('kst-uncaught-in');
  const output = uniqueName('kst-uncaught-out');
  await createTopics([{ name: input, partitions: 1 }, { name: output, partitions: 1 }]);
  await produce(['a', 'b', 'boom', 'c'].map((value, i) => ({ topic: input, key: text(`k${i}`), value: text(value) })));
  const state = tempStateDir();
  const streams = new KafkaStreams(flaky(input, output, { left: 1 }), {
    'application.id': uniqueName('kst-uncaught-app'),
    'bootstrap.servers': bootstrap(),
    'processing.guarantee': 'exactly_once_v2',
    'state.dir': state.dir,
    'processing.exception.handler': 'log-and-fail',
  });
  const errors: Error[] = [];
  streams.setUncaughtExceptionHandler((error) => {
    errors.push(error);
    return response;
  });
  return { streams, output, errors, state };
}

test('REPLACE_THREAD: a new thread resumes from the last commit and the client keeps running', { timeout: 120_000 }, async () => {
  const { streams, output, errors, state } = await run('REPLACE_THREAD');
  try {
    await streams.start();
    const out = await readUntil(output, (records) => records.length >= 4);
    assert.deepEqual(out.map((r) => r.value?.toString()), ['A', 'B', 'BOOM', 'C'], 'every record once, in order, under exactly-once');
    assert.equal(errors.length, 1);
    assert.match(errors[0]?.message ?? '', /transient fault on "boom"/);
    await waitForState(streams, 'RUNNING');
  } finally {
    await streams.close({ timeoutMs: 30_000 });
    state.remove();
  }
});

test('SHUTDOWN_CLIENT: the client stops in ERROR with the thread\'s error', { timeout: 120_000 }, async () => {
  const { streams, errors, state } = await run('SHUTDOWN_CLIENT');
  try {
    await streams.start();
    await waitForState(streams, 'ERROR');
    assert.equal(errors.length, 1);
    assert.match(streams.lastError?.message ?? '', /transient fault on "boom"/);
  } finally {
    await streams.close({ timeoutMs: 30_000 });
    state.remove();
  }
});
