/** TopologyTestDriver tests of the KStream operators that keep no DSL state. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProcessorContext, ProcessorSupplier } from '../../../processors/api/processor.ts';
import { withValue } from '../../../processors/api/record.ts';
import { TopologyTestDriver } from '../../../processors/testing/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { KeyValueStore } from '../../../state/api/key-value-store.ts';
import { Stores } from '../../../state/stores.ts';
import { Branched, Named, Produced, Repartitioned, StreamsBuilder, keyValue, type KStream } from '../../../processors/dsl/index.ts';

const S = Serdes.String();

/** Builds a topology on `input` (string keys and values), pipes the pairs, returns what each output topic got. */
async function run(
  define: (input: KStream<string, string>, builder: StreamsBuilder) => void,
  pairs: readonly (readonly [string | null, string | null])[],
  outputs: readonly string[] = ['output'],
): Promise<Record<string, { key: unknown; value: unknown }[]>> {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S, defaultDslStore: 'in_memory' });
  define(builder.stream<string, string>('input'), builder);
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  try {
    const input = driver.createInputTopic('input', S, S);
    let ts = 0;
    for (const [key, value] of pairs) await input.pipeInput(key, value, ts++);
    return Object.fromEntries(outputs.map((name) => [name, driver.createOutputTopic(name, S, S).readKeyValuesToList()]));
  } finally {
    await driver.close();
  }
}

const kv = (key: unknown, value: unknown) => ({ key, value });

test('filter and filterNot', async () => {
  const out = await run((s) => {
    s.filter((_k, v) => v.startsWith('a')).to('kept');
    s.filterNot((_k, v) => v.startsWith('a')).to('dropped');
  }, [['1', 'apple'], ['2', 'banana'], ['3', 'avocado']], ['kept', 'dropped']);
  assert.deepEqual(out['kept'], [kv('1', 'apple'), kv('3', 'avocado')]);
  assert.deepEqual(out['dropped'], [kv('2', 'banana')]);
});

test('map, mapValues (with the key), selectKey', async () => {
  const out = await run((s) => {
    s.map((k, v) => keyValue(v, k)).to('swapped');
    s.mapValues((v, k) => `${k}:${v.toUpperCase()}`).to('upper');
    s.selectKey((_k, v) => v[0] ?? '').to('by-initial');
  }, [['1', 'apple'], ['2', 'banana']], ['swapped', 'upper', 'by-initial']);
  assert.deepEqual(out['swapped'], [kv('apple', '1'), kv('banana', '2')]);
  assert.deepEqual(out['upper'], [kv('1', '1:APPLE'), kv('2', '2:BANANA')]);
  assert.deepEqual(out['by-initial'], [kv('a', 'apple'), kv('b', 'banana')]);
});

test('flatMap and flatMapValues emit zero or more records in order', async () => {
  const out = await run((s) => {
    s.flatMap((k, v) => v.split(' ').map((word, i) => keyValue(`${k}.${i}`, word))).to('pairs');
    s.flatMapValues((v) => v.split(' ').filter((w) => w.length > 0)).to('words');
  }, [['1', 'a b'], ['2', ''], ['3', 'c']], ['pairs', 'words']);
  assert.deepEqual(out['pairs'], [kv('1.0', 'a'), kv('1.1', 'b'), kv('2.0', ''), kv('3.0', 'c')]);
  assert.deepEqual(out['words'], [kv('1', 'a'), kv('1', 'b'), kv('3', 'c')]);
});

test('peek sees every record and forwards it; foreach ends the stream', async () => {
  const peeked: string[] = [];
  const seen: string[] = [];
  const out = await run((s) => {
    s.peek((k, v) => peeked.push(`${k}=${v}`)).to('output');
    s.foreach((k) => seen.push(String(k)));
  }, [['1', 'x'], ['2', 'y']]);
  assert.deepEqual(peeked, ['1=x', '2=y']);
  assert.deepEqual(seen, ['1', '2']);
  assert.deepEqual(out['output'], [kv('1', 'x'), kv('2', 'y')]);
});

test('split sends each record to the first matching branch, names branches as Kafka', async () => {
  let names: string[] = [];
  const consumed: string[] = [];
  const out = await run((s) => {
    const branches = s.split(Named.as('fruit-'))
      .branch((_k, v) => v.startsWith('a'), Branched.as('a'))
      .branch((_k, v) => v.length > 5, Branched.withFunction((b) => b.mapValues((v) => v.toUpperCase())))
      .branch((_k, v) => v === 'fig', Branched.withConsumer((b) => b.foreach((_k, v) => consumed.push(v))))
      .defaultBranch();
    names = [...branches.keys()];
    branches.get('fruit-a')?.to('a');
    branches.get('fruit-2')?.to('long');
    branches.get('fruit-0')?.to('other');
  }, [['1', 'apple'], ['2', 'banana'], ['3', 'fig'], ['4', 'kiwi'], ['5', 'avocados']], ['a', 'long', 'other']);
  assert.deepEqual(names, ['fruit-a', 'fruit-2', 'fruit-0']);
  assert.deepEqual(out['a'], [kv('1', 'apple'), kv('5', 'avocados')]);
  assert.deepEqual(out['long'], [kv('2', 'BANANA')]);
  assert.deepEqual(out['other'], [kv('4', 'kiwi')]);
  assert.deepEqual(consumed, ['fig']);
});

test('split without a default branch drops what no predicate takes', async () => {
  const out = await run((s) => {
    const branches = s.split().branch((_k, v) => v === 'keep').noDefaultBranch();
    assert.deepEqual([...branches.keys()], ['KSTREAM-BRANCH-00000000011']);
    branches.get('KSTREAM-BRANCH-00000000011')?.to('output');
  }, [['1', 'keep'], ['2', 'drop']]);
  assert.deepEqual(out['output'], [kv('1', 'keep')]);
});

test('merge interleaves two streams in arrival order', async () => {
  const out = await run((s) => {
    s.filter((_k, v) => v.length > 3).merge(s.filter((_k, v) => v.length <= 3).mapValues((v) => `short:${v}`)).to('output');
  }, [['1', 'pear'], ['2', 'fig'], ['3', 'plum']]);
  assert.deepEqual(out['output'], [kv('1', 'pear'), kv('2', 'short:fig'), kv('3', 'plum')]);
});

test('repartition passes records through an internal topic, keyed by the current key', async () => {
  const out = await run((s) => {
    s.selectKey((_k, v) => v).repartition(Repartitioned.as<string, string>('by-value').withNumberOfPartitions(2)).mapValues((v) => `${v}!`).to('output');
  }, [['1', 'a'], ['2', 'b']]);
  assert.deepEqual(out['output'], [kv('a', 'a!'), kv('b', 'b!')]);
});

test('to writes to a fixed topic with Produced serdes, or to the topic an extractor picks', async () => {
  const builder = new StreamsBuilder({ defaultKeySerde: S, defaultValueSerde: S });
  const input = builder.stream<string, string>('input');
  input.mapValues((v) => v.length).to('lengths', Produced.with(S, Serdes.Long()));
  input.to((key) => `topic-${key}`);
  const driver = new TopologyTestDriver(builder.build(), { initialWallClockTimeMs: 0 });
  try {
    const pipe = driver.createInputTopic('input', S, S);
    await pipe.pipeInput('a', 'xyz', 1);
    await pipe.pipeInput('b', 'q', 2);
    assert.deepEqual(driver.createOutputTopic('lengths', S, Serdes.Long()).readKeyValuesToList(), [kv('a', 3), kv('b', 1)]);
    assert.deepEqual(driver.createOutputTopic('topic-a', S, S).readKeyValuesToList(), [kv('a', 'xyz')]);
    assert.deepEqual(driver.createOutputTopic('topic-b', S, S).readKeyValuesToList(), [kv('b', 'q')]);
  } finally {
    await driver.close();
  }
});

test('process runs a Processor API processor with a store added by addStateStore; processValues keeps the key', async () => {
  const dedupe: ProcessorSupplier<string, string, string, string> = () => {
    let context: ProcessorContext<string, string>;
    let seen: KeyValueStore<string, string>;
    return {
      init(ctx) { context = ctx; seen = ctx.getStateStore<KeyValueStore<string, string>>('seen'); },
      process(record) {
        const found = seen.get(record.value);
        const decide = (value: string | undefined) => {
          if (value !== undefined) return undefined;
          seen.put(record.value, record.key);
          return context.forward({ ...record, key: record.value, value: record.key });
        };
        return found instanceof Promise ? found.then(decide) : decide(found);
      },
    };
  };
  const shout: ProcessorSupplier<string, string, string, string> = () => {
    let context: ProcessorContext<string, string>;
    return { init(ctx) { context = ctx; }, process(record) { return context.forward(withValue(record, record.value.toUpperCase())); } };
  };
  const out = await run((s, builder) => {
    builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore('seen'), S, S));
    s.process(dedupe, Named.as('dedupe'), 'seen').to('firsts');
    s.processValues(shout).to('shouted');
  }, [['1', 'x'], ['2', 'x'], ['3', 'y']], ['firsts', 'shouted']);
  assert.deepEqual(out['firsts'], [kv('x', '1'), kv('y', '3')]);
  assert.deepEqual(out['shouted'], [kv('1', 'X'), kv('2', 'X'), kv('3', 'Y')]);
});
