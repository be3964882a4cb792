import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePostgresSinkConfig } from '../../../../connectors/sinks/postgres/config.ts';
import { clientConfig, isRetriableConnectFailure, isTransient } from '../../../../connectors/sinks/postgres/connection.ts';
import { RowMapper, sqlTypeOf } from '../../../../connectors/sinks/postgres/rows.ts';
import { BatchWriter, toParam } from '../../../../connectors/sinks/postgres/batch-writer.ts';
import { TableManager } from '../../../../connectors/sinks/postgres/tables.ts';
import { isKstError } from '../../../../common/errors.ts';
import { field, sinkRecord, struct } from '../support.ts';

const settings = (extra: Record<string, string> = {}) => parsePostgresSinkConfig({ 'connection.url': 'jdbc:postgresql://db.local:6543/shop', ...extra });

test('connection settings from JDBC and postgres:// URLs; the user keys override the URL', () => {
  assert.deepEqual(
    { ...clientConfig(settings({ 'connection.user': 'app', 'connection.password': 's3cret' })), connectionTimeoutMillis: 0 },
    { host: 'db.local', port: 6543, database: 'shop', user: 'app', password: 's3cret', connectionTimeoutMillis: 0, application_name: 'kstreams-postgres-sink' },
  );
  const plain = clientConfig(settings({ 'connection.url': 'postgres://u:p%40ss@127.0.0.1/kstreams?sslmode=require' }));
  assert.equal(plain.user, 'u');
  assert.equal(plain.password, 'p@ss');
  assert.equal(plain.port, 5432);
  assert.deepEqual(plain.ssl, { rejectUnauthorized: false });
  assert.throws(() => clientConfig(settings({ 'connection.url': 'jdbc:mysql://x/y' })), (e) => isKstError(e, 'KST_CONFIG_INVALID'));
});

test('connection errors and server restarts are transient; constraint violations are not', () => {
  assert.equal(isTransient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })), true);
  assert.equal(isTransient(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })), true);
  assert.equal(isTransient(new Error('Connection terminated unexpectedly')), true);
  assert.equal(isTransient(Object.assign(new Error('duplicate key'), { code: '23505' })), false);
  // Opening a connection: anything but a refused login or a missing database is retried.
  assert.equal(isRetriableConnectFailure(new Error('SASL: SCRAM-SERVER-FINAL-MESSAGE: server signature is missing')), true);
  assert.equal(isRetriableConnectFailure(Object.assign(new Error('the database system is starting up'), { code: '57P03' })), true);
  assert.equal(isRetriableConnectFailure(Object.assign(new Error('password authentication failed'), { code: '28P01' })), false);
  assert.equal(isRetriableConnectFailure(Object.assign(new Error('database "x" does not exist'), { code: '3D000' })), false);
});

test('rows by pk.mode: record_key struct, kafka coordinates, record_value with pk.fields', () => {
  const keySchema = struct({ id: field('int64') });
  const valueSchema = struct({ id: field('int64'), name: field('string', true), tags: { type: 'array', optional: true, valueSchema: field('string') } });
  const record = sinkRecord('shop.orders', { id: 5 }, { id: 5, name: 'x', tags: ['a'] }, { keySchema, valueSchema, partition: 1 });
  const mapper = new RowMapper(settings({ 'pk.mode': 'record_key' }));
  const byKey = mapper.toRow(record);
  assert.deepEqual(byKey?.table, { schema: 'shop', name: 'orders' });
  assert.deepEqual(byKey?.layout.key.map((c) => [c.name, c.sqlType]), [['id', 'BIGINT']]);
  assert.deepEqual(byKey?.keyValues, [5]);
  assert.deepEqual(byKey?.layout.columns.map((c) => [c.name, c.sqlType, c.nullable]), [['name', 'TEXT', true], ['tags', 'JSONB', true]]);
  assert.deepEqual(byKey?.values, ['x', ['a']]);
  // Records of the same schemas share one layout object: a row is only its values.
  const next = mapper.toRow(sinkRecord('shop.orders', { id: 6 }, { id: 6, name: null, tags: null }, { keySchema, valueSchema }));
  assert.equal(next?.layout, byKey?.layout);
  assert.deepEqual(next?.values, [null, null]);
  const byKafka = new RowMapper(settings({ 'pk.mode': 'kafka', 'table.name.format': 'sink_${topic}' })).toRow(record);
  assert.deepEqual(byKafka?.layout.key.map((c) => c.name), ['__connect_topic', '__connect_partition', '__connect_offset']);
  assert.deepEqual(byKafka?.keyValues, ['shop.orders', 1, record.kafkaOffset]);
  assert.deepEqual(byKafka?.table, { schema: 'sink_shop', name: 'orders' });
  const byValue = new RowMapper(settings({ 'pk.mode': 'record_value', 'pk.fields': 'name' })).toRow(record);
  assert.deepEqual(byValue?.layout.key.map((c) => c.name), ['name']);
  assert.deepEqual(byValue?.keyValues, ['x']);
  assert.deepEqual(byValue?.layout.columns.map((c) => c.name), ['id', 'tags']);
  assert.deepEqual(byValue?.values, [5, ['a']]);
});

test('schemaless JSON: columns from the object, types guessed, nested values as jsonb; primitive keys as one column', () => {
  const row = new RowMapper(settings({ 'pk.mode': 'record_key', 'pk.fields': 'code' })).toRow(sinkRecord('t', 'k1', { code: 'dup', n: 1.5, nested: { a: 1 }, none: null }));
  assert.deepEqual(row?.layout.key.map((c) => [c.name, c.sqlType]), [['code', 'TEXT']]);
  assert.deepEqual(row?.keyValues, ['k1']);
  // The value's own `code` is the key column's name: the key wins, the value field is not written twice.
  assert.deepEqual(row?.layout.columns.map((c) => [c.name, c.sqlType]), [['n', 'DOUBLE PRECISION'], ['nested', 'JSONB'], ['none', 'TEXT']]);
  assert.deepEqual(row?.values, [1.5, { a: 1 }, null]);
  const objectKey = new RowMapper(settings({ 'pk.mode': 'record_key' })).toRow(sinkRecord('t', new Map<string, unknown>([['a', 1], ['b', 'x']]), { v: true }));
  assert.deepEqual([objectKey?.layout.key.map((c) => c.name), objectKey?.keyValues], [['a', 'b'], [1, 'x']]);
});

test('tombstones: skipped unless delete.enabled; a record_key row without a key is an input error', () => {
  assert.equal(new RowMapper(settings()).toRow(sinkRecord('t', 'k', null)), null);
  const row = new RowMapper(settings({ 'pk.mode': 'record_key', 'delete.enabled': 'true' })).toRow(sinkRecord('t', 'k', null));
  assert.equal(row?.isDelete, true);
  assert.throws(() => new RowMapper(settings({ 'pk.mode': 'record_key' })).toRow(sinkRecord('t', null, { a: 1 })), (e) => isKstError(e, 'KST_SINK_RECORD_INVALID'));
});

test('the batch plan keeps the last write per key, deletes included', () => {
  const s = settings({ 'pk.mode': 'record_key', 'delete.enabled': 'true', 'insert.mode': 'upsert' });
  const mapper = new RowMapper(s);
  const rows = [sinkRecord('t', 'a', { v: 1 }), sinkRecord('t', 'b', { v: 1 }), sinkRecord('t', 'a', null), sinkRecord('t', 'b', { v: 2 }), sinkRecord('t', 'c', null), sinkRecord('t', 'c', { v: 3 })].map((r) => mapper.toRow(r));
  const [plan] = new BatchWriter(s, new TableManager(s)).plan(rows.filter((r) => r !== null));
  assert.deepEqual(plan?.deletes.map((r) => r.record.key), ['a']);
  assert.deepEqual(plan?.upserts.map((r) => [r.record.key, (r.record.value as { v: number }).v]), [['b', 2], ['c', 3]]);
});

test('types and parameters: logical types, jsonb as JSON text, dates in UTC, bigints exact', () => {
  assert.equal(sqlTypeOf(field('int64', false, 'org.apache.kafka.connect.data.Timestamp')), 'TIMESTAMP');
  assert.equal(toParam({ a: [1, 2n ** 60n] }, 'jsonb'), '{"a":[1,"1152921504606846976"]}');
  assert.equal(toParam('x', 'jsonb'), '"x"');
  assert.equal(toParam(new Date(0), 'timestamp without time zone'), '1970-01-01T00:00:00.000Z');
  assert.equal(toParam(2n ** 60n, 'bigint'), '1152921504606846976');
});
