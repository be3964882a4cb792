import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStreamsConfig } from '../../../processors/client/streams-config.ts';
import { threadSettings } from '../../../processors/client/thread-settings.ts';
import { consumerSettings, producerSettings, transactionalId } from '../../../processors/runtime/thread/thread-config.ts';

const base = { 'application.id': 'orders', 'bootstrap.servers': '127.0.0.1:9092', 'processing.guarantee': 'exactly_once_v2' } as const;
const PROCESS = '0f6c3f4e-8d1e-4a55-9a55-3d0c2f1b7e11';

test('with group.instance.id, each stream thread is the static member <id>-<thread index>, and its transactional id derives from it', () => {
  const config = parseStreamsConfig({ ...base, 'group.instance.id': 'order-0', 'num.stream.threads': 2 });
  const first = threadSettings(config, PROCESS, 1, new Map());
  const second = threadSettings(config, PROCESS, 2, new Map());
  assert.equal(first.groupInstanceId, 'order-0-1');
  assert.equal(second.groupInstanceId, 'order-0-2');
  assert.equal(transactionalId(first), 'orders-order-0-1');
  assert.equal(transactionalId(second), 'orders-order-0-2');
  // Whatever the process id (a lost state folder makes a new one), the ids stay.
  assert.equal(transactionalId(threadSettings(config, 'another-process', 2, new Map())), 'orders-order-0-2');
});

test('without group.instance.id, a dynamic member: transactional ids from the process id', () => {
  const settings = threadSettings(parseStreamsConfig(base), PROCESS, 3, new Map());
  assert.equal(settings.groupInstanceId, undefined);
  assert.equal(transactionalId(settings), `orders-${PROCESS}-3`);
});

test('the transaction timeout reaches the producer, the session timeout the consumer', () => {
  const settings = threadSettings(parseStreamsConfig({ ...base, 'transaction.timeout.ms': 12_000, 'session.timeout.ms': 20_000 }), PROCESS, 1, new Map());
  assert.equal(producerSettings(settings)['transaction.timeout.ms'], 12_000);
  assert.equal(producerSettings(threadSettings(parseStreamsConfig(base), PROCESS, 1, new Map()))['transaction.timeout.ms'], 10_000);
  assert.equal(consumerSettings(settings)['session.timeout.ms'], 20_000);
});
