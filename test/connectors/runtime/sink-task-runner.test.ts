import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KstError } from '../../../common/errors.ts';
import { LoggerRegistry } from '../../../connectors/logging/loggers.ts';
import { memorySinkPlugin, memorySinkState } from '../../../connectors/plugins/memory-sink.ts';
import { SinkTaskRunner } from '../../../connectors/runtime/sink-task-runner.ts';
import type { KafkaAdmin, KafkaClientConfig, KafkaProducer } from '../../../processors/kafka/index.ts';

test('a task whose config references cannot be resolved is FAILED before it starts, with a trace naming the key and the reference', async () => {
  const states: Array<[string, string | null]> = [];
  const runner = new SinkTaskRunner({
    connector: 'unresolved', taskId: 0,
    connectorConfig: { 'connector.class': memorySinkPlugin.className, topics: 't', 'memory.sink.id': 'unresolved-runner' },
    taskConfig: { 'memory.sink.id': 'unresolved-runner', secret: '${env:MISSING}' },
    plugin: memorySinkPlugin,
    // Never reached: the task fails before it builds a client.
    client: {} as KafkaClientConfig, admin: {} as KafkaAdmin, producer: {} as KafkaProducer,
    logger: new LoggerRegistry('OFF').get('test'),
    offsetFlushIntervalMs: 1000, target: 'STARTED',
    onState: (state, trace) => void states.push([state, trace]),
    resolve: async (config) => {
      if (config['secret'] !== undefined) throw new KstError('KST_CONNECT_CONFIG_UNRESOLVED', 'config "secret": the reference ${env:MISSING} could not be resolved: no such variable', { key: 'secret' });
      return { ...config };
    },
  });
  runner.start();
  await runner.stop();
  assert.equal(runner.lifecycle.state, 'FAILED');
  assert.match(states.at(-1)?.[1] ?? '', /KST_CONNECT_CONFIG_UNRESOLVED: config "secret": the reference \$\{env:MISSING\} could not be resolved/);
  assert.deepEqual(memorySinkState('unresolved-runner').started, [], 'the sink task never started');
});
