/**
 * The PostgreSQL source connector in a real worker against the stack's PostgreSQL and
 * Kafka: rows become records, updates are picked up in timestamp+incrementing mode,
 * offsets land in the offsets topic in Connect's format and a restarted connector resumes
 * from them, and the REST API lists and validates the plugin.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PartitionReader, type KafkaRecord } from '../../../../processors/kafka/index.ts';
import type { Worker } from '../../../../connectors/worker.ts';
import { broker, clientConfig, clusterNames, dropCluster, http, startWorker, until, type Broker } from '../../helpers.ts';
import { stack, uniqueId } from '../../sinks/support.ts';

const url = new URL(stack.postgresUrl);
const connection = {
  'connection.url': `jdbc:postgresql://${url.hostname}:${url.port}${url.pathname}`,
  'connection.user': decodeURIComponent(url.username),
  'connection.password': decodeURIComponent(url.password),
};
const database = url.pathname.slice(1);
const cluster = clusterNames('kst-pg-source');
let db: pg.Client;
let worker: Worker;
let kafka: Broker;
const tables: string[] = [];
const topics: string[] = [];

before(async () => {
  db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
  kafka = broker();
  worker = await startWorker(cluster);
});

after(async () => {
  await worker?.stop();
  for (const table of tables) await db.query(`DROP TABLE IF EXISTS "${table}"`);
  await kafka.admin.deleteTopics(topics, { ifExists: true }).catch(() => undefined);
  await dropCluster(kafka.admin, cluster);
  await kafka.close();
  await db.end();
});

async function table(prefix: string): Promise<string> {
  const name = uniqueId(prefix);
  tables.push(name);
  await db.query(`CREATE TABLE "${name}" (id BIGSERIAL PRIMARY KEY, status TEXT NOT NULL, body TEXT, amount NUMERIC, updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`);
  return name;
}

/** Reads `topic` from the start until `done` holds for the values read. */
async function values(topic: string, done: (values: Array<Record<string, unknown>>) => boolean, what: string): Promise<Array<Record<string, unknown>>> {
  const reader = new PartitionReader(clientConfig(), { maxWaitMs: 200 });
  const records: KafkaRecord[] = [];
  try {
    reader.assign([{ topic, partition: 0, offset: 'earliest' }]);
    const parsed = (): Array<Record<string, unknown>> => records.map((r) => JSON.parse((r.value as Buffer).toString('utf8')) as Record<string, unknown>);
    await until(what, async () => {
      records.push(...await reader.poll().catch(() => []));
      return done(parsed());
    }, 30_000, 0);
    return parsed();
  } finally {
    await reader.close();
  }
}

const sourceConfig = (name: string, prefix: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'connector.class': 'PostgresSourceConnector',
  ...connection,
  'table.include.list': name,
  'topic.prefix': prefix,
  'poll.interval.ms': '200',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
  'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
  ...extra,
});

test('/connector-plugins lists the source connector, and validate reports its keys and errors', async () => {
  const plugins = (await http(worker.url, 'GET', '/connector-plugins')).body as Array<{ class: string; type: string }>;
  assert.ok(plugins.some((p) => p.class === 'io.kstreams.connect.jdbc.PostgresSourceConnector' && p.type === 'source'), JSON.stringify(plugins));
  const answer = await http(worker.url, 'PUT', '/connector-plugins/PostgresSourceConnector/config/validate', { name: 'v', 'connector.class': 'PostgresSourceConnector', ...connection, mode: 'timestamp+incrementing', 'table.whitelist': 't', 'topic.prefix': 'p-' });
  assert.equal(answer.status, 200);
  const infos = answer.body as { error_count: number; configs: Array<{ value: { name: string; errors: string[] } }> };
  const errors = Object.fromEntries(infos.configs.filter((c) => c.value.errors.length > 0).map((c) => [c.value.name, c.value.errors]));
  assert.deepEqual(Object.keys(errors).sort(), ['incrementing.column.name', 'timestamp.column.name']);
  assert.ok(infos.configs.some((c) => c.value.name === 'exactly.once.support'), 'source framework keys are listed');
  assert.ok(!infos.configs.some((c) => c.value.name === 'topics'), 'sink keys are not');
});

test('timestamp+incrementing: rows and updates become records, offsets are stored as Connect stores them, a restart resumes after them', async () => {
  const name = await table('src_tsinc');
  const prefix = `${uniqueId('kst-src')}.`;
  const topic = `${prefix}${name}`;
  topics.push(topic);
  await db.query(`INSERT INTO "${name}" (status, body, amount) VALUES ('PAID', 'one', 1.5), ('SHIPPED', 'two', 2)`);
  const connector = uniqueId('pg-source');
  const created = await http(worker.url, 'POST', '/connectors', { name: connector, config: sourceConfig(name, prefix, { mode: 'timestamp+incrementing', 'timestamp.column.name': 'updated_at', 'incrementing.column.name': 'id' }) });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal((created.body as { type: string }).type, 'source');

  const first = await values(topic, (v) => v.length >= 2, 'the two rows');
  assert.deepEqual(first.map((v) => [v['id'], v['status'], v['body'], v['amount']]), [[1, 'PAID', 'one', 1.5], [2, 'SHIPPED', 'two', 2]]);
  assert.equal(typeof first[0]?.['updated_at'], 'number');

  await db.query(`UPDATE "${name}" SET body = 'one again', updated_at = now() WHERE id = 1`);
  const second = await values(topic, (v) => v.some((r) => r['body'] === 'one again'), 'the updated row');
  assert.equal(second.length, 3, 'the update is one more record, nothing else is sent again');

  const partition = { protocol: '1', table: `${database}.public.${name}` };
  let stored: unknown;
  await until('the offset of the update is stored', async () => {
    const offsets = (await http(worker.url, 'GET', `/connectors/${connector}/offsets`)).body as { offsets: Array<{ partition: unknown; offset: Record<string, number> }> };
    stored = offsets;
    return offsets.offsets.length === 1 && offsets.offsets[0]?.offset['incrementing'] === 1 && JSON.stringify(offsets.offsets[0].partition) === JSON.stringify(partition);
  }).catch((error: unknown) => assert.fail(`${(error as Error).message}: ${JSON.stringify(stored)}`));
  const offsetsTopic = await new PartitionReader(clientConfig(), { maxWaitMs: 200 });
  try {
    offsetsTopic.assign([{ topic: cluster['offset.storage.topic'] as string, partition: 0, offset: 'earliest' }]);
    const keys: string[] = [];
    await until('the offsets topic holds the connector\'s key', async () => {
      keys.push(...(await offsetsTopic.poll()).map((r) => (r.key as Buffer).toString('utf8')));
      return keys.includes(JSON.stringify([connector, partition]));
    });
  } finally {
    await offsetsTopic.close();
  }

  // Stopped and resumed: the connector continues after the stored offset.
  assert.equal((await http(worker.url, 'PUT', `/connectors/${connector}/stop`)).status, 204);
  await until('the task is gone', async () => ((await http(worker.url, 'GET', `/connectors/${connector}/status`)).body as { tasks: unknown[] }).tasks.length === 0);
  await db.query(`INSERT INTO "${name}" (status, body) VALUES ('COMPLETED', 'three')`);
  assert.equal((await http(worker.url, 'PUT', `/connectors/${connector}/resume`)).status, 202);
  const third = await values(topic, (v) => v.some((r) => r['body'] === 'three'), 'the row inserted while stopped');
  assert.deepEqual(third.map((v) => v['body']), ['one', 'two', 'one again', 'three']);
  await http(worker.url, 'DELETE', `/connectors/${connector}`);
});

test('incrementing mode with transforms: keys from the value, batches of batch.max.rows, offsets reset through the REST API', async () => {
  const name = await table('src_inc');
  const prefix = `${uniqueId('kst-src')}.`;
  const topic = `${prefix}${name}`;
  topics.push(topic);
  await db.query(`INSERT INTO "${name}" (status, body) SELECT 'S' || i, 'b' || i FROM generate_series(1, 25) AS i`);
  const connector = uniqueId('pg-source');
  const config = sourceConfig(name, prefix, {
    mode: 'incrementing', 'incrementing.column.name': 'id', 'batch.max.rows': '10',
    transforms: 'createKey,extractKey,origin', 'transforms.origin.type': 'org.apache.kafka.connect.transforms.InsertHeader', 'transforms.origin.header': 'origin', 'transforms.origin.value.literal': 'postgres',
    'transforms.createKey.type': 'org.apache.kafka.connect.transforms.ValueToKey', 'transforms.createKey.fields': 'status',
    'transforms.extractKey.type': 'org.apache.kafka.connect.transforms.ExtractField$Key', 'transforms.extractKey.field': 'status',
  });
  assert.equal((await http(worker.url, 'PUT', `/connectors/${connector}/config`, config)).status, 201);
  const reader = new PartitionReader(clientConfig(), { maxWaitMs: 200 });
  const records: KafkaRecord[] = [];
  try {
    reader.assign([{ topic, partition: 0, offset: 'earliest' }]);
    await until('25 records', async () => {
      records.push(...await reader.poll().catch(() => []));
      return records.length >= 25;
    });
  } finally {
    await reader.close();
  }
  assert.deepEqual(records.map((r) => r.key?.toString('utf8')), Array.from({ length: 25 }, (_, i) => `S${i + 1}`));
  assert.deepEqual(records[0]?.headers.map(([k, v]) => [k, v.toString('utf8')]), [['origin', 'postgres']], 'headers written by the header converter');

  assert.equal((await http(worker.url, 'PUT', `/connectors/${connector}/stop`)).status, 204);
  await until('the connector is STOPPED', async () => ((await http(worker.url, 'GET', `/connectors/${connector}/status`)).body as { connector: { state: string } }).connector.state === 'STOPPED');
  const reset = await http(worker.url, 'DELETE', `/connectors/${connector}/offsets`);
  assert.equal(reset.status, 200, JSON.stringify(reset.body));
  assert.deepEqual((await http(worker.url, 'GET', `/connectors/${connector}/offsets`)).body, { offsets: [] });
  await http(worker.url, 'PUT', `/connectors/${connector}/resume`);
  await values(topic, (v) => v.length >= 50, 'the table copied again after the reset');

  // Altered to id 20: the rows after it are copied once more.
  await http(worker.url, 'PUT', `/connectors/${connector}/stop`);
  await until('the connector is STOPPED again', async () => ((await http(worker.url, 'GET', `/connectors/${connector}/status`)).body as { connector: { state: string } }).connector.state === 'STOPPED');
  const partition = { protocol: '1', table: `${database}.public.${name}` };
  const altered = await http(worker.url, 'PATCH', `/connectors/${connector}/offsets`, { offsets: [{ partition, offset: { incrementing: 20 } }] });
  assert.equal(altered.status, 200, JSON.stringify(altered.body));
  assert.deepEqual((await http(worker.url, 'GET', `/connectors/${connector}/offsets`)).body, { offsets: [{ partition, offset: { incrementing: 20 } }] });
  assert.equal((await http(worker.url, 'PATCH', `/connectors/${connector}/offsets`, { offsets: [{ partition: null, offset: {} }] })).status, 400);
  await http(worker.url, 'PUT', `/connectors/${connector}/resume`);
  const all = await values(topic, (v) => v.length >= 55, 'the rows after the altered offset');
  assert.deepEqual(all.slice(50).map((v) => v['id']), [21, 22, 23, 24, 25]);
  await http(worker.url, 'DELETE', `/connectors/${connector}`);
});
