/**
 * `new KafkaStreams(topology, config, { logger })`: the client's threads log through the
 * given logger (each through its child bound to `thread`), a skipped record names its
 * task, and nothing goes to the console. The engine needs no logging library for that.
 */

import '../../support/exit-after-tests.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogFields, Logger } from '../../../common/logger.ts';
import { KafkaStreams } from '../../../processors/client/index.ts';
import { Consumed, Produced, StreamsBuilder } from '../../../processors/dsl/index.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import { bootstrap, createTopics, produce, readUntil, tempStateDir, text, uniqueName, waitForState } from './helpers.ts';

interface Line { readonly level: string; readonly message: string; readonly fields: LogFields }

function capturingLogger(lines: Line[], bound: LogFields = {}): Logger {
  const write = (level: string) => (message: string, fields?: LogFields): void => void lines.push({ level, message, fields: { ...bound, ...fields } });
  return { error: write('error'), warn: write('warn'), info: write('info'), debug: write('debug'), child: (fields) => capturingLogger(lines, { ...bound, ...fields }) };
}

test('the threads log through the logger given in the options, with their thread, and a skipped record with its task', { timeout: 120_000 }, async () => {
  const input = uniqueName('kst-log-in');
  const output = uniqueName('kst-log-out');
  await createTopics([{ name: input, partitions: 1 }, { name: output, partitions: 1 }]);
  const builder = new StreamsBuilder();
  builder.stream(input, Consumed.with(Serdes.String(), Serdes.Integer())).mapValues((n) => String(n * 2)).to(output, Produced.with(Serdes.String(), Serdes.String()));
  const state = tempStateDir();
  const lines: Line[] = [];
  const consoleLines: string[] = [];
  const warn = console.warn;
  console.warn = (message: unknown) => void consoleLines.push(String(message));
  const streams = new KafkaStreams(builder.build(), {
    'application.id': uniqueName('kst-log'),
    'bootstrap.servers': bootstrap(),
    'state.dir': state.dir,
    'default.deserialization.exception.handler': 'log-and-continue',
  }, { logger: capturingLogger(lines) });
  try {
    await streams.start();
    await waitForState(streams, 'RUNNING');
    const four = Buffer.alloc(4);
    four.writeInt32BE(21);
    await produce([{ topic: input, key: text('bad'), value: text('xyz') }, { topic: input, key: text('good'), value: four }]);
    await readUntil(output, (records) => records.some((r) => r.value?.toString() === '42'));
    const thread = streams.localThreadsMetadata()[0]?.threadName;
    const assigned = lines.find((line) => line.level === 'info' && /assigned 1 active/.test(line.message));
    assert.equal(assigned?.fields['thread'], thread, JSON.stringify(lines));
    const skipped = lines.find((line) => line.level === 'warn' && /skipped a record \(deserialization error\)/.test(line.message));
    assert.deepEqual([skipped?.fields['thread'], skipped?.fields['task']], [thread, '0_0'], JSON.stringify(lines));
    assert.deepEqual(consoleLines, [], 'nothing went to the console');
  } finally {
    console.warn = warn;
    await streams.close({ timeoutMs: 30_000 });
    state.remove();
  }
});

test('threads on workers (num.stream.threads 2) post their log lines to the client\'s logger, each with its thread', { timeout: 180_000 }, async () => {
  const input = uniqueName('kst-logw-in');
  const output = uniqueName('kst-logw-out');
  await createTopics([{ name: input, partitions: 2 }, { name: output, partitions: 2 }]);
  // Workers inherit the environment: the module's export reads its topics from it.
  process.env['KST_TEST_WC_INPUT'] = input;
  process.env['KST_TEST_WC_OUTPUT'] = output;
  const state = tempStateDir();
  const lines: Line[] = [];
  const streams = new KafkaStreams({ module: new URL('./fixtures/word-count.ts', import.meta.url), exportName: 'buildFromEnv' }, {
    'application.id': uniqueName('kst-logw'),
    'bootstrap.servers': bootstrap(),
    'num.stream.threads': 2,
    'state.dir': state.dir,
    'session.timeout.ms': 10_000,
    'heartbeat.interval.ms': 1_000,
  }, { logger: capturingLogger(lines) });
  try {
    await streams.start();
    await waitForState(streams, 'RUNNING');
    const names = streams.localThreadsMetadata().map((t) => t.threadName).sort();
    const assigned = (): string[] => [...new Set(lines.filter((line) => /assigned \d+ active/.test(line.message)).map((line) => String(line.fields['thread'])))].sort();
    const deadline = Date.now() + 60_000;
    while (assigned().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(assigned(), names, `both workers' threads logged their assignment: ${JSON.stringify(lines)}`);
  } finally {
    await streams.close({ timeoutMs: 30_000 });
    state.remove();
  }
});
