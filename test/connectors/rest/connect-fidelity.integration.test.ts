/**
 * The REST answers where Kafka Connect 4.1 differs from 3.x or where our worker used to
 * differ from Connect: the version in `GET /` and in statuses (KIP-891), the trace kept in
 * a restart plan, 405 for a known path with another method, 415 for a text/plain body,
 * trailing slashes, active topics of an unknown connector, and validate's 4.x keys.
 */

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SinkConnectorPlugin } from '../../../connectors/api/sink.ts';
import { registerSinkPlugin } from '../../../connectors/plugins/plugin-registry.ts';
import { memorySinkPlugin } from '../../../connectors/plugins/memory-sink.ts';
import type { Worker } from '../../../connectors/worker.ts';
import { broker, clusterNames, dropCluster, http, startWorker, unique, until, type Broker } from '../helpers.ts';

const failingSink: SinkConnectorPlugin = {
  className: 'io.kstreams.test.FailingSinkConnector',
  aliases: ['FailingSinkConnector'],
  type: 'sink',
  version: '9.9.9',
  configDef: [],
  taskConfigs: (config, maxTasks) => Array.from({ length: maxTasks }, () => ({ ...config })),
  createTask: () => ({
    start: async () => {
      throw new Error('the failing sink refuses to start');
    },
    put: async () => undefined,
    flush: async () => undefined,
    stop: async () => undefined,
  }),
};
registerSinkPlugin(failingSink);

const cluster = clusterNames('kst-connect-fidelity');
let worker: Worker;
let kafka: Broker;
let topic: string;

before(async () => {
  kafka = broker();
  topic = await kafka.topic(1);
  worker = await startWorker(cluster);
});

after(async () => {
  await worker?.stop();
  await dropCluster(kafka.admin, cluster);
  await kafka.close();
});

test('GET / reports 4.1.2; statuses carry the plugin version', async () => {
  assert.equal(((await http(worker.url, 'GET', '/')).body as { version: string }).version, '4.1.2');
  const name = unique('versioned');
  await http(worker.url, 'PUT', `/connectors/${name}/config`, { 'connector.class': memorySinkPlugin.className, topics: topic, 'memory.sink.id': name });
  await until('the connector and its task run', async () => {
    const s = (await http(worker.url, 'GET', `/connectors/${name}/status`)).body as { connector: { state: string }; tasks: Array<{ state: string }> };
    return s.connector.state === 'RUNNING' && s.tasks[0]?.state === 'RUNNING';
  });
  const status = (await http(worker.url, 'GET', `/connectors/${name}/status`)).body as { connector: Record<string, unknown>; tasks: Array<Record<string, unknown>> };
  assert.equal(status.connector['version'], memorySinkPlugin.version);
  assert.equal(status.tasks[0]?.['version'], memorySinkPlugin.version);
  await http(worker.url, 'DELETE', `/connectors/${name}`);
});

test('a restart with onlyFailed=true answers RESTARTING with the failure\'s trace', async () => {
  const name = unique('failing');
  await http(worker.url, 'PUT', `/connectors/${name}/config`, { 'connector.class': 'FailingSinkConnector', topics: topic });
  await until('the task failed', async () => ((await http(worker.url, 'GET', `/connectors/${name}/status`)).body as { tasks: Array<{ state: string }> }).tasks[0]?.state === 'FAILED');
  const restart = await http(worker.url, 'POST', `/connectors/${name}/restart?includeTasks=true&onlyFailed=true`);
  assert.equal(restart.status, 202);
  const plan = restart.body as { connector: { state: string; trace?: string }; tasks: Array<{ state: string; trace?: string; version?: string }> };
  assert.equal(plan.connector.state, 'RUNNING', 'the connector did not fail, so it does not restart');
  assert.equal(plan.tasks[0]?.state, 'RESTARTING');
  assert.match(plan.tasks[0]?.trace ?? '', /the failing sink refuses to start/);
  assert.equal(plan.tasks[0]?.version, '9.9.9');
  await http(worker.url, 'DELETE', `/connectors/${name}`);
});

test('a known path with another method is 405, a text/plain body 415, a trailing slash the same resource', async () => {
  const methodNotAllowed = { error_code: 405, message: 'HTTP 405 Method Not Allowed' };
  assert.deepEqual(await http(worker.url, 'DELETE', '/connector-plugins').then((a) => [a.status, a.body]), [405, methodNotAllowed]);
  assert.deepEqual(await http(worker.url, 'POST', '/connectors/x/status').then((a) => [a.status, a.body]), [405, methodNotAllowed]);
  assert.deepEqual(await http(worker.url, 'GET', '/connectors/x/pause').then((a) => [a.status, a.body]), [405, methodNotAllowed]);
  assert.deepEqual(await http(worker.url, 'GET', '/no/such/path').then((a) => [a.status, a.body]), [404, { error_code: 404, message: 'HTTP 404 Not Found' }]);

  const plain = await fetch(`${worker.url}/connectors`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"name":"x","config":{}}' });
  assert.deepEqual([plain.status, await plain.json()], [415, { error_code: 415, message: 'HTTP 415 Unsupported Media Type' }]);

  assert.deepEqual((await http(worker.url, 'GET', '/connectors/')).body, (await http(worker.url, 'GET', '/connectors')).body);
  assert.equal((await http(worker.url, 'GET', '/connector-plugins/')).status, 200);
});

test('active topics of an unknown connector are empty, and resetting them is accepted, as in Connect', async () => {
  const name = unique('unknown');
  assert.deepEqual(await http(worker.url, 'GET', `/connectors/${name}/topics`).then((a) => [a.status, a.body]), [200, { [name]: { topics: [] } }]);
  assert.equal((await http(worker.url, 'PUT', `/connectors/${name}/topics/reset`)).status, 202);
});

test('validate lists 4.x framework keys and checks plugin versions', async () => {
  const config = { name: 'v', 'connector.class': memorySinkPlugin.className, topics: topic, 'memory.sink.id': 'v', transforms: 'route', 'transforms.route.type': 'RegexRouter', 'transforms.route.regex': '.*', 'transforms.route.replacement': 'x' };
  const infos = (await http(worker.url, 'PUT', '/connector-plugins/MemorySinkConnector/config/validate', config)).body as { error_count: number; configs: Array<{ definition: { name: string; default_value: string | null }; value: { name: string; errors: string[] } }> };
  const names = infos.configs.map((c) => c.definition.name);
  for (const key of ['connector.plugin.version', 'tasks.max.enforce', 'key.converter.plugin.version', 'value.converter.plugin.version', 'header.converter.plugin.version', 'config.action.reload', 'transforms.route.plugin.version']) assert.ok(names.includes(key), key);
  assert.equal(infos.error_count, 0);
  assert.equal(infos.configs.find((c) => c.definition.name === 'tasks.max.enforce')?.definition.default_value, 'true');

  const wrong = (await http(worker.url, 'PUT', '/connector-plugins/MemorySinkConnector/config/validate', { ...config, 'connector.plugin.version': '7.0.0', 'value.converter.plugin.version': '1.0' })).body as typeof infos;
  assert.equal(wrong.error_count, 2);
  assert.deepEqual(wrong.configs.filter((c) => c.value.errors.length > 0).map((c) => c.value.name).sort(), ['connector.plugin.version', 'value.converter.plugin.version']);
});
