import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';

test('defaults give the ports of docs/ARCHITECTURE.md and detect JDKs', () => {
  const config = loadStackConfig({});
  assert.equal(config['kafka.port'], 9092);
  assert.equal(config['postgres.port'], 5432);
  assert.equal(config['registry.java.home'], '');
  assert.equal(config['service.user'], 'kstack');
  assert.equal(endpoints(config).kafkaBootstrap, '127.0.0.1:9092');
});

test('environment variables override keys, converted to their types', () => {
  const config = loadStackConfig({ STACK_KAFKA_PORT: '29092', STACK_REGISTRY_JAVA_HOME: '/opt/jdk-21', STACK_STOP_TIMEOUT_MS: '5000' });
  assert.equal(config['kafka.port'], 29092);
  assert.equal(config['registry.java.home'], '/opt/jdk-21');
  assert.equal(config['stop.timeout.ms'], 5000);
});

test('a bad value fails naming the key and the environment variable', () => {
  assert.throws(
    () => loadStackConfig({ STACK_KAFKA_PORT: 'ninety' }),
    (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && /kafka\.port/.test(error.message) && /STACK_KAFKA_PORT/.test(error.message),
  );
  assert.throws(
    () => loadStackConfig({ STACK_OPENSEARCH_HEAP_MB: '64' }),
    (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && /at least 256/.test(error.message) && /STACK_OPENSEARCH_HEAP_MB/.test(error.message),
  );
  assert.throws(() => loadStackConfig({ STACK_POSTGRES_PORT: '70000' }), (error: unknown) => isKstError(error, 'KST_CONFIG_INVALID') && /STACK_POSTGRES_PORT/.test(error.message));
});
