import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { isolationLevelCode, kafkaClientConfig, kafkaConsumerConfig, kafkaProducerConfig, toBaseOptions } from '../../../processors/kafka/config.ts';

test('client config has defaults and translates to the library options', () => {
  const config = kafkaClientConfig.parse({ 'bootstrap.servers': 'a:1, b:2', 'client.id': 'svc' });
  assert.deepEqual(config['bootstrap.servers'], ['a:1', 'b:2']);
  const options = toBaseOptions(config, 'consumer');
  assert.equal(options.clientId, 'svc-consumer');
  assert.deepEqual(options.bootstrapBrokers, ['a:1', 'b:2']);
  assert.equal(options.timeout, 30_000);
  assert.equal(options.autocreateTopics, false);
});

test('invalid config fails naming the key', () => {
  assert.throws(() => kafkaClientConfig.parse({ 'request.timeout.ms': 'soon' }), (e) => isKstError(e, 'KST_CONFIG_INVALID') && e.details['key'] === 'request.timeout.ms');
  assert.throws(() => kafkaConsumerConfig.parse({}), (e) => isKstError(e, 'KST_CONFIG_INVALID') && e.details['key'] === 'group.id');
  assert.throws(() => kafkaConsumerConfig.parse({ 'group.id': 'g', 'isolation.level': 'dirty' }), (e) => isKstError(e, 'KST_CONFIG_INVALID') && /isolation\.level/.test(e.message));
  assert.throws(() => kafkaClientConfig.fromEnv({ KAFKA_RETRIES: '-1' }, 'KAFKA'), (e) => isKstError(e, 'KST_CONFIG_INVALID') && /KAFKA_RETRIES/.test(e.message));
});

test('isolation levels map to their wire codes', () => {
  assert.equal(isolationLevelCode('read_committed'), 1);
  assert.equal(isolationLevelCode('read_uncommitted'), 0);
  assert.equal(kafkaConsumerConfig.parse({ 'group.id': 'g' })['isolation.level'], 'read_uncommitted');
});

test('the transaction timeout is a producer setting of its own (Kafka\'s 60 s by default), not the request timeout', () => {
  assert.equal(kafkaProducerConfig.parse({})['transaction.timeout.ms'], 60_000);
  assert.equal(kafkaProducerConfig.parse({ 'transaction.timeout.ms': '10000' })['transaction.timeout.ms'], 10_000);
  assert.throws(() => kafkaProducerConfig.parse({ 'transaction.timeout.ms': 10 }), (e) => isKstError(e, 'KST_CONFIG_INVALID') && e.details['key'] === 'transaction.timeout.ms');
});
