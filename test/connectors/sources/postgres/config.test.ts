import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../../common/errors.ts';
import { crossKeyErrors, parsePostgresSourceConfig } from '../../../../connectors/sources/postgres/config.ts';
import { postgresSourceConnector, spreadTables } from '../../../../connectors/sources/postgres/connector.ts';

const base = { 'connection.url': 'jdbc:postgresql://127.0.0.1:5432/shop', 'topic.prefix': 'pg-', 'table.include.list': 'a, b' };

test('defaults as Confluent\'s JDBC source: poll.interval.ms 5000, batch.max.rows 100; tables from either list key', () => {
  const s = parsePostgresSourceConfig({ ...base, mode: 'incrementing', 'incrementing.column.name': 'id' });
  assert.equal(s.pollIntervalMs, 5000);
  assert.equal(s.batchMaxRows, 100);
  assert.deepEqual(s.tables, ['a', 'b']);
  assert.equal(s.schema, 'public');
  assert.deepEqual(parsePostgresSourceConfig({ ...base, 'table.include.list': '', 'table.whitelist': 'c', mode: 'bulk' }).tables, ['c']);
  assert.deepEqual(parsePostgresSourceConfig({ ...base, mode: 'bulk', tables: 'b' }).tables, ['b'], 'a task reads its share');
});

test('each mode needs its columns; the table lists are exclusive and required', () => {
  assert.deepEqual(Object.keys(crossKeyErrors({ ...base, mode: 'timestamp+incrementing' })).sort(), ['incrementing.column.name', 'timestamp.column.name']);
  assert.deepEqual(Object.keys(crossKeyErrors({ ...base, mode: 'timestamp', 'timestamp.column.name': 'ts' })), []);
  assert.deepEqual(Object.keys(crossKeyErrors({ ...base, mode: 'bulk', 'table.whitelist': 'x' })), ['table.include.list']);
  assert.deepEqual(Object.keys(crossKeyErrors({ 'connection.url': 'x', mode: 'bulk' })), ['table.include.list']);
});

test('invalid config fails at start naming the key', () => {
  assert.throws(() => parsePostgresSourceConfig({ ...base, mode: 'sometimes' }), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID') && e.message.includes('"mode"'));
  assert.throws(() => parsePostgresSourceConfig({ ...base, mode: 'bulk', 'poll.interval.ms': '0' }), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID') && e.message.includes('"poll.interval.ms"'));
  assert.throws(() => parsePostgresSourceConfig({ ...base, mode: 'incrementing' }), (e: unknown) => isKstError(e, 'KST_CONFIG_INVALID') && e.message.includes('"incrementing.column.name"'));
});

test('tables are spread round robin over at most tasks.max tasks', () => {
  assert.deepEqual(spreadTables(['a', 'b', 'c'], 2), [['a', 'c'], ['b']]);
  assert.deepEqual(spreadTables(['a'], 4), [['a']]);
  assert.deepEqual(postgresSourceConnector.taskConfigs({ ...base, mode: 'bulk', 'table.include.list': 'a,b,c' }, 3).map((c) => c['tables']), ['a', 'b', 'c']);
});
