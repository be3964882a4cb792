import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { postgresSinkConnector } from '../../../../connectors/sinks/postgres/connector.ts';
import { isKstError } from '../../../../common/errors.ts';
import { field, recordingContext, sinkRecord, stack, struct, uniqueId } from '../support.ts';

const url = new URL(stack.postgresUrl);
const jdbcUrl = `jdbc:postgresql://${url.hostname}:${url.port}${url.pathname}`;
const base = { 'connection.url': jdbcUrl, 'connection.user': decodeURIComponent(url.username), 'connection.password': decodeURIComponent(url.password) };
let db: pg.Client;

before(async () => {
  db = new pg.Client({ connectionString: stack.postgresUrl });
  await db.connect();
});
after(async () => {
  await db.end();
});

async function startTask(config: Record<string, string>) {
  const task = postgresSinkConnector.createTask();
  await task.start({ ...base, ...config }, recordingContext());
  return task;
}

async function rows(table: string, orderBy = 1): Promise<Array<Record<string, unknown>>> {
  return (await db.query(`SELECT * FROM "${table}" ORDER BY ${orderBy}`)).rows;
}

const orderSchema = struct({ id: field('int64'), customer: field('string'), amount: field('float64', true), paid: field('boolean') });
const keySchema = struct({ id: field('int64') });

test('insert mode, pk.mode=none: auto.create makes the table from the struct schema', async () => {
  const topic = uniqueId('pg_insert');
  const task = await startTask({ 'auto.create': 'true' });
  await task.put([1, 2, 3].map((id) => sinkRecord(topic, null, { id, customer: `c${id}`, amount: id * 1.5, paid: id % 2 === 0 }, { valueSchema: orderSchema })));
  await task.flush(new Map());
  await task.stop();
  assert.deepEqual(await rows(topic), [
    { id: '1', customer: 'c1', amount: 1.5, paid: false },
    { id: '2', customer: 'c2', amount: 3, paid: true },
    { id: '3', customer: 'c3', amount: 4.5, paid: false },
  ]);
  const types = await db.query(`SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [topic]);
  assert.deepEqual(types.rows.map((r) => [r.column_name, r.data_type, r.is_nullable]), [
    ['id', 'bigint', 'NO'], ['customer', 'text', 'NO'], ['amount', 'double precision', 'YES'], ['paid', 'boolean', 'NO'],
  ]);
});

test('upsert with pk.mode=record_key: last write per key wins within a batch, tombstones delete', async () => {
  const topic = uniqueId('pg_upsert');
  const task = await startTask({ 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'auto.create': 'true', 'delete.enabled': 'true' });
  const put = (id: number, value: unknown) => sinkRecord(topic, { id }, value, { keySchema, valueSchema: value === null ? null : orderSchema });
  await task.put([put(1, { id: 1, customer: 'a', amount: 1, paid: false }), put(2, { id: 2, customer: 'b', amount: 2, paid: false }), put(3, { id: 3, customer: 'x', amount: null, paid: false })]);
  await task.put([put(1, { id: 1, customer: 'a2', amount: 10, paid: true }), put(2, null), put(1, { id: 1, customer: 'a3', amount: 11, paid: true }), put(3, null), put(3, { id: 3, customer: 'back', amount: 3, paid: true })]);
  await task.stop();
  assert.deepEqual(await rows(topic), [
    { id: '1', customer: 'a3', amount: 11, paid: true },
    { id: '3', customer: 'back', amount: 3, paid: true },
  ]);
});

test('update mode changes existing rows only', async () => {
  const topic = uniqueId('pg_update');
  await db.query(`CREATE TABLE "${topic}" (id BIGINT PRIMARY KEY, customer TEXT, amount DOUBLE PRECISION, paid BOOLEAN)`);
  await db.query(`INSERT INTO "${topic}" VALUES (1, 'a', 1, false)`);
  const task = await startTask({ 'insert.mode': 'update', 'pk.mode': 'record_value', 'pk.fields': 'id' });
  await task.put([sinkRecord(topic, null, { id: 1, customer: 'changed', amount: 5, paid: true }, { valueSchema: orderSchema }), sinkRecord(topic, null, { id: 2, customer: 'new', amount: 1, paid: true }, { valueSchema: orderSchema })]);
  await task.stop();
  assert.deepEqual(await rows(topic), [{ id: '1', customer: 'changed', amount: 5, paid: true }]);
});

test('pk.mode=kafka keys rows by topic, partition and offset; a primitive key gets __connect_key', async () => {
  const topic = uniqueId('pg_kafka');
  const task = await startTask({ 'pk.mode': 'kafka', 'auto.create': 'true', 'insert.mode': 'upsert' });
  const record = sinkRecord(topic, null, { note: 'hi' }, { valueSchema: struct({ note: field('string') }), partition: 3 });
  await task.put([record, record]);
  await task.stop();
  assert.deepEqual(await rows(topic), [{ __connect_topic: topic, __connect_partition: 3, __connect_offset: String(record.kafkaOffset), note: 'hi' }]);

  const keyed = uniqueId('pg_primitive_key');
  const task2 = await startTask({ 'pk.mode': 'record_key', 'auto.create': 'true', 'insert.mode': 'upsert' });
  await task2.put([sinkRecord(keyed, 'k1', { n: 1 }, { keySchema: field('string') }), sinkRecord(keyed, 'k1', { n: 2 }, { keySchema: field('string') })]);
  await task2.stop();
  assert.deepEqual(await rows(keyed), [{ __connect_key: 'k1', n: 2 }]);
});

test('insert with pk.mode=kafka appends each record once: a redelivered one is skipped; with another pk a duplicate still fails, as in Connect', async () => {
  const topic = uniqueId('pg_append');
  const task = await startTask({ 'pk.mode': 'kafka', 'auto.create': 'true', 'insert.mode': 'insert' });
  const first = sinkRecord(topic, null, { note: 'a' }, { valueSchema: struct({ note: field('string') }) });
  const second = sinkRecord(topic, null, { note: 'b' }, { valueSchema: struct({ note: field('string') }) });
  await task.put([first]);
  await task.put([first, second]);
  await task.stop();
  assert.deepEqual((await rows(topic)).map((row) => row['note']).sort(), ['a', 'b']);

  const keyed = uniqueId('pg_insert_dup');
  const strict = await startTask({ 'pk.mode': 'record_value', 'pk.fields': 'id', 'auto.create': 'true', 'insert.mode': 'insert' });
  await strict.put([sinkRecord(keyed, null, { id: 1, customer: 'x', amount: null, paid: false }, { valueSchema: orderSchema })]);
  await assert.rejects(strict.put([sinkRecord(keyed, null, { id: 1, customer: 'x', amount: null, paid: false }, { valueSchema: orderSchema })]), (e) => isKstError(e, 'KST_SINK_WRITE_FAILED'));
  await strict.stop();
});

test('auto.evolve adds columns for new fields; without it a new field fails the batch', async () => {
  const topic = uniqueId('pg_evolve');
  const v1 = struct({ id: field('int32'), name: field('string') });
  const v2 = struct({ id: field('int32'), name: field('string'), email: field('string', true), born: field('int64', true, 'org.apache.kafka.connect.data.Timestamp') });
  const strict = await startTask({ 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id', 'auto.create': 'true' });
  await strict.put([sinkRecord(topic, null, { id: 1, name: 'a' }, { valueSchema: v1 })]);
  await assert.rejects(strict.put([sinkRecord(topic, null, { id: 2, name: 'b', email: 'b@x', born: null }, { valueSchema: v2 })]), (e) => isKstError(e, 'KST_SINK_WRITE_FAILED'));
  await strict.stop();
  const evolving = await startTask({ 'insert.mode': 'upsert', 'pk.mode': 'record_value', 'pk.fields': 'id', 'auto.evolve': 'true' });
  await evolving.put([sinkRecord(topic, null, { id: 2, name: 'b', email: 'b@x', born: new Date(Date.UTC(2000, 0, 2)) }, { valueSchema: v2 })]);
  await evolving.stop();
  const result = await db.query(`SELECT id, name, email, to_char(born, 'YYYY-MM-DD') AS born FROM "${topic}" ORDER BY id`);
  assert.deepEqual(result.rows, [{ id: 1, name: 'a', email: null, born: null }, { id: 2, name: 'b', email: 'b@x', born: '2000-01-02' }]);
});

test('schemaless JSON: tables from the JSON fields, nested objects and arrays as jsonb, new keys evolve the table', async () => {
  const topic = uniqueId('pg_json');
  const task = await startTask({ 'insert.mode': 'upsert', 'pk.mode': 'record_key', 'pk.fields': 'sku', 'auto.create': 'true', 'auto.evolve': 'true' });
  await task.put([
    sinkRecord(topic, 'p-1', { name: 'Lamp', price: 19.9, stock: 4, tags: ['home', 'light'], dims: { w: 10, h: 30 } }),
    sinkRecord(topic, 'p-2', { name: 'Desk', price: 120, stock: 0, tags: [], dims: { w: 100, h: 75 }, discontinued: true }),
  ]);
  await task.stop();
  const result = await db.query(`SELECT sku, name, price, stock, tags, dims, discontinued, jsonb_typeof(tags) AS tags_type FROM "${topic}" ORDER BY sku`);
  assert.deepEqual(result.rows, [
    { sku: 'p-1', name: 'Lamp', price: 19.9, stock: 4, tags: ['home', 'light'], dims: { w: 10, h: 30 }, discontinued: null, tags_type: 'array' },
    { sku: 'p-2', name: 'Desk', price: 120, stock: 0, tags: [], dims: { w: 100, h: 75 }, discontinued: true, tags_type: 'array' },
  ]);
});

test('config: delete.enabled needs pk.mode=record_key; upsert needs a pk; errors name the key', async () => {
  assert.deepEqual(Object.keys(postgresSinkConnector.validate?.({ ...base, 'delete.enabled': 'true', 'pk.mode': 'kafka' }) ?? {}), ['delete.enabled']);
  assert.deepEqual(Object.keys(postgresSinkConnector.validate?.({ ...base, 'insert.mode': 'upsert' }) ?? {}), ['pk.mode']);
  await assert.rejects(startTask({ 'delete.enabled': 'true' }), (e) => isKstError(e, 'KST_CONFIG_INVALID') && /delete\.enabled/.test((e as Error).message));
});

test('tasks starting side by side create the same new table once, none failing (the DDL is serialised)', async () => {
  for (let round = 0; round < 10; round++) {
    const topic = uniqueId('pg_race');
    const tasks = await Promise.all(Array.from({ length: 6 }, () => startTask({ 'auto.create': 'true' })));
    const puts = await Promise.allSettled(tasks.map((task, i) => task.put([sinkRecord(topic, null, { id: i, customer: `c${i}`, amount: null, paid: false }, { valueSchema: orderSchema })])));
    await Promise.all(tasks.map((task) => task.stop()));
    assert.deepEqual(puts.filter((put) => put.status === 'rejected'), []);
    assert.equal((await rows(topic)).length, 6);
  }
});
