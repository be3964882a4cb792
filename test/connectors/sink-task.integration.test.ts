import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SinkRecord } from '../../connectors/api/connect-record.ts';
import type { SinkConnectorPlugin } from '../../connectors/api/sink.ts';
import type { PluginDefinition, Transformation } from '../../connectors/api/transformation.ts';
import { memorySinkPlugin, memorySinkState } from '../../connectors/plugins/memory-sink.ts';
import { registerSinkPlugin, registerTransformPlugin } from '../../connectors/plugins/plugin-registry.ts';
import { DLQ_HEADERS } from '../../connectors/runtime/dead-letter-queue.ts';
import type { KafkaRecord } from '../../processors/kafka/index.ts';
import { broker, clusterNames, dropCluster, header, http, readAll, startWorker, unique, until } from './helpers.ts';

// An in-test transform: upper-cases a struct's or map's `name` field.
const upperName: PluginDefinition<Transformation> = {
  className: 'test.UpperName', aliases: ['UpperName'], type: 'transformation', configDef: [],
  create: () => ({
    configure: () => undefined,
    apply: (record: SinkRecord) => ({ ...record, value: { ...(record.value as Record<string, unknown>), name: String((record.value as { name: string }).name).toUpperCase() } }),
  }),
};
registerTransformPlugin(upperName);

// A sink whose flush fails (retriably) until the test opens the gate: offsets must not move before.
const gate = { open: false, puts: 0, flushesFailed: 0 };
const gatedSink: SinkConnectorPlugin = {
  ...memorySinkPlugin, className: 'test.GatedSinkConnector', aliases: ['GatedSink'],
  createTask: () => {
    const inner = memorySinkPlugin.createTask();
    return {
      start: (config, context) => inner.start(config, context),
      put: async (records) => {
        gate.puts += records.length;
        await inner.put(records);
      },
      flush: async (offsets) => {
        if (!gate.open) {
          gate.flushesFailed++;
          throw Object.assign(new Error('target not reachable'), { retriable: true });
        }
        await inner.flush(offsets);
      },
      stop: () => inner.stop(),
    };
  },
};
registerSinkPlugin(gatedSink);


test('a sink task consumes, converts, transforms and delivers records, and commits offsets only after flush', { timeout: 180_000 }, async (t) => {
  const kafka = broker();
  const cluster = clusterNames();
  const worker = await startWorker(cluster);
  const call = (method: string, path: string, body?: unknown) => http(worker.url, method, path, body);
  try {
    await t.test('JSON with schema envelope, string keys, an in-test and a built-in transform', async () => {
      const topic = await kafka.topic(2);
      const store = unique('schema');
      const name = unique('json-schema');
      const schema = { type: 'struct', optional: false, fields: [{ field: 'id', type: 'int32', optional: false }, { field: 'name', type: 'string', optional: false }] };
      await kafka.send([1, 2, 3].map((id) => ({ topic, partition: id % 2, key: Buffer.from(`k${id}`), value: Buffer.from(JSON.stringify({ schema, payload: { id, name: `n${id}` } })) })));
      const created = await call('POST', '/connectors', { name, config: {
        'connector.class': 'MemorySinkConnector', topics: topic, 'memory.sink.id': store, 'tasks.max': '2',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        transforms: 'upper,route', 'transforms.upper.type': 'test.UpperName',
        'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter', 'transforms.route.regex': '(.*)', 'transforms.route.replacement': '$1-routed',
      } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await until('three records flushed', () => memorySinkState(store).flushed.length === 3);
      const records = [...memorySinkState(store).flushed].sort((a, b) => Number(a.key === null ? 0 : String(a.key).slice(1)) - Number(String(b.key).slice(1)));
      assert.deepEqual(records.map((r) => [r.key, r.value, r.topic]), [1, 2, 3].map((id) => [`k${id}`, { id, name: `N${id}` }, `${topic}-routed`]));
      assert.equal(records[0]?.keySchema?.type, 'string');
      assert.deepEqual(records[0]?.valueSchema?.fields?.map((f) => f.name), ['id', 'name']);
      assert.equal(typeof records[0]?.kafkaOffset, 'bigint');
      await until('offsets committed', async () => ((await call('GET', `/connectors/${name}/offsets`)).body as { offsets: unknown[] }).offsets.length === 2);
      const offsets = ((await call('GET', `/connectors/${name}/offsets`)).body as { offsets: Array<{ partition: { kafka_partition: number }; offset: { kafka_offset: number } }> }).offsets;
      assert.deepEqual(offsets.map((o) => [o.partition.kafka_partition, o.offset.kafka_offset]), [[0, 1], [1, 2]]);
      assert.equal((await call('DELETE', `/connectors/${name}`)).status, 204);
    });

    await t.test('schemaless JSON and string values', async () => {
      const topic = await kafka.topic(1);
      const json = unique('schemaless');
      const text = unique('string');
      await kafka.send([{ topic, key: null, value: Buffer.from('{"a":[1,2]}') }, { topic, key: null, value: Buffer.from('"x"') }]);
      const base = { 'connector.class': 'MemorySinkConnector', topics: topic };
      assert.equal((await call('POST', '/connectors', { name: json, config: { ...base, 'memory.sink.id': json, 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false' } })).status, 201);
      assert.equal((await call('POST', '/connectors', { name: text, config: { ...base, 'memory.sink.id': text, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' } })).status, 201);
      await until('both delivered', () => memorySinkState(json).flushed.length === 2 && memorySinkState(text).flushed.length === 2);
      assert.deepEqual(memorySinkState(json).flushed.map((r) => [r.valueSchema, r.value]), [[null, { a: [1, 2] }], [null, 'x']]);
      assert.deepEqual(memorySinkState(text).flushed.map((r) => [r.valueSchema, r.value]), [[{ type: 'string', optional: true }, '{"a":[1,2]}'], [{ type: 'string', optional: true }, '"x"']]);
      await call('DELETE', `/connectors/${json}`);
      await call('DELETE', `/connectors/${text}`);
    });

    await t.test('topics.regex reads every matching topic, and only those', async () => {
      const prefix = unique('kst-connect-rx');
      await kafka.admin.createTopics([{ name: `${prefix}-a`, partitions: 1 }, { name: `${prefix}-b`, partitions: 1 }, { name: `${prefix}x-c`, partitions: 1 }]);
      const name = unique('regex');
      await kafka.send(['a', 'b'].map((s) => ({ topic: `${prefix}-${s}`, key: null, value: Buffer.from(s) })).concat([{ topic: `${prefix}x-c`, key: null, value: Buffer.from('c') }]));
      assert.equal((await call('POST', '/connectors', { name, config: { 'connector.class': 'MemorySinkConnector', 'topics.regex': `${prefix}-.*`, 'memory.sink.id': name, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' } })).status, 201);
      await until('both matching topics delivered', () => memorySinkState(name).flushed.length === 2);
      await new Promise((resolve) => setTimeout(resolve, 500));
      assert.deepEqual(memorySinkState(name).flushed.map((r) => r.value).sort(), ['a', 'b']);
      const tasks = (await call('GET', `/connectors/${name}/tasks`)).body as Array<{ config: Record<string, string> }>;
      assert.equal(tasks[0]?.config['topics.regex'], `${prefix}-.*`);
      await call('DELETE', `/connectors/${name}`);
      await kafka.admin.deleteTopics([`${prefix}-a`, `${prefix}-b`, `${prefix}x-c`], { ifExists: true });
    });

    await t.test('offsets stay uncommitted while flush fails, and move once it succeeds', async () => {
      const topic = await kafka.topic(1);
      const name = unique('gated');
      await kafka.send([1, 2, 3, 4].map((n) => ({ topic, key: null, value: Buffer.from(String(n)) })));
      assert.equal((await call('POST', '/connectors', { name, config: { 'connector.class': 'GatedSink', topics: topic, 'memory.sink.id': name, 'value.converter': 'org.apache.kafka.connect.storage.StringConverter' } })).status, 201);
      await until('records put and flushes refused', () => gate.puts >= 4 && gate.flushesFailed >= 3);
      assert.deepEqual((await call('GET', `/connectors/${name}/offsets`)).body, { offsets: [] }, 'nothing committed before a successful flush');
      assert.equal(((await call('GET', `/connectors/${name}/status`)).body as { tasks: Array<{ state: string }> }).tasks[0]?.state, 'RUNNING', 'a retriable flush failure does not fail the task');
      gate.open = true;
      await until('offsets committed after the flush', async () => JSON.stringify((await call('GET', `/connectors/${name}/offsets`)).body) === JSON.stringify({ offsets: [{ partition: { kafka_topic: topic, kafka_partition: 0 }, offset: { kafka_offset: 4 } }] }));
      // Failed flushes rewound the consumer: records were redelivered, and everything flushed is there.
      assert.deepEqual([...new Set(memorySinkState(name).flushed.map((r) => r.value))].sort(), ['1', '2', '3', '4']);
      await call('DELETE', `/connectors/${name}`);
    });

    await t.test('errors.tolerance=all: a malformed record and an errant one go to the DLQ with context headers; the task keeps RUNNING', async () => {
      const topic = await kafka.topic(1);
      const name = unique('dlq');
      const dlq = unique('kst-connect-dlq');
      await kafka.send([
        { topic, key: null, value: Buffer.from('{"ok":1}') },
        { topic, key: Buffer.from('bad-key'), value: Buffer.from('{not json'), headers: [['trace-id', Buffer.from('t-1')]] },
        { topic, key: null, value: Buffer.from('{"ok":2,"reject":"POISON"}') },
        { topic, key: null, value: Buffer.from('{"ok":3}') },
      ]);
      assert.equal((await call('POST', '/connectors', { name, config: {
        'connector.class': 'MemorySinkConnector', topics: topic, 'memory.sink.id': name, 'memory.reject.marker': 'POISON',
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter', 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false',
        'errors.tolerance': 'all', 'errors.log.enable': 'true', 'errors.log.include.messages': 'true',
        'errors.deadletterqueue.topic.name': dlq, 'errors.deadletterqueue.topic.replication.factor': '1', 'errors.deadletterqueue.context.headers.enable': 'true',
      } })).status, 201);
      await until('good records flushed', () => memorySinkState(name).flushed.length === 2);
      assert.deepEqual(memorySinkState(name).flushed.map((r) => r.value), [{ ok: 1 }, { ok: 3 }]);
      const [malformed, errant] = await readAll(dlq, 2);
      assert.deepEqual([malformed?.key?.toString(), malformed?.value?.toString()], ['bad-key', '{not json']);
      assert.equal(header(malformed as KafkaRecord, 'trace-id'), 't-1', 'original headers kept');
      assert.equal(header(malformed as KafkaRecord, DLQ_HEADERS.topic), topic);
      assert.equal(header(malformed as KafkaRecord, DLQ_HEADERS.partition), '0');
      assert.equal(header(malformed as KafkaRecord, DLQ_HEADERS.offset), '1');
      assert.equal(header(malformed as KafkaRecord, DLQ_HEADERS.connectorName), name);
      assert.equal(header(malformed as KafkaRecord, DLQ_HEADERS.taskId), '0');
      assert.equal(header(malformed as KafkaRecord, DLQ_HEADERS.stage), 'VALUE_CONVERTER');
      assert.equal(header(malformed as KafkaRecord, DLQ_HEADERS.className), 'org.apache.kafka.connect.json.JsonConverter');
      assert.equal(header(malformed as KafkaRecord, DLQ_HEADERS.exceptionClassName), 'org.apache.kafka.connect.errors.DataException');
      assert.match(header(malformed as KafkaRecord, DLQ_HEADERS.exceptionMessage) ?? '', /Converting byte\[\] to Kafka Connect data failed/);
      assert.ok((header(malformed as KafkaRecord, DLQ_HEADERS.exceptionStacktrace) ?? '').length > 0);
      assert.equal(header(errant as KafkaRecord, DLQ_HEADERS.stage), 'TASK_PUT');
      assert.equal(header(errant as KafkaRecord, DLQ_HEADERS.offset), '2');
      assert.equal(header(errant as KafkaRecord, DLQ_HEADERS.className), memorySinkPlugin.className);
      const status = (await call('GET', `/connectors/${name}/status`)).body as { connector: { state: string }; tasks: Array<{ state: string }> };
      assert.deepEqual([status.connector.state, status.tasks[0]?.state], ['RUNNING', 'RUNNING']);
      await call('DELETE', `/connectors/${name}`);
      await kafka.admin.deleteTopics([dlq], { ifExists: true });
    });

    await t.test('errors.tolerance=none fails the task with a trace; restarts retry it; a fixed config brings it back', async () => {
      const topic = await kafka.topic(1);
      const name = unique('strict');
      await kafka.send([{ topic, key: null, value: Buffer.from('{broken') }, { topic, key: null, value: Buffer.from('{"fine":true}') }]);
      const config = { 'connector.class': 'MemorySinkConnector', topics: topic, 'memory.sink.id': name, 'value.converter': 'JsonConverter', 'value.converter.schemas.enable': 'false' };
      assert.equal((await call('POST', '/connectors', { name, config })).status, 201);
      const taskStatus = async (): Promise<{ state: string; trace?: string; worker_id: string }> => (await call('GET', `/connectors/${name}/tasks/0/status`)).body as never;
      await until('the task failed', async () => (await taskStatus()).state === 'FAILED');
      const failed = await taskStatus();
      assert.match(failed.trace ?? '', /KST_CONNECT_TOLERANCE_EXCEEDED: Tolerance exceeded in error handler/);
      assert.match(failed.trace ?? '', /Caused by: KstError: KST_CONNECT_CONVERSION_FAILED/);
      assert.equal(((await call('GET', `/connectors/${name}/status`)).body as { connector: { state: string } }).connector.state, 'RUNNING', 'the connector itself still runs');
      assert.equal(memorySinkState(name).flushed.length, 0);

      const starts = memorySinkState(name).started.length;
      const restart = await call('POST', `/connectors/${name}/restart?includeTasks=true&onlyFailed=true`);
      assert.equal(restart.status, 202);
      const marked = restart.body as { connector: { state: string }; tasks: Array<{ state: string }> };
      assert.deepEqual([marked.connector.state, marked.tasks[0]?.state], ['RUNNING', 'RESTARTING'], 'only the failed task restarts');
      await until('the restarted task started again and failed again on the same record', async () => memorySinkState(name).started.length > starts && (await taskStatus()).state === 'FAILED');
      assert.equal((await call('POST', `/connectors/${name}/tasks/0/restart`)).status, 204);
      await until('the task restarted once more', () => memorySinkState(name).started.length > starts + 1);

      const fixed = await call('PATCH', `/connectors/${name}/config`, { 'errors.tolerance': 'all' });
      assert.equal(fixed.status, 200);
      await until('the reconfigured task runs and delivers the good record', async () => (await taskStatus()).state === 'RUNNING' && memorySinkState(name).flushed.length === 1);
      assert.deepEqual(memorySinkState(name).flushed[0]?.value, { fine: true });
      await call('DELETE', `/connectors/${name}`);
    });
  } finally {
    await worker.stop();
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
  }
});
