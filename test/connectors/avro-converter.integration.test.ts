import '../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { endpoints, loadStackConfig } from '../../scripts/stack/config.ts';
import { RegistryClient } from '../../schemas/registry/registry-client.ts';
import { frame } from '../../schemas/serdes/confluent-wire.ts';
import { memorySinkState } from '../../connectors/plugins/memory-sink.ts';
import { broker, clusterNames, dropCluster, http, startWorker, unique, until } from './helpers.ts';

test('AvroConverter reads Confluent-framed Avro through the stack\'s schema registry into Connect structs', { timeout: 120_000 }, async () => {
  const registryUrl = endpoints(loadStackConfig()).registryUrl;
  const kafka = broker();
  const cluster = clusterNames();
  const worker = await startWorker(cluster);
  try {
    const topic = await kafka.topic(1);
    const schema = { type: 'record', name: 'Product', namespace: 'shop', fields: [{ name: 'sku', type: 'string' }, { name: 'stock', type: 'int' }, { name: 'label', type: ['null', 'string'], default: null }] };
    const id = await new RegistryClient({ url: registryUrl }).register(`${topic}-value`, schema);
    const type = avro.Type.forSchema(schema as avro.Schema);
    await kafka.send([{ topic, key: Buffer.from('p1'), value: frame(id, type.toBuffer({ sku: 'p1', stock: 5, label: 'Lamp' })) }, { topic, key: Buffer.from('p2'), value: frame(id, type.toBuffer({ sku: 'p2', stock: 0, label: null })) }]);
    const name = unique('avro');
    const created = await http(worker.url, 'POST', '/connectors', { name, config: {
      'connector.class': 'MemorySinkConnector', topics: topic, 'memory.sink.id': name,
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'io.confluent.connect.avro.AvroConverter', 'value.converter.schema.registry.url': registryUrl,
    } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await until('two Avro records delivered', () => memorySinkState(name).flushed.length === 2);
    const [first, second] = memorySinkState(name).flushed;
    assert.deepEqual(first?.value, { sku: 'p1', stock: 5, label: 'Lamp' });
    assert.deepEqual(second?.value, { sku: 'p2', stock: 0, label: null });
    assert.equal(first?.valueSchema?.name, 'shop.Product');
    assert.deepEqual(first?.valueSchema?.fields?.map((f) => [f.name, f.schema.type, f.schema.optional]), [['sku', 'string', false], ['stock', 'int32', false], ['label', 'string', true]]);
    await http(worker.url, 'DELETE', `/connectors/${name}`);
  } finally {
    await worker.stop();
    await dropCluster(kafka.admin, cluster);
    await kafka.close();
  }
});
