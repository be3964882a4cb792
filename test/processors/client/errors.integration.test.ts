import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaStreams } from '../../../processors/client/index.ts';
import { headerValue } from '../../../processors/kafka/index.ts';
import { isKstError } from '../../../common/errors.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Consumed, Produced, StreamsBuilder, type Topology } from '../../../processors/dsl/index.ts';
import { bootstrap, createTopics, produce, readUntil, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

interface Order {
  readonly id: string;
  readonly amount: number;
}

/** Orders (JSON) → amounts doubled (JSON): a record that is not JSON fails to deserialize. */
function doubler(input: string, output: string): Topology {
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.JSON<Order>()))
    .mapValues((order) => ({ id: order.id, amount: order.amount * 2 }))
    .to(output, Produced.with(Serdes.String(), Serdes.JSON<Order>()));
  return builder.build();
}

const order = (i: number) => ({ topic: '', key: text(`o${i}`), value: text(JSON.stringify({ id: `o${i}`, amount: i })) });

for (const guarantee of ['at_least_once', 'exactly_once_v2'] as const) {
  test(`log-and-continue (${guarantee}): a poison record goes to the DLQ with KIP-1034 headers, processing goes on`, { timeout: 120_000 }, async () => {
    const input = uniqueName('kst-dlq-in');
    const output = uniqueName('kst-dlq-out');
    const dlq = uniqueName('kst-dlq');
    await createTopics([{ name: input, partitions: 1 }, { name: output, partitions: 1 }, { name: dlq, partitions: 1 }]);
    const records = [order(1), order(2), { topic: '', key: text('bad'), value: text('{not json') }, order(3), order(4)];
    await produce(records.map((r) => ({ ...r, topic: input, headers: [['trace', Buffer.from('t-1')] as const] })));
    const state = tempStateDir();
    const streams = new KafkaStreams(doubler(input, output), {
      'application.id': uniqueName('kst-dlq-app'),
      'bootstrap.servers': bootstrap(),
      'processing.guarantee': guarantee,
      'state.dir': state.dir,
      'default.deserialization.exception.handler': 'log-and-continue',
      'errors.dead.letter.queue.topic.name': dlq,
      'commit.interval.ms': 200,
    });
    try {
      await streams.start();
      const out = await readUntil(output, (r) => r.length >= 4);
      assert.deepEqual(out.map((r) => JSON.parse(String(r.value)) as Order).map((o) => o.amount), [2, 4, 6, 8]);
      const [dead, ...more] = await readUntil(dlq, (r) => r.length >= 1);
      assert.equal(more.length, 0);
      assert.ok(dead !== undefined);
      assert.equal(dead.key?.toString(), 'bad');
      assert.equal(dead.value?.toString(), '{not json');
      const header = (name: string): string | undefined => headerValue(dead.headers, name)?.toString();
      assert.equal(header('trace'), 't-1', 'the original headers are kept');
      assert.equal(header('__streams.errors.topic'), input);
      assert.equal(header('__streams.errors.partition'), '0');
      assert.equal(header('__streams.errors.offset'), '2');
      assert.ok((header('__streams.errors.exception') ?? '').length > 0);
      assert.ok((header('__streams.errors.message') ?? '').length > 0);
      assert.ok((header('__streams.errors.stacktrace') ?? '').includes('at '));
      assert.equal(streams.state, 'RUNNING');
    } finally {
      await streams.close({ timeoutMs: 30_000 });
      state.remove();
    }
  });
}

test('log-and-fail: the client ends in ERROR with a message naming topic, partition and offset', { timeout: 120_000 }, async () => {
  const input = uniqueName('kst-fail-in');
  const output = uniqueName('kst-fail-out');
  await createTopics([{ name: input, partitions: 1 }, { name: output, partitions: 1 }]);
  await produce([order(1), { topic: '', key: text('bad'), value: text('{not json') }, order(2)].map((r) => ({ ...r, topic: input })));
  const state = tempStateDir();
  const streams = new KafkaStreams(doubler(input, output), {
    'application.id': uniqueName('kst-fail-app'),
    'bootstrap.servers': bootstrap(),
    'state.dir': state.dir,
  });
  const handled: Error[] = [];
  streams.setUncaughtExceptionHandler((error) => {
    handled.push(error);
    return 'SHUTDOWN_CLIENT';
  });
  try {
    await streams.start();
    await waitForState(streams, 'ERROR');
    const error = streams.lastError;
    assert.ok(isKstError(error, 'KST_TASK_DESERIALIZATION_FAILED'), String(error));
    assert.match(error.message, new RegExp(`${input}/0@1`));
    assert.equal(handled.length, 1);
    assert.equal(await streams.close({ timeoutMs: 10_000 }), true);
    assert.equal(streams.state, 'ERROR');
  } finally {
    state.remove();
  }
});

test('a missing source topic fails start() and leaves the client in ERROR', { timeout: 60_000 }, async () => {
  const state = tempStateDir();
  const missing = uniqueName('kst-missing');
  const streams = new KafkaStreams(doubler(missing, uniqueName('kst-missing-out')), { 'application.id': uniqueName('kst-missing-app'), 'bootstrap.servers': bootstrap(), 'state.dir': state.dir });
  try {
    await assert.rejects(streams.start(), (error: unknown) => isKstError(error, 'KST_STREAMS_SOURCE_TOPIC_MISSING') && error.message.includes(missing));
    assert.equal(streams.state, 'ERROR');
  } finally {
    state.remove();
  }
});
