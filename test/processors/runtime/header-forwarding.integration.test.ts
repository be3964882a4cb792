/**
 * Headers over a real broker, as Kafka Streams forwards them: each input record's headers
 * reach every record it leads to — through a flatMap, a repartition topic (produced and
 * consumed again), and a processor that adds one with `withHeaders` — and the output
 * topic's records carry them, in order, repeated keys kept.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaStreams } from '../../../processors/client/index.ts';
import type { ProcessorContext } from '../../../processors/api/processor.ts';
import { withHeaders } from '../../../processors/api/record.ts';
import type { ProducerRecord } from '../../../processors/kafka/index.ts';
import { Consumed, Named, Produced, Repartitioned, StreamsBuilder, keyValue } from '../../../processors/dsl/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { bootstrap, createTopics, produce, readUntil, tempStateDir, text, uniqueName, waitForState } from '../client/helpers.ts';

const LINES = 20;

test('input headers reach the output through a repartition topic, a processor adds its own', { timeout: 120_000 }, async () => {
  const input = uniqueName('kst-hdr-in');
  const output = uniqueName('kst-hdr-out');
  await createTopics([{ name: input, partitions: 2 }, { name: output, partitions: 2 }]);
  const S = Serdes.String();
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(S, S))
    .flatMap((_k, line: string) => line.split(' ').map((word) => keyValue(word, line)))
    .repartition(Repartitioned.with(S, S).withName('by-word'))
    .process<string, string>(() => {
      let context!: ProcessorContext<string, string>;
      return {
        init(ctx) {
          context = ctx;
        },
        process(record) {
          return context.forward(withHeaders(record, [...record.headers, ['hop', Buffer.from('after-repartition')]]));
        },
      };
    }, Named.as('stamp'))
    .to(output, Produced.with(S, S));
  const lines: ProducerRecord[] = [];
  for (let i = 0; i < LINES; i++) {
    lines.push({
      topic: input, key: text(`line-${i}`), value: text(`w${i}a w${i}b`),
      headers: [['traceparent', Buffer.from(`00-${String(i).padStart(32, '0')}-00000000000000a1-01`)], ['tag', Buffer.from('x')], ['tag', Buffer.from(`y${i}`)]],
    });
  }
  await produce(lines);

  const state = tempStateDir();
  const streams = new KafkaStreams(builder.build(), {
    'application.id': uniqueName('kst-hdr'),
    'bootstrap.servers': bootstrap(),
    'state.dir': state.dir,
    'commit.interval.ms': 100,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
  });
  try {
    await streams.start();
    await waitForState(streams, 'RUNNING');
    const records = await readUntil(output, (read) => read.length >= 2 * LINES, { timeoutMs: 60_000 });
    assert.equal(records.length, 2 * LINES);
    for (const record of records) {
      const i = /^w(\d+)[ab]$/.exec(record.key?.toString('utf8') ?? '')?.[1];
      assert.ok(i !== undefined, `an output key: ${record.key?.toString('utf8')}`);
      assert.deepEqual(record.headers.map(([key, value]) => [key, value.toString('utf8')]), [
        ['traceparent', `00-${i.padStart(32, '0')}-00000000000000a1-01`], ['tag', 'x'], ['tag', `y${i}`], ['hop', 'after-repartition'],
      ], `the headers of ${record.key?.toString('utf8')}`);
    }
  } finally {
    assert.equal(await streams.close({ timeoutMs: 30_000 }), true);
    state.remove();
  }
});
