import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../common/errors.ts';
import { workerConfig } from '../../connectors/config/worker-config.ts';
import { Worker } from '../../connectors/worker.ts';

test('worker settings come from CONNECT_* variables with Connect\'s defaults', () => {
  const config = workerConfig.fromEnv({ CONNECT_GROUP_ID: 'prod-connect', CONNECT_REST_PORT: '18083', CONNECT_BOOTSTRAP_SERVERS: 'k1:9092,k2:9092' }, 'CONNECT');
  assert.equal(config['group.id'], 'prod-connect');
  assert.equal(config['rest.port'], 18083);
  assert.deepEqual(config['bootstrap.servers'], ['k1:9092', 'k2:9092']);
  assert.equal(config['config.storage.topic'], 'connect-configs');
  assert.equal(config['status.storage.topic'], 'connect-status');
  assert.equal(config['offset.storage.topic'], 'connect-offsets');
  assert.equal(config['rest.host.name'], '127.0.0.1');
});

test('an invalid setting fails at start naming the key and its variable', () => {
  assert.throws(() => workerConfig.fromEnv({ CONNECT_REST_PORT: 'eighty' }, 'CONNECT'), (error: unknown) =>
    isKstError(error, 'KST_CONFIG_INVALID') && error.message.includes('"rest.port"') && error.message.includes('CONNECT_REST_PORT'));
  assert.throws(() => new Worker({ 'offset.flush.interval.ms': 0 }), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && error.message.includes('offset.flush.interval.ms'));
  assert.throws(() => new Worker({ 'group.idd': 'x' }), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && error.message.includes('group.idd'));
});
