import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaStreams } from '../../../processors/client/index.ts';
import { headerValue } from '../../../processors/kafka/index.ts';
import { isKstError } from '../../../common/errors.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Consumed, Produced, StreamsBuilder, type Topology } from '../../../processors/dsl/index.ts';
import { bootstrap, createTopics, produce, readUntil, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

/**
 * Output records far larger than their input: "big" becomes ~1.5 MB (over the default
 * max.request.size), "mid" ~200 KB (fine alone, too much for one batch by the dozen),
 * anything else passes as it is.
 */
function inflater(input: string, output: string): Topology {
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()))
    .mapValues((value) => (value === 'big' ? 'B'.repeat(1_500_000) : value.startsWith('mid') ? `${value}:${'M'.repeat(200_000)}` : value))
    .to(output, Produced.with(Serdes.String(), Serdes.String()));
  return builder.build();
}

const GUARANTEES = ['at_least_once', 'exactly_once_v2'] as const;

async function run(guarantee: (typeof GUARANTEES)[number], inputs: ReadonlyArray<readonly [string, string]>, extra: Record<string, unknown>, outputConfigs?: Record<string, string>) {
  const input = uniqueName('kst-large-in');
  const output = uniqueName('kst-large-out');
  const dlq = uniqueName('kst-large-dlq');
  await createTopics([{ name: input, partitions: 1 }, { name: output, partitions: 2, ...(outputConfigs === undefined ? {} : { configs: outputConfigs }) }, { name: dlq, partitions: 1 }]);
  await produce(inputs.map(([key, value]) => ({ topic: input, key: text(key), value: text(value) })));
  const state = tempStateDir();
  const streams = new KafkaStreams(inflater(input, output), {
    'application.id': uniqueName('kst-large-app'),
    'bootstrap.servers': bootstrap(),
    'processing.guarantee': guarantee,
    'state.dir': state.dir,
    ...extra,
    ...(extra['production.exception.handler'] === 'log-and-continue' ? { 'errors.dead.letter.queue.topic.name': dlq } : {}),
  });
  return { input, output, dlq, streams, state };
}

for (const guarantee of GUARANTEES) {
  test(`log-and-continue (${guarantee}): small records arrive, a 1.5 MB one is skipped and dead-lettered without its value`, { timeout: 120_000 }, async () => {
    const inputs = [['a', 's1'], ['b', 's2'], ['c', 'big'], ['d', 's3'], ['e', 's4']] as const;
    const { output, dlq, streams, state } = await run(guarantee, inputs, { 'production.exception.handler': 'log-and-continue', 'commit.interval.ms': 200 });
    try {
      await streams.start();
      const out = await readUntil(output, (r) => r.length >= 4);
      assert.deepEqual(out.map((r) => r.value?.toString()).sort(), ['s1', 's2', 's3', 's4']);
      const dead = await readUntil(dlq, (r) => r.length >= 1);
      assert.equal(dead.length, 1);
      assert.equal(dead[0]?.key?.toString(), 'c');
      assert.equal(dead[0]?.value, null, 'the value is what did not fit');
      assert.equal(headerValue(dead[0]?.headers ?? [], '__streams.errors.topic')?.toString(), output);
      assert.match(headerValue(dead[0]?.headers ?? [], '__streams.errors.message')?.toString() ?? '', /KST_KAFKA_RECORD_TOO_LARGE/);
      assert.equal(streams.state, 'RUNNING');
    } finally {
      await streams.close({ timeoutMs: 30_000 });
      state.remove();
    }
  });

  test(`default handler (${guarantee}): a 1.5 MB record fails the client with a coded error naming topic and partition, no endless retry`, { timeout: 120_000 }, async () => {
    const { output, streams, state } = await run(guarantee, [['a', 's1'], ['c', 'big'], ['d', 's2']], { 'commit.interval.ms': 200 });
    try {
      await streams.start();
      await waitForState(streams, 'ERROR');
      const error = streams.lastError;
      assert.ok(isKstError(error, 'KST_KAFKA_RECORD_TOO_LARGE'), String(error));
      assert.match(error.message, new RegExp(`${output}-[01]`));
      assert.match(error.message, /chose FAIL/);
      assert.equal(await streams.close({ timeoutMs: 20_000 }), true);
    } finally {
      state.remove();
    }
  });

  test(`many ~200 KB records in one commit (${guarantee}) all arrive`, { timeout: 120_000 }, async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => [`k${i}`, `mid${i}`] as const);
    // One commit for the whole input: 8 MB of output in one transaction / one flush.
    const { output, streams, state } = await run(guarantee, inputs, { 'commit.interval.ms': 5_000 });
    try {
      await streams.start();
      const out = await readUntil(output, (r) => r.length >= 40, { timeoutMs: 90_000 });
      assert.equal(out.length, 40);
      assert.deepEqual(new Set(out.map((r) => r.value?.toString().split(':')[0])), new Set(inputs.map(([, v]) => v)));
      assert.ok(out.every((r) => (r.value?.length ?? 0) > 200_000));
      assert.equal(streams.state, 'RUNNING');
    } finally {
      await streams.close({ timeoutMs: 30_000 });
      state.remove();
    }
  });

  test(`a topic with a lower max.message.bytes (${guarantee}): the broker's refusal lowers the bound once, small records still arrive`, { timeout: 120_000 }, async () => {
    const inputs = [['a', 's1'], ['b', 'mid-refused'], ['c', 's2']] as const;
    const { output, dlq, streams, state } = await run(guarantee, inputs, { 'production.exception.handler': 'log-and-continue', 'commit.interval.ms': 200 }, { 'max.message.bytes': '100000' });
    try {
      await streams.start();
      const out = await readUntil(output, (r) => r.length >= 2);
      assert.deepEqual(out.map((r) => r.value?.toString()).sort(), ['s1', 's2']);
      const dead = await readUntil(dlq, (r) => r.length >= 1);
      assert.deepEqual(dead.map((r) => r.key?.toString()), ['b']);
      assert.equal(streams.state, 'RUNNING');
    } finally {
      await streams.close({ timeoutMs: 30_000 });
      state.remove();
    }
  });
}
