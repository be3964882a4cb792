/**
 * Source tasks under the worker's exactly-once source support (KIP-618): records and
 * their offsets are committed in one transaction, so read_committed readers see each row
 * once, the offsets topic holds only committed offsets, a stopped and resumed connector
 * neither repeats nor skips a row, and validate accepts `exactly.once.support=required`
 * for a connector that declares it.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { PartitionReader, TransactionalProducer, type KafkaRecord } from '../../../processors/kafka/index.ts';
import type { Worker } from '../../../connectors/worker.ts';
import { broker, clientConfig, clusterNames, dropCluster, http, startWorker, until, type Broker } from '../helpers.ts';
import { stack, uniqueId } from '../sinks/support.ts';

const url = new URL(stack.postgresUrl);
const connection = { 'connection.url': `jdbc:postgresql://${url.hostname}:${url.port}${url.pathname}`, 'connection.user': decodeURIComponent(url.username), 'connection.password': decodeURIComponent(url.password) };
const cluster = clusterNames('kst-eos-source');
const logs: string[] = [];
let db: pg.Client;
let worker: Worker;
let kafka: Broker;
const table = uniqueId('eos_src');
const prefix = `${uniqueId('kst-eos')}.`;
const topic = `${prefix}${table}`;

before(async () => {
  db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
  await db.query(`CREATE TABLE "${table}" (id BIGSERIAL PRIMARY KEY, body TEXT NOT NULL)`);
  kafka = broker();
  worker = await startWorker(cluster, { 'exactly.once.source.support': 'enabled' }, (line) => void logs.push(line));
});

after(async () => {
  await worker?.stop();
  await db.query(`DROP TABLE IF EXISTS "${table}"`);
  await kafka.admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
  await dropCluster(kafka.admin, cluster);
  await kafka.close();
  await db.end();
});

/** Everything committed in `name`'s partition 0 once `done` holds. */
async function committed(name: string, done: (records: readonly KafkaRecord[]) => boolean, what: string): Promise<KafkaRecord[]> {
  const reader = new PartitionReader(clientConfig(), { maxWaitMs: 200, isolation: 'read_committed' });
  const records: KafkaRecord[] = [];
  try {
    reader.assign([{ topic: name, partition: 0, offset: 'earliest' }]);
    await until(what, async () => {
      records.push(...await reader.poll().catch(() => []));
      return done(records);
    }, 30_000, 0);
    return records;
  } finally {
    await reader.close();
  }
}

const ids = (records: readonly KafkaRecord[]): number[] => records.map((r) => (JSON.parse((r.value as Buffer).toString('utf8')) as { id: number }).id);

test('validate: exactly.once.support=required passes on this worker for the PostgreSQL source; only poll boundaries are offered', async () => {
  const base = { name: 'v', 'connector.class': 'PostgresSourceConnector', ...connection, mode: 'incrementing', 'incrementing.column.name': 'id', 'table.include.list': table, 'topic.prefix': prefix };
  const ok = (await http(worker.url, 'PUT', '/connector-plugins/PostgresSourceConnector/config/validate', { ...base, 'exactly.once.support': 'required' })).body as { error_count: number };
  assert.equal(ok.error_count, 0);
  const interval = (await http(worker.url, 'PUT', '/connector-plugins/PostgresSourceConnector/config/validate', { ...base, 'transaction.boundary': 'interval' })).body as { error_count: number; configs: Array<{ value: { name: string; errors: string[] } }> };
  assert.deepEqual(interval.configs.filter((c) => c.value.errors.length > 0).map((c) => c.value.name), ['transaction.boundary']);
});

test('each row once, offsets committed with the records, a resumed connector continues exactly after them', async () => {
  await db.query(`INSERT INTO "${table}" (body) SELECT 'row ' || i FROM generate_series(1, 30) AS i`);
  const name = uniqueId('eos-source');
  const created = await http(worker.url, 'PUT', `/connectors/${name}/config`, {
    'connector.class': 'PostgresSourceConnector', ...connection, mode: 'incrementing', 'incrementing.column.name': 'id', 'table.include.list': table,
    'topic.prefix': prefix, 'poll.interval.ms': '100', 'batch.max.rows': '7', 'exactly.once.support': 'required',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.deepEqual(ids(await committed(topic, (r) => r.length >= 30, '30 committed rows')), Array.from({ length: 30 }, (_, i) => i + 1));

  // The offsets are in the offsets topic as committed transactional records.
  const offsets = await committed(cluster['offset.storage.topic'] as string, (r) => r.some((o) => (o.value?.toString('utf8') ?? '').includes('"incrementing":30')), 'the committed offset of row 30');
  assert.ok(offsets.every((o) => JSON.parse((o.key as Buffer).toString('utf8'))[0] === name));

  // A zombie with the task's transactional id: it fences the running task (the fault), whose
  // status must not turn FAILED; a restart of the task takes the id back and goes on.
  const zombie = new TransactionalProducer(clientConfig(), `${cluster['group.id']}-${name}-0`);
  await zombie.initTransactions();
  await zombie.close();
  await db.query(`INSERT INTO "${table}" (body) VALUES ('while fenced')`);
  await until('the task found itself fenced', () => logs.some((line) => line.includes(`${name}-0 fenced by a newer run of the task`)));
  assert.equal((await committed(topic, (r) => r.length >= 30, 'what is committed')).length, 30, 'row 31 was not committed by the fenced task');
  const status = (await http(worker.url, 'GET', `/connectors/${name}/status`)).body as { tasks: Array<{ state: string }> };
  assert.notEqual(status.tasks[0]?.state, 'FAILED', 'a fenced zombie is not a failure');
  assert.equal((await http(worker.url, 'POST', `/connectors/${name}/tasks/0/restart`)).status, 204);
  await db.query(`INSERT INTO "${table}" (body) VALUES ('after the restart')`);
  const all = ids(await committed(topic, (r) => r.length >= 32, 'rows 31 and 32 after the restart'));
  assert.deepEqual(all, Array.from({ length: 32 }, (_, i) => i + 1), 'no row twice, none skipped');
  await http(worker.url, 'DELETE', `/connectors/${name}`);
});
