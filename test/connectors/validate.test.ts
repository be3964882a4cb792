import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalidConfigMessage, validateConnectorConfig } from '../../connectors/config/validate.ts';
import { memorySinkPlugin } from '../../connectors/plugins/memory-sink.ts';

const base = { name: 'c1', 'connector.class': memorySinkPlugin.className, topics: 'orders', 'memory.sink.id': 'm1' };
const errorsOf = (infos: ReturnType<typeof validateConnectorConfig>, key: string): readonly string[] =>
  infos.configs.find((c) => c.value.name === key)?.value.errors ?? [];

test('a valid config has no errors and reports every worker-level and plugin key in Connect\'s shape', () => {
  const infos = validateConnectorConfig(base, memorySinkPlugin);
  assert.equal(infos.error_count, 0);
  assert.equal(infos.name, memorySinkPlugin.className);
  assert.deepEqual(infos.groups.slice(0, 4), ['Common', 'Transforms', 'Predicates', 'Error Handling']);
  assert.ok(infos.groups.includes('Memory'));
  const tasksMax = infos.configs.find((c) => c.definition.name === 'tasks.max');
  assert.deepEqual(tasksMax?.definition, {
    name: 'tasks.max', type: 'INT', required: false, default_value: '1', importance: 'HIGH', documentation: 'Maximum number of tasks to use for this connector.',
    group: 'Common', order: 3, width: 'SHORT', display_name: 'Tasks max', dependents: [],
  });
  assert.deepEqual(tasksMax?.value, { name: 'tasks.max', value: '1', recommended_values: [], errors: [], visible: true });
  for (const key of ['name', 'connector.class', 'topics', 'topics.regex', 'key.converter', 'value.converter', 'transforms', 'predicates', 'errors.tolerance', 'errors.retry.timeout', 'errors.retry.delay.max.ms', 'errors.log.enable', 'errors.log.include.messages', 'errors.deadletterqueue.topic.name', 'errors.deadletterqueue.topic.replication.factor', 'errors.deadletterqueue.context.headers.enable', 'memory.sink.id']) {
    assert.ok(infos.configs.some((c) => c.definition.name === key), `${key} reported`);
  }
});

test('topics and topics.regex are exclusive, one is required, and the DLQ may not be an input', () => {
  const both = validateConnectorConfig({ ...base, 'topics.regex': 'orders.*' }, memorySinkPlugin);
  assert.equal(both.error_count, 2);
  assert.deepEqual(errorsOf(both, 'topics'), ['topics and topics.regex are mutually exclusive options, but both are set.']);
  assert.deepEqual(errorsOf(both, 'topics.regex'), ['topics and topics.regex are mutually exclusive options, but both are set.']);
  const neither = validateConnectorConfig({ ...base, topics: '' }, memorySinkPlugin);
  assert.deepEqual(errorsOf(neither, 'topics'), ['Must configure one of topics or topics.regex']);
  const dlq = validateConnectorConfig({ ...base, 'errors.deadletterqueue.topic.name': 'orders' }, memorySinkPlugin);
  assert.match(errorsOf(dlq, 'errors.deadletterqueue.topic.name')[0] ?? '', /The DLQ topic 'orders' may not be included/);
});

test('types, ranges, enumerations, converters, transforms and plugin rules are checked with Connect\'s messages', () => {
  const infos = validateConnectorConfig({
    ...base, 'tasks.max': '0', 'errors.tolerance': 'some', 'errors.log.enable': 'yes', 'value.converter': 'com.example.Missing',
    transforms: 'x', 'transforms.x.type': 'com.example.NoSuchTransform', 'memory.sink.id': 'has space',
  }, memorySinkPlugin);
  assert.deepEqual(errorsOf(infos, 'tasks.max'), ['Invalid value 0 for configuration tasks.max: Value must be at least 1']);
  assert.deepEqual(errorsOf(infos, 'errors.tolerance'), ['Invalid value some for configuration errors.tolerance: String must be one of: none, all']);
  assert.deepEqual(errorsOf(infos, 'errors.log.enable'), ['Invalid value yes for configuration errors.log.enable: Expected value to be either true or false']);
  assert.deepEqual(errorsOf(infos, 'value.converter'), ['Invalid value com.example.Missing for configuration value.converter: Class com.example.Missing could not be found.']);
  assert.deepEqual(errorsOf(infos, 'transforms.x.type'), ['Invalid value com.example.NoSuchTransform for configuration transforms.x.type: Class com.example.NoSuchTransform could not be found.']);
  assert.deepEqual(errorsOf(infos, 'memory.sink.id'), ['Store id may not contain spaces']);
  assert.equal(infos.error_count, 6);
  assert.ok(infos.groups.includes('Transforms: x'));

  const missing = validateConnectorConfig({ 'connector.class': memorySinkPlugin.className, topics: 't' }, memorySinkPlugin);
  assert.deepEqual(errorsOf(missing, 'name'), ['Missing required configuration "name" which has no default value.']);
  assert.equal(invalidConfigMessage(missing), 'Connector configuration is invalid and contains the following 2 error(s):\n'
    + 'Missing required configuration "name" which has no default value.\n'
    + 'Missing required configuration "memory.sink.id" which has no default value.\n'
    + 'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`');
});

test('a known transform contributes its own keys under transforms.<alias>.', () => {
  const infos = validateConnectorConfig({ ...base, transforms: 'route', 'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.route.regex': '(.*)', 'transforms.route.replacement': '$1-x' }, memorySinkPlugin);
  assert.equal(infos.error_count, 0, JSON.stringify(infos.configs.filter((c) => c.value.errors.length > 0)));
  assert.ok(infos.configs.some((c) => c.definition.name === 'transforms.route.regex' && c.definition.group === 'Transforms: route'));
});

test('a config with provider references is checked resolved but shown with its references, and other messages are redacted', () => {
  const raw = { ...base, 'tasks.max': '${env:TASKS}', 'memory.sink.id': '${file:/s.properties:id}' };
  const resolved = { ...base, 'tasks.max': '0', 'memory.sink.id': 'resolved-sink-id' };
  const infos = validateConnectorConfig(resolved, memorySinkPlugin, { raw, redact: (text) => text.replaceAll('resolved-sink-id', '[hidden]') });
  assert.deepEqual(errorsOf(infos, 'tasks.max'), ['Invalid value ${env:TASKS} for configuration tasks.max: Value must be at least 1'], 'checked resolved (0 < 1), shown as the reference');
  const shown = infos.configs.find((c) => c.value.name === 'memory.sink.id')?.value.value;
  assert.equal(shown, '${file:/s.properties:id}');
  assert.equal(JSON.stringify(infos).includes('resolved-sink-id'), false);
});

test('a source connector gets the source framework keys instead of the sink ones, and KIP-618\'s preflight', async () => {
  const { postgresSourceConnector } = await import('../../connectors/sources/postgres/connector.ts');
  const source = { name: 's1', 'connector.class': postgresSourceConnector.className, 'connection.url': 'jdbc:postgresql://127.0.0.1:5432/db', mode: 'bulk', 'table.include.list': 't', 'topic.prefix': 'p.' };
  const infos = validateConnectorConfig(source, postgresSourceConnector);
  assert.equal(infos.error_count, 0, JSON.stringify(infos.configs.filter((c) => c.value.errors.length > 0)));
  const names = infos.configs.map((c) => c.definition.name);
  for (const key of ['exactly.once.support', 'transaction.boundary', 'offsets.storage.topic', 'topic.creation.groups', 'topic.creation.default.partitions']) assert.ok(names.includes(key), key);
  for (const key of ['topics', 'topics.regex', 'errors.deadletterqueue.topic.name']) assert.ok(!names.includes(key), key);

  const required = { ...source, 'exactly.once.support': 'required' };
  assert.deepEqual(errorsOf(validateConnectorConfig(required, postgresSourceConnector), 'exactly.once.support'), ['This worker does not have exactly-once source support enabled.']);
  assert.equal(validateConnectorConfig(required, postgresSourceConnector, undefined, { exactlyOnceSource: true }).error_count, 0);
  const undeclared = { ...postgresSourceConnector, exactlyOnceSupport: 'UNSUPPORTED' as const };
  assert.equal(errorsOf(validateConnectorConfig(required, undeclared, undefined, { exactlyOnceSource: true }), 'exactly.once.support').length, 1);
  assert.equal(errorsOf(validateConnectorConfig({ ...source, 'transaction.boundary': 'connector' }, postgresSourceConnector, undefined, { exactlyOnceSource: true }), 'transaction.boundary').length, 1);
});

test('plugin version keys accept nothing or the installed version', () => {
  assert.equal(validateConnectorConfig({ ...base, 'connector.plugin.version': memorySinkPlugin.version }, memorySinkPlugin).error_count, 0);
  assert.equal(errorsOf(validateConnectorConfig({ ...base, 'connector.plugin.version': '0.0.1' }, memorySinkPlugin), 'connector.plugin.version').length, 1);
  assert.equal(errorsOf(validateConnectorConfig({ ...base, 'key.converter.plugin.version': '1.2.3' }, memorySinkPlugin), 'key.converter.plugin.version').length, 1);
});
