import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamTask } from '../../../processors/runtime/stream-task.ts';
import { Serdes } from '../../../schemas/serdes/serdes.ts';
import type { Serde } from '../../../schemas/serdes/serde.ts';
import { input, sink, source, subtopology, taskOptions, topologyPlan } from './fixtures.ts';

test('a sink serializes with its serdes, keeps timestamp and headers, and prefixes internal topics', async () => {
  const plan = topologyPlan([
    subtopology(0, [source('SRC', ['in'], ['PUBLIC', 'INTERNAL']), sink('PUBLIC', 'out'), sink('INTERNAL', 'x-repartition', { internal: true })]),
  ]);
  const options = taskOptions(plan, { applicationId: 'shop' });
  const task = new StreamTask(options);
  await task.init();
  const headers = [['trace', Buffer.from('t1')]] as const;
  task.processBatch([input('in', 0, 'k', 'v', 77, 0, headers)]);
  assert.deepEqual(options.collector.sent, [
    { topic: 'out', partition: undefined, key: 'k', value: 'v', timestamp: 77, headers },
    { topic: 'shop-x-repartition', partition: undefined, key: 'k', value: 'v', timestamp: 77, headers },
  ]);
});

test('a topic-name extractor picks the topic per record, and a partitioner the partition from the partition count', async () => {
  const calls: unknown[] = [];
  const plan = topologyPlan([
    subtopology(0, [
      source('SRC', ['in'], ['ROUTED']),
      sink('ROUTED', (key, _value, context) => `${String(key)}-from-${context.topic ?? '?'}`, {
        partitioner: (topic, key, _value, numPartitions) => (calls.push([topic, key, numPartitions]), key === 'a' ? 2 : undefined),
      }),
    ]),
  ]);
  const options = taskOptions(plan);
  const task = new StreamTask(options);
  await task.init();
  task.processBatch([input('in', 0, 'a', '1', 1), input('in', 1, 'b', '2', 2)]);
  assert.deepEqual(options.collector.sent.map((s) => [s.topic, s.partition]), [['a-from-in', 2], ['b-from-in', undefined]]);
  assert.deepEqual(calls, [['a-from-in', 'a', 4], ['b-from-in', 'b', 4]]);
});

test('a serialization error is a processing error of the sink', async () => {
  const plan = topologyPlan([
    subtopology(0, [source('SRC', ['in'], ['OUT']), sink('OUT', 'out', { valueSerde: Serdes.Long() as Serde<unknown> })]),
  ]);
  const dead: unknown[] = [];
  const task = new StreamTask(taskOptions(plan, { processingExceptionHandler: () => 'CONTINUE', deadLetters: (d) => dead.push([d.context.nodeName, d.context.offset]) }));
  await task.init();
  task.processBatch([input('in', 3, 'k', 'not a number', 1)]);
  assert.deepEqual(dead, [['OUT', 3n]]);
});
