import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadStackConfig } from '../../../scripts/stack/config.ts';
import { clusterId, log4jVersion, serverProperties } from '../../../scripts/stack/kafka.ts';

const tls = { ca: '/tls/ca.pem', brokerKeyStore: '/tls/broker-store.pem', clientCertificate: '/tls/client.pem', clientKey: '/tls/client-key.pem' };

test('server.properties carries the configured host, ports and data folder', () => {
  const config = loadStackConfig({ STACK_KAFKA_PORT: '29092', STACK_KAFKA_CONTROLLER_PORT: '29093', STACK_KAFKA_SASL_PORT: '29094' });
  const lines = serverProperties(config, '/data/kafka', tls).split('\n');
  assert.ok(lines.includes('listeners=PLAINTEXT://127.0.0.1:29092,SASL_SSL://127.0.0.1:29094,CONTROLLER://127.0.0.1:29093'));
  assert.ok(lines.includes('advertised.listeners=PLAINTEXT://127.0.0.1:29092,SASL_SSL://127.0.0.1:29094'));
  assert.ok(lines.includes('listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL'));
  assert.ok(lines.includes('listener.name.sasl_ssl.ssl.keystore.location=/tls/broker-store.pem'));
  assert.ok(lines.includes('sasl.enabled.mechanisms=SCRAM-SHA-512,SCRAM-SHA-256'));
  assert.ok(lines.includes('controller.quorum.voters=1@127.0.0.1:29093'));
  assert.ok(lines.includes('log.dirs=/data/kafka'));
  assert.ok(lines.includes('num.partitions=1'));
  assert.ok(!lines.some((line) => line.startsWith('auto.create.topics.enable')), 'topic auto-creation keeps its default');
});

test('the SLF4J bridge follows the resolved log4j-core version', () => {
  assert.equal(log4jVersion(['kafka_2.13-4.1.2.jar', 'log4j-api-2.25.3.jar', 'log4j-core-2.25.3.jar', 'slf4j-api-1.7.36.jar']), '2.25.3');
  assert.equal(log4jVersion(['kafka_2.13-4.1.2.jar']), undefined);
});

test('cluster ids look like Kafka\'s: 22 URL-safe base64 characters, never a leading dash', () => {
  const ids = new Set(Array.from({ length: 500 }, () => clusterId()));
  assert.equal(ids.size, 500);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
});
