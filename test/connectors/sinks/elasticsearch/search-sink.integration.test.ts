import { test } from 'node:test';
import assert from 'node:assert/strict';
import { searchSinkConnector } from '../../../../connectors/sinks/elasticsearch/connector.ts';
import { isKstError } from '../../../../common/errors.ts';
import { field, recordingContext, sinkRecord, stack, struct, uniqueId } from '../support.ts';
import { deleteIndex, documents, http } from './search-client.ts';

const base = { 'connection.url': stack.opensearchUrl, 'retry.backoff.ms': '50' };

async function startTask(config: Record<string, string>, context = recordingContext()) {
  const task = searchSinkConnector.createTask();
  await task.start({ ...base, ...config }, context);
  return task;
}

const productSchema = struct({ sku: field('string'), name: field('string'), stock: field('int32') });

test('ids from keys (string and struct) and from topic+partition+offset with key.ignore', async () => {
  const topic = uniqueId('es_ids');
  const task = await startTask({});
  await task.put([
    sinkRecord(topic, 'p-1', { sku: 'p-1', name: 'Lamp', stock: 3 }, { valueSchema: productSchema }),
    sinkRecord(topic, { sku: 'p-2', region: 'eu' }, { sku: 'p-2', name: 'Desk', stock: 1 }),
  ]);
  await task.flush(new Map());
  await task.stop();
  assert.deepEqual(await documents(topic), new Map<string, unknown>([
    ['p-1', { sku: 'p-1', name: 'Lamp', stock: 3 }],
    ['{"sku":"p-2","region":"eu"}', { sku: 'p-2', name: 'Desk', stock: 1 }],
  ]));

  const coordinates = await startTask({ 'key.ignore': 'true', 'index.name.format': 'copy-${topic}' });
  const record = sinkRecord(topic, null, { n: 1 }, { partition: 4 });
  await coordinates.put([record]);
  await coordinates.flush(new Map());
  await coordinates.stop();
  assert.deepEqual([...(await documents(`copy-${topic}`)).keys()], [`${topic}+4+${record.kafkaOffset}`]);
  await Promise.all([deleteIndex(topic), deleteIndex(`copy-${topic}`)]);
});

test('upsert merges partial documents; insert replaces them; index names are lower-cased', async () => {
  const index = uniqueId('es_upsert');
  const topic = index.replace('es_upsert', 'ES_Upsert');
  const upsert = await startTask({ 'write.method': 'upsert' });
  await upsert.put([sinkRecord(topic, 'p-1', { name: 'Lamp', stock: 3 }), sinkRecord(topic, 'p-1', { stock: 2 })]);
  await upsert.flush(new Map());
  await upsert.stop();
  assert.deepEqual((await documents(index)).get('p-1'), { name: 'Lamp', stock: 2 });
  const insert = await startTask({ 'write.method': 'insert' });
  await insert.put([sinkRecord(topic, 'p-1', { stock: 9 })]);
  await insert.flush(new Map());
  await insert.stop();
  assert.deepEqual((await documents(index)).get('p-1'), { stock: 9 });
  await deleteIndex(index);
});

test('null values delete with behavior.on.null.values=delete, are skipped with ignore, dead-lettered with fail', async () => {
  const topic = uniqueId('es_nulls');
  const context = recordingContext();
  const task = await startTask({ 'behavior.on.null.values': 'delete' }, context);
  await task.put([sinkRecord(topic, 'a', { v: 1 }), sinkRecord(topic, 'b', { v: 2 }), sinkRecord(topic, 'a', null), sinkRecord(topic, 'never-there', null)]);
  await task.flush(new Map());
  await task.stop();
  assert.deepEqual([...(await documents(topic)).keys()], ['b']);

  const ignoring = await startTask({ 'behavior.on.null.values': 'ignore' });
  await ignoring.put([sinkRecord(topic, 'b', null)]);
  await ignoring.flush(new Map());
  await ignoring.stop();
  assert.deepEqual([...(await documents(topic)).keys()], ['b']);

  const failing = await startTask({}, context);
  await failing.put([sinkRecord(topic, 'b', null)]);
  await failing.flush(new Map());
  await failing.stop();
  assert.equal(context.errant.length, 1);
  assert.ok(isKstError(context.errant[0]?.error, 'KST_SINK_RECORD_INVALID'));
  assert.deepEqual([...(await documents(topic)).keys()], ['b']);
  await deleteIndex(topic);
});

test('malformed documents go to the errant record reporter while the task goes on', async () => {
  const index = uniqueId('es_malformed');
  assert.equal((await http('PUT', `/${index}`, { mappings: { properties: { price: { type: 'integer' } } } })).status, 200);
  const context = recordingContext();
  const task = await startTask({ 'behavior.on.malformed.documents': 'fail', 'batch.size': '2' }, context);
  await task.put([sinkRecord(index, 'ok-1', { price: 1 }), sinkRecord(index, 'bad', { price: 'not a number' }), sinkRecord(index, 'ok-2', { price: 2 })]);
  await task.flush(new Map());
  await task.put([sinkRecord(index, 'ok-3', { price: 3 })]);
  await task.flush(new Map());
  await task.stop();
  assert.deepEqual(context.errant.map((e) => e.record.key), ['bad']);
  assert.match(context.errant[0]?.error.message ?? '', /mapper_parsing_exception|document_parsing_exception/);
  assert.deepEqual([...(await documents(index)).keys()].sort(), ['ok-1', 'ok-2', 'ok-3']);

  // Without errors.tolerance=all the reporter throws, and flush fails the task.
  const strict = await startTask({ 'behavior.on.malformed.documents': 'fail' }, recordingContext({ failErrant: true }));
  await strict.put([sinkRecord(index, 'bad-2', { price: 'nope' })]);
  await assert.rejects(strict.flush(new Map()), (e) => isKstError(e, 'KST_SINK_RECORD_INVALID'));
  await strict.stop();

  const ignoring = await startTask({ 'behavior.on.malformed.documents': 'ignore' }, context);
  await ignoring.put([sinkRecord(index, 'bad-3', { price: 'nope' })]);
  await ignoring.flush(new Map());
  await ignoring.stop();
  assert.equal(context.errant.length, 1);
  await deleteIndex(index);
});

test('an unreachable server fails flush with a retriable error after max.retries', async () => {
  const task = await startTask({ 'connection.url': 'http://127.0.0.1:1', 'max.retries': '2', 'retry.backoff.ms': '10' });
  await task.put([sinkRecord(uniqueId('es_down'), 'a', { v: 1 })]);
  await assert.rejects(task.flush(new Map()), (e: unknown) => isKstError(e, 'KST_SINK_CONNECTION_FAILED') && (e as { retriable?: boolean }).retriable === true);
  await task.stop();
});

test('config: delete on null values needs the key as id', () => {
  assert.deepEqual(Object.keys(searchSinkConnector.validate?.({ ...base, 'behavior.on.null.values': 'delete', 'key.ignore': 'true' }) ?? {}), ['behavior.on.null.values']);
});
