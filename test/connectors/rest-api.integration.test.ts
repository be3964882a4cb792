import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memorySinkPlugin } from '../../connectors/plugins/memory-sink.ts';
import { broker, clusterNames, dropCluster, http, startWorker, unique, until, type Answer } from './helpers.ts';

const SINK = memorySinkPlugin.className;
const error = (status: number, message: string) => ({ error_code: status, message });

test('the REST API answers every Connect endpoint with Connect\'s status codes and bodies', { timeout: 180_000 }, async (t) => {
  const kafka = broker();
  const cluster = clusterNames();
  const worker = await startWorker(cluster);
  const call = (method: string, path: string, body?: unknown): Promise<Answer> => http(worker.url, method, path, body);
  const topic = await kafka.topic(2);
  const config = (extra: Record<string, string> = {}): Record<string, string> => ({ 'connector.class': SINK, topics: topic, 'memory.sink.id': unique('rest'), 'tasks.max': '2', ...extra });
  const [c1, c2, paused, stopped] = ['c1', 'c2', 'paused', 'stopped'].map((n) => unique(n)) as [string, string, string, string];
  const statusOf = async (name: string): Promise<{ connector: { state: string }; tasks: Array<{ state: string }> }> => (await call('GET', `/connectors/${name}/status`)).body as never;
  try {
    await t.test('GET / and /health', async () => {
      const root = await call('GET', '/');
      assert.equal(root.status, 200);
      const body = root.body as Record<string, unknown>;
      assert.match(String(body['version']), /^\d+\.\d+\.\d+$/);
      assert.equal(typeof body['commit'], 'string');
      assert.equal(body['kafka_cluster_id'], await kafka.admin.clusterId(), 'the id the brokers report in their metadata');
      assert.match(String(body['kafka_cluster_id']), /^[A-Za-z0-9_-]{22}$/, 'a KRaft cluster id');
      assert.deepEqual(await call('GET', '/health').then((a) => [a.status, a.body]), [200, { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' }]);
      assert.deepEqual((await call('GET', '/connectors')).body, []);
    });

    await t.test('POST /connectors: 201 with Location, 409 on a duplicate, 400 on invalid configs', async () => {
      const created = await call('POST', '/connectors', { name: c1, config: config() });
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('location'), `/connectors/${c1}`);
      const info = created.body as { name: string; config: Record<string, string>; tasks: unknown[]; type: string };
      assert.equal(info.name, c1);
      assert.equal(info.config['name'], c1, 'the name goes into the config');
      assert.equal(info.type, 'sink');
      assert.ok(Array.isArray(info.tasks));

      assert.deepEqual(await call('POST', '/connectors', { name: c1, config: config() }).then((a) => [a.status, a.body]), [409, error(409, `Connector ${c1} already exists`)]);

      const invalid = await call('POST', '/connectors', { name: 'bad', config: { 'connector.class': SINK, 'tasks.max': '0' } });
      assert.equal(invalid.status, 400);
      const message = (invalid.body as { message: string }).message;
      assert.match(message, /^Connector configuration is invalid and contains the following 4 error\(s\):\n/);
      assert.match(message, /Invalid value 0 for configuration tasks.max: Value must be at least 1/);
      assert.match(message, /Must configure one of topics or topics.regex/);
      assert.match(message, /Missing required configuration "memory.sink.id" which has no default value./);
      assert.match(message, /You can also find the above list of errors at the endpoint `\/connector-plugins\/\{connectorType\}\/config\/validate`$/);
      assert.equal((invalid.body as { error_code: number }).error_code, 400);

      const noClass = await call('POST', '/connectors', { name: 'bad', config: { topics: topic } });
      assert.equal(noClass.status, 400);
      assert.match((noClass.body as { message: string }).message, /contains no connector type$/);
      const unknownClass = await call('POST', '/connectors', { name: 'bad', config: { 'connector.class': 'com.example.Nope', topics: topic } });
      assert.equal(unknownClass.status, 400);
      assert.match((unknownClass.body as { message: string }).message, /^Failed to find any class that implements Connector and which name matches com.example.Nope/);
      const mismatch = await call('POST', '/connectors', { name: 'x', config: { ...config(), name: 'y' } });
      assert.deepEqual([mismatch.status, mismatch.body], [400, error(400, 'Connector name configuration (y) doesn\'t match connector name in the URL (x)')]);
      const bothTopics = await call('POST', '/connectors', { name: 'bad', config: config({ 'topics.regex': 'x.*' }) });
      assert.match((bothTopics.body as { message: string }).message, /contains the following 2 error\(s\):\ntopics and topics.regex are mutually exclusive options, but both are set.\ntopics and topics.regex are mutually exclusive options, but both are set./);
      assert.deepEqual((await call('GET', '/connectors')).body, [c1]);
    });

    await t.test('GET connector, config, tasks, status; 404 for unknown names and tasks', async () => {
      await until('c1 and its tasks run', async () => {
        const s = await statusOf(c1);
        return s.connector.state === 'RUNNING' && s.tasks.length === 2 && s.tasks.every((task) => task.state === 'RUNNING');
      });
      const status = (await call('GET', `/connectors/${c1}/status`)).body as Record<string, unknown>;
      assert.deepEqual(Object.keys(status).sort(), ['connector', 'name', 'tasks', 'type']);
      const version = memorySinkPlugin.version;
      assert.deepEqual(status['connector'], { state: 'RUNNING', worker_id: worker.workerId, version });
      assert.deepEqual(status['tasks'], [{ id: 0, state: 'RUNNING', worker_id: worker.workerId, version }, { id: 1, state: 'RUNNING', worker_id: worker.workerId, version }]);
      const info = (await call('GET', `/connectors/${c1}`)).body as { tasks: unknown };
      assert.deepEqual(info.tasks, [{ connector: c1, task: 0 }, { connector: c1, task: 1 }]);
      assert.equal(((await call('GET', `/connectors/${c1}/config`)).body as Record<string, string>)['topics'], topic);
      const tasks = (await call('GET', `/connectors/${c1}/tasks`)).body as Array<{ id: unknown; config: Record<string, string> }>;
      assert.deepEqual(tasks.map((task) => task.id), [{ connector: c1, task: 0 }, { connector: c1, task: 1 }]);
      assert.equal(tasks[0]?.config['topics'], topic);
      assert.deepEqual((await call('GET', `/connectors/${c1}/tasks/1/status`)).body, { id: 1, state: 'RUNNING', worker_id: worker.workerId, version });

      // Connect reads active topics from the status topic without looking the connector up.
      assert.deepEqual(await call('GET', '/connectors/nope/topics').then((a) => [a.status, a.body]), [200, { nope: { topics: [] } }]);
      for (const path of ['/connectors/nope', '/connectors/nope/config', '/connectors/nope/status', '/connectors/nope/tasks', '/connectors/nope/offsets']) {
        assert.deepEqual(await call('GET', path).then((a) => [a.status, a.body]), [404, error(404, 'Connector nope not found')], path);
      }
      for (const [method, path] of [['PUT', '/connectors/nope/pause'], ['PUT', '/connectors/nope/resume'], ['PUT', '/connectors/nope/stop'], ['POST', '/connectors/nope/restart'], ['DELETE', '/connectors/nope']] as const) {
        assert.equal((await call(method, path)).status, 404, `${method} ${path}`);
      }
      assert.deepEqual(await call('GET', `/connectors/${c1}/tasks/9/status`).then((a) => [a.status, a.body]), [404, error(404, `No status found for task ${c1}-9`)]);
      assert.equal((await call('POST', `/connectors/${c1}/tasks/9/restart`)).status, 404);
      assert.deepEqual(await call('GET', '/no/such/path').then((a) => [a.status, a.body]), [404, error(404, 'HTTP 404 Not Found')]);
    });

    await t.test('GET /connectors?expand=status|info', async () => {
      const both = (await call('GET', '/connectors?expand=status&expand=info')).body as Record<string, Record<string, { name: string }>>;
      assert.deepEqual(Object.keys(both), [c1]);
      assert.deepEqual(Object.keys(both[c1] ?? {}).sort(), ['info', 'status']);
      assert.equal(both[c1]?.['status']?.name, c1);
      const status = (await call('GET', '/connectors?expand=status')).body as Record<string, Record<string, unknown>>;
      assert.deepEqual(Object.keys(status[c1] ?? {}), ['status']);
      const info = (await call('GET', '/connectors?expand=info')).body as Record<string, Record<string, { type: string }>>;
      assert.equal(info[c1]?.['info']?.type, 'sink');
    });

    await t.test('PUT and PATCH config', async () => {
      const current = (await call('GET', `/connectors/${c1}/config`)).body as Record<string, string>;
      const updated = await call('PUT', `/connectors/${c1}/config`, { ...current, 'errors.tolerance': 'all' });
      assert.equal(updated.status, 200);
      assert.equal((updated.body as { config: Record<string, string> }).config['errors.tolerance'], 'all');
      const created = await call('PUT', `/connectors/${c2}/config`, config({ 'tasks.max': '1' }));
      assert.equal(created.status, 201);
      assert.equal(created.headers.get('location'), `/connectors/${c2}`);
      assert.equal((await call('PUT', `/connectors/${c2}/config`, { ...config(), 'tasks.max': 'x' })).status, 400);
      assert.deepEqual(await call('PUT', `/connectors/${c2}/config`, { ...config(), name: 'other' }).then((a) => [a.status, a.body]), [400, error(400, `Connector name configuration (other) doesn't match connector name in the URL (${c2})`)]);
      const patched = await call('PATCH', `/connectors/${c1}/config`, { 'errors.tolerance': null, 'errors.log.enable': 'true' });
      assert.equal(patched.status, 200);
      const patchedConfig = (patched.body as { config: Record<string, string> }).config;
      assert.equal(patchedConfig['errors.tolerance'], undefined);
      assert.equal(patchedConfig['errors.log.enable'], 'true');
      assert.equal(patchedConfig['topics'], topic);
      assert.equal((await call('PATCH', '/connectors/nope/config', { a: 'b' })).status, 404);
    });

    await t.test('pause (202), resume (202), restarts (204, 202 with RESTARTING marks)', async () => {
      await until('c1 runs after its reconfiguration', async () => (await statusOf(c1)).tasks.every((task) => task.state === 'RUNNING') && (await statusOf(c1)).tasks.length === 2);
      assert.equal((await call('PUT', `/connectors/${c1}/pause`)).status, 202);
      await until('c1 paused', async () => { const s = await statusOf(c1); return s.connector.state === 'PAUSED' && s.tasks.every((task) => task.state === 'PAUSED'); });
      assert.equal((await call('PUT', `/connectors/${c1}/resume`)).status, 202);
      await until('c1 resumed', async () => { const s = await statusOf(c1); return s.connector.state === 'RUNNING' && s.tasks.every((task) => task.state === 'RUNNING'); });

      const plain = await call('POST', `/connectors/${c1}/restart`);
      assert.deepEqual([plain.status, plain.body], [204, undefined]);
      const all = await call('POST', `/connectors/${c1}/restart?includeTasks=true`);
      assert.equal(all.status, 202);
      const marked = all.body as { name: string; connector: { state: string }; tasks: Array<{ state: string }>; type: string };
      assert.equal(marked.name, c1);
      assert.equal(marked.connector.state, 'RESTARTING');
      assert.deepEqual(marked.tasks.map((task) => task.state), ['RESTARTING', 'RESTARTING']);
      await until('c1 runs again after the restart', async () => { const s = await statusOf(c1); return s.connector.state === 'RUNNING' && s.tasks.every((task) => task.state === 'RUNNING'); });
      const onlyFailed = await call('POST', `/connectors/${c1}/restart?includeTasks=true&onlyFailed=true`);
      assert.equal(onlyFailed.status, 202);
      assert.equal(((onlyFailed.body as { connector: { state: string } }).connector.state), 'RUNNING', 'nothing failed, nothing restarts');
      assert.equal((await call('POST', `/connectors/${c1}/tasks/0/restart`)).status, 204);
      await until('c1 runs again after the restarts', async () => { const s = await statusOf(c1); return s.connector.state === 'RUNNING' && s.tasks.every((task) => task.state === 'RUNNING'); });
    });

    await t.test('topics, and offsets changes refused unless STOPPED', async () => {
      await kafka.send([{ topic, partition: 0, key: null, value: Buffer.from('{"schema":null,"payload":1}') }]);
      await until('the topic is tracked', async () => JSON.stringify((await call('GET', `/connectors/${c1}/topics`)).body) === JSON.stringify({ [c1]: { topics: [topic] } }));
      assert.equal((await call('PUT', `/connectors/${c1}/topics/reset`)).status, 202);
      // 202: accepted, as in Connect, the reset goes through the status topic and shows once read back.
      await until('the reset topics read back empty', async () => JSON.stringify((await call('GET', `/connectors/${c1}/topics`)).body) === JSON.stringify({ [c1]: { topics: [] } }));

      await until('the offset is committed', async () => ((await call('GET', `/connectors/${c1}/offsets`)).body as { offsets: unknown[] }).offsets.length === 1);
      assert.deepEqual((await call('GET', `/connectors/${c1}/offsets`)).body, { offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 1 } }] });
      const refused = error(400, `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${c1}/stop' endpoint`);
      const alter = { offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 0 } }] };
      assert.deepEqual(await call('PATCH', `/connectors/${c1}/offsets`, alter).then((a) => [a.status, a.body]), [400, refused]);
      assert.deepEqual(await call('DELETE', `/connectors/${c1}/offsets`).then((a) => [a.status, a.body]), [400, refused]);

      assert.equal((await call('PUT', `/connectors/${c1}/stop`)).status, 204);
      await until('c1 stopped', async () => { const s = await statusOf(c1); return s.connector.state === 'STOPPED' && s.tasks.length === 0; });
      assert.deepEqual((await call('GET', `/connectors/${c1}/tasks`)).body, []);
      assert.deepEqual(await call('PATCH', `/connectors/${c1}/offsets`, { offsets: [] }).then((a) => [a.status, a.body]), [400, error(400, 'Partitions / offsets need to be provided for an alter offsets request')]);
      const altered = await call('PATCH', `/connectors/${c1}/offsets`, { offsets: [{ partition: { kafka_topic: topic, kafka_partition: 1 }, offset: { kafka_offset: 0 } }, { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 0 } }] });
      assert.equal(altered.status, 200);
      assert.match((altered.body as { message: string }).message, /offsets for this connector have been altered successfully/);
      assert.deepEqual((await call('GET', `/connectors/${c1}/offsets`)).body, { offsets: [
        { partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 0 } },
        { partition: { kafka_topic: topic, kafka_partition: 1 }, offset: { kafka_offset: 0 } },
      ] });
      // One request may move some partitions and reset others (a null offset).
      const mixed = await call('PATCH', `/connectors/${c1}/offsets`, { offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 1 } }, { partition: { kafka_topic: topic, kafka_partition: 1 }, offset: null }] });
      assert.equal(mixed.status, 200, JSON.stringify(mixed.body));
      assert.deepEqual((await call('GET', `/connectors/${c1}/offsets`)).body, { offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 1 } }] });
      const reset = await call('DELETE', `/connectors/${c1}/offsets`);
      assert.equal(reset.status, 200);
      assert.match((reset.body as { message: string }).message, /offsets for this connector have been reset successfully/);
      assert.deepEqual((await call('GET', `/connectors/${c1}/offsets`)).body, { offsets: [] });
      assert.equal((await call('PUT', `/connectors/${c1}/resume`)).status, 202);
      await until('c1 runs again after STOPPED', async () => { const s = await statusOf(c1); return s.connector.state === 'RUNNING' && s.tasks.length === 2 && s.tasks.every((task) => task.state === 'RUNNING'); });
    });

    await t.test('initial_state PAUSED and STOPPED', async () => {
      assert.equal((await call('POST', '/connectors', { name: paused, config: config({ 'tasks.max': '1' }), initial_state: 'PAUSED' })).status, 201);
      assert.equal((await call('POST', '/connectors', { name: stopped, config: config({ 'tasks.max': '1' }), initial_state: 'STOPPED' })).status, 201);
      assert.equal((await call('POST', '/connectors', { name: 'bad', config: config(), initial_state: 'SLEEPING' })).status, 400);
      await until('paused is PAUSED, stopped is STOPPED', async () => {
        const p = await statusOf(paused);
        const s = await statusOf(stopped);
        return p.connector.state === 'PAUSED' && p.tasks.length === 1 && p.tasks[0]?.state === 'PAUSED' && s.connector.state === 'STOPPED' && s.tasks.length === 0;
      });
    });

    await t.test('connector plugins, their config and validation', async () => {
      const plugins = (await call('GET', '/connector-plugins')).body as Array<{ class: string; type: string; version: string }>;
      assert.ok(plugins.some((p) => p.class === SINK && p.type === 'sink' && p.version === memorySinkPlugin.version));
      assert.ok(plugins.every((p) => p.type === 'sink' || p.type === 'source'));
      assert.ok(plugins.some((p) => p.class === 'io.kstreams.connect.jdbc.PostgresSourceConnector' && p.type === 'source'));
      const everything = (await call('GET', '/connector-plugins?connectorsOnly=false')).body as Array<{ class: string; type: string }>;
      assert.ok(everything.some((p) => p.class === 'org.apache.kafka.connect.transforms.RegexRouter' && p.type === 'transformation'));
      assert.ok(everything.some((p) => p.class === 'org.apache.kafka.connect.json.JsonConverter' && p.type === 'converter'));
      const keys = (await call('GET', `/connector-plugins/${SINK}/config`)).body as Array<Record<string, unknown>>;
      assert.deepEqual(keys.map((k) => k['name']), ['memory.sink.id', 'memory.reject.marker']);
      assert.deepEqual(Object.keys(keys[0] ?? {}).sort(), ['default_value', 'dependents', 'display_name', 'documentation', 'group', 'importance', 'name', 'order', 'required', 'type', 'width']);
      assert.deepEqual(await call('GET', '/connector-plugins/com.example.Nope/config').then((a) => [a.status, a.body]), [404, error(404, 'Unknown plugin com.example.Nope.')]);

      const validated = await call('PUT', `/connector-plugins/MemorySinkConnector/config/validate`, { topics: topic, 'tasks.max': '-1' });
      assert.equal(validated.status, 200);
      const infos = validated.body as { name: string; error_count: number; groups: string[]; configs: Array<{ definition: { name: string }; value: { name: string; value: string | null; errors: string[]; recommended_values: string[]; visible: boolean } }> };
      assert.equal(infos.name, SINK);
      assert.equal(infos.error_count, 3);
      assert.deepEqual(infos.configs.find((c) => c.value.name === 'tasks.max')?.value, { name: 'tasks.max', value: '-1', recommended_values: [], errors: ['Invalid value -1 for configuration tasks.max: Value must be at least 1'], visible: true });
      assert.deepEqual(infos.configs.find((c) => c.value.name === 'name')?.value.errors, ['Missing required configuration "name" which has no default value.']);
      assert.equal((await call('PUT', `/connector-plugins/MemorySinkConnector/config/validate`, { 'connector.class': 'com.example.Other', topics: topic })).status, 400);
    });

    await t.test('admin loggers', async () => {
      const all = (await call('GET', '/admin/loggers')).body as Record<string, { level: string; last_modified: number | null }>;
      assert.deepEqual(all['root'], { level: 'INFO', last_modified: null });
      const changed = await call('PUT', '/admin/loggers/io.kstreams.connect', { level: 'DEBUG' });
      assert.equal(changed.status, 200);
      assert.ok((changed.body as string[]).includes('io.kstreams.connect'));
      assert.ok((changed.body as string[]).includes('io.kstreams.connect.runtime.Worker'));
      const one = (await call('GET', '/admin/loggers/io.kstreams.connect.runtime.Worker')).body as { level: string; last_modified: number };
      assert.equal(one.level, 'DEBUG');
      assert.equal(typeof one.last_modified, 'number');
      assert.deepEqual(await call('GET', '/admin/loggers/com.example.none').then((a) => [a.status, a.body]), [404, error(404, 'Logger com.example.none not found.')]);
      assert.equal((await call('PUT', '/admin/loggers/io.kstreams.connect?scope=cluster', { level: 'INFO' })).status, 204);
      assert.equal((await call('PUT', '/admin/loggers/io.kstreams.connect', { level: 'LOUD' })).status, 404);
      assert.equal((await call('PUT', '/admin/loggers/io.kstreams.connect', {})).status, 400);
    });

    await t.test('DELETE: 204, then 404', async () => {
      for (const name of [c1, c2, paused, stopped]) assert.equal((await call('DELETE', `/connectors/${name}`)).status, 204, name);
      assert.deepEqual((await call('GET', '/connectors')).body, []);
      assert.equal((await call('GET', `/connectors/${c1}`)).status, 404);
      assert.equal((await call('DELETE', `/connectors/${c1}`)).status, 404);
    });
  } finally {
    await worker.stop();
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
  }
});
