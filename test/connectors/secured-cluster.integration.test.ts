/**
 * The Connect worker on a secured cluster: a worker whose clients use the stack's SASL_SSL
 * listener (SCRAM-SHA-512, TLS with the stack's CA) runs a PostgreSQL sink end to end, and a
 * connector's `consumer.override.*` settings give its tasks credentials of their own — wrong
 * ones fail the task with a trace naming the setting.
 */

import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { kafkaClientConfig } from '../../processors/kafka/index.ts';
import { endpoints, loadStackConfig } from '../../scripts/stack/config.ts';
import { securedKafkaClient } from '../../scripts/stack/kafka-security.ts';
import { assertSameState, dropTable, postgresConnectorConfig, produceChanges, productWorkload, sameState, tableState } from './end-to-end-support.ts';
import { broker, clusterNames, http, startWorker, unique, until, type Broker } from './helpers.ts';

interface Status { connector: { state: string }; tasks: Array<{ state: string; trace?: string }> }

const stack = loadStackConfig();
const secured = securedKafkaClient(stack);

/** Topics and records through the SASL_SSL listener; topics created here are deleted on close. */
const securedBroker = (): Broker => broker(kafkaClientConfig.parse({ ...secured.settings, 'bootstrap.servers': secured.bootstrap, 'client.id': 'kst-connect-sasl-test', retries: 10, 'retry.backoff.ms': 200 }));

test('a worker on SASL_SSL (SCRAM-SHA-512) runs a PostgreSQL sink; a connector overrides its tasks\' credentials', { timeout: 180_000 }, async (t) => {
  const kafka = securedBroker();
  const cluster = clusterNames('kst-connect-sasl');
  const db = new pg.Client({ connectionString: endpoints(stack).postgresUrl });
  await db.connect();
  const worker = await startWorker(cluster, { ...secured.settings, 'bootstrap.servers': secured.bootstrap });
  const topics: string[] = [];
  t.after(async () => {
    await worker.stop();
    for (const topic of topics) await dropTable(db, topic).catch(() => undefined);
    await db.end();
    await kafka.admin.deleteTopics([cluster['config.storage.topic'] as string, cluster['status.storage.topic'] as string, cluster['offset.storage.topic'] as string], { ifExists: true }).catch(() => undefined);
    await kafka.close();
  });

  // The worker's own clients (config, status topics, tasks) on SASL_SSL.
  const topic = await kafka.topic(2);
  topics.push(topic);
  const name = unique('sasl-pg');
  const created = await http(worker.url, 'POST', '/connectors', { name, config: postgresConnectorConfig(topic) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const workload = productWorkload(2_000, { seed: 7 });
  await produceChanges(kafka, topic, workload.changes);
  await until('the sink wrote every change over SASL_SSL', async () => sameState(await tableState(db, topic), workload.expected), 90_000, 300);
  assertSameState(await tableState(db, topic), workload.expected, 'table written through a SASL_SSL worker');

  // A connector with credentials of its own (SCRAM-SHA-256) for its tasks' consumers.
  const overridden = await kafka.topic(1);
  topics.push(overridden);
  const own = securedKafkaClient(stack, 'SCRAM-SHA-256');
  const second = unique('sasl-pg-override');
  const withOverride = await http(worker.url, 'POST', '/connectors', { name: second, config: postgresConnectorConfig(overridden, undefined, {
    'tasks.max': '1',
    'consumer.override.sasl.mechanism': 'SCRAM-SHA-256',
    'consumer.override.sasl.jaas.config': own.settings['sasl.jaas.config'],
  }) });
  assert.equal(withOverride.status, 201, JSON.stringify(withOverride.body));
  const small = productWorkload(200, { seed: 8 });
  await produceChanges(kafka, overridden, small.changes);
  await until('the overriding connector wrote its changes', async () => sameState(await tableState(db, overridden), small.expected), 60_000, 300);

  // Wrong credentials in the override: the task fails, naming the setting, and does not retry forever.
  const wrong = unique('sasl-pg-wrong');
  const refused = await http(worker.url, 'POST', '/connectors', { name: wrong, config: postgresConnectorConfig(overridden, undefined, {
    'tasks.max': '1',
    'consumer.override.sasl.jaas.config': own.settings['sasl.jaas.config'].replace(/password="[^"]*"/, 'password="wrong"'),
  }) });
  assert.equal(refused.status, 201, JSON.stringify(refused.body));
  let status: Status | undefined;
  await until('the task with wrong credentials FAILED', async () => {
    status = (await http(worker.url, 'GET', `/connectors/${wrong}/status`)).body as Status;
    return status.tasks[0]?.state === 'FAILED';
  }, 30_000, 200);
  assert.match(status?.tasks[0]?.trace ?? '', /KST_KAFKA_AUTHENTICATION[\s\S]*sasl\.jaas\.config/);
});
