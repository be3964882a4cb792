/**
 * Headers travel as Kafka Streams forwards them: every record an input record leads to
 * carries the input's headers — through stateless operators, a repartition topic and the
 * Processor API's `withValue` / `withKey` — and a processor may change them with
 * `withHeaders`. (This is how a W3C `traceparent` reaches every hop.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProcessorContext, ProcessorSupplier } from '../../../processors/api/processor.ts';
import { lastHeader, withHeaders, withKey, withValue, type Headers } from '../../../processors/api/record.ts';
import { TopologyTestDriver } from '../../../processors/testing/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { Materialized, Named, Repartitioned, StreamsBuilder, TimeWindows, keyValue, type KStream } from '../../../processors/dsl/index.ts';
import type { TestRecord } from '../../../processors/testing/test-record.ts';

const S = Serdes.String();
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
const HEADERS: Headers = [['traceparent', Buffer.from(TRACEPARENT)], ['tenant', Buffer.from('t1')], ['tenant', Buffer.from('t2')]];

async function outputOf(define: (input: KStream<string, string>) => KStream<string, string>, value = 'a b'): Promise<TestRecord<string, string>[]> {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  define(builder.stream<string, string>('input')).to('output');
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  try {
    await driver.createInputTopic('input', S, S).pipeInput('k', value, 5, HEADERS);
    return driver.createOutputTopic('output', S, S).readRecordsToList();
  } finally {
    await driver.close();
  }
}

const text = (headers: Headers): string[][] => headers.map(([key, value]) => [key, value.toString('utf8')]);

test('stateless operators forward the input headers, in order, repeated keys kept', async () => {
  const records = await outputOf((s) => s
    .filter((_k, v) => v.length > 0)
    .mapValues((v) => v.toUpperCase())
    .map((k, v) => keyValue(`${k}!`, v))
    .flatMapValues((v) => v.split(' '))
    .peek(() => undefined)
    .selectKey((_k, v) => v));
  assert.deepEqual(records.map((r) => [r.key, r.value]), [['A', 'A'], ['B', 'B']]);
  for (const record of records) assert.deepEqual(text(record.headers), text(HEADERS));
});

test('headers cross a repartition topic to the next sub-topology', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  builder.stream<string, string>('input')
    .flatMap((_k, v) => v.split(' ').map((word) => keyValue(word, word)))
    .repartition(Repartitioned.with(S, S).withName('by-word'))
    .to('output');
  const topology = builder.build();
  assert.match(topology.describe().toString(), /by-word-repartition/);
  const driver = new TopologyTestDriver(topology, { initialWallClockTimeMs: 0 });
  try {
    await driver.createInputTopic('input', S, S).pipeInput('k', 'x y', 5, HEADERS);
    const records = driver.createOutputTopic('output', S, S).readRecordsToList();
    assert.deepEqual(records.map((r) => r.key), ['x', 'y']);
    for (const record of records) assert.deepEqual(text(record.headers), text(HEADERS));
  } finally {
    await driver.close();
  }
});

test('the Processor API: withValue and withKey keep the headers, withHeaders changes them', async () => {
  const stamp: ProcessorSupplier<string, string, string, string> = () => {
    let context!: ProcessorContext<string, string>;
    return {
      init(ctx) {
        context = ctx;
      },
      async process(record) {
        await context.forward(withKey(withValue(record, `${record.value}-kept`), 'kept'));
        await context.forward(withHeaders(withValue(record, `${record.value}-changed`), [...record.headers, ['hop', Buffer.from('stamp')]]));
      },
    };
  };
  const records = await outputOf((s) => s.process(stamp, Named.as('stamp')), 'v');
  assert.deepEqual(records.map((r) => [r.key, r.value]), [['kept', 'v-kept'], ['k', 'v-changed']]);
  assert.deepEqual(text((records[0] as TestRecord<string, string>).headers), text(HEADERS));
  const changed = (records[1] as TestRecord<string, string>).headers;
  assert.equal(lastHeader(changed, 'hop')?.toString(), 'stamp');
  assert.equal(lastHeader(changed, 'traceparent')?.toString(), TRACEPARENT);
});

test('with no tracing SDK registered, the headers are the very array the input carried through the graph', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S });
  const seen: Headers[] = [];
  builder.stream<string, string>('input').peek(() => undefined).process<string, string>(() => ({
    process(record) {
      seen.push(record.headers);
    },
  }));
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  try {
    await driver.createInputTopic('input', S, S).pipeInput('k', 'v', 5, HEADERS);
    assert.equal(seen.length, 1);
    assert.equal(seen[0], HEADERS, 'no copy per record when tracing is off');
  } finally {
    await driver.close();
  }
});

test('a cached KTable forwards, at flush, each key\'s change with the headers of the record that last wrote it', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  builder.stream<string, string>('input').groupByKey()
    .reduce((a, b) => `${a}+${b}`, Materialized.as<string, string>('joined').withCachingEnabled())
    .toStream().to('output');
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0, commitEveryRecord: false });
  try {
    const input = driver.createInputTopic('input', S, S);
    const tagged = (tag: string): Headers => [['traceparent', Buffer.from(tag)]];
    await input.pipeInput('a', '1', 1, tagged('first-a'));
    await input.pipeInput('b', '1', 2, tagged('only-b'));
    await input.pipeInput('a', '2', 3, tagged('last-a'));
    const output = driver.createOutputTopic('output', S, S);
    assert.equal(output.getQueueSize(), 0, 'nothing leaves before the cache flushes');
    await driver.advanceWallClockTime(0); // commits: the cache flushes
    const records = output.readRecordsToList();
    assert.deepEqual(records.map((r) => [r.key, r.value, text(r.headers)]), [
      ['b', '1', [['traceparent', 'only-b']]],
      ['a', '1+2', [['traceparent', 'last-a']]],
    ]);
  } finally {
    await driver.close();
  }
});

test('a windowed count flushed from its cache carries the last writer\'s headers too', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  builder.stream<string, string>('input').groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(1_000))
    .count(Materialized.as<string, number>('counts').withCachingEnabled())
    .toStream().map((key, count) => keyValue(key.key, String(count))).to('output');
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  try {
    await driver.createInputTopic('input', S, S).pipeInput('a', 'x', 10, HEADERS);
    const [record] = driver.createOutputTopic('output', S, S).readRecordsToList();
    assert.deepEqual([record?.key, record?.value, text(record?.headers ?? [])], ['a', '1', text(HEADERS)]);
  } finally {
    await driver.close();
  }
});
