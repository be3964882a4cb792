import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaAdmin, KafkaProducer, kafkaClientConfig } from '../../../processors/kafka/index.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import { AvroSerde } from '../../../schemas/serdes/avro.ts';
import { frame } from '../../../schemas/serdes/confluent-wire.ts';
import { checkDecodes, type DecodedRecord } from '../../../scripts/platform/check-decodes.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { uniqueName } from '../../support/names.ts';

const { kafkaBootstrap, registryUrl } = endpoints(loadStackConfig());
const schema = { type: 'record', name: 'Item', namespace: 'kst.check', fields: [{ name: 'sku', type: 'string' }] } as const;

test('every record is decoded with the schema of its id; one naming an id the registry lacks is reported with where it is', async (t) => {
  const topic = uniqueName('kst-check-decodes');
  const client = kafkaClientConfig.parse({ 'bootstrap.servers': [kafkaBootstrap], 'client.id': 'kst-check-decodes-test' });
  const admin = new KafkaAdmin(client);
  const producer = new KafkaProducer(client);
  t.after(async () => {
    await producer.close();
    await admin.deleteTopics([topic], { ifExists: true }).catch(() => undefined);
    await admin.close();
  });
  await admin.createTopics([{ name: topic, partitions: 2 }]);
  const serde = await AvroSerde.create<{ sku: string }>(new RegistryClient({ url: registryUrl }), { topic, schema });
  const unknownId = 2_000_000_000;
  await producer.send([
    ...['a', 'b', 'c'].map((sku) => ({ topic, partition: 0, key: Buffer.from(sku), value: serde.serialize(topic, { sku }) as Buffer })),
    { topic, partition: 1, key: Buffer.from('x'), value: frame(unknownId, Buffer.from([2, 0x78])) },
  ]);

  const decoded: DecodedRecord[] = [];
  const [report] = await checkDecodes({ bootstrap: kafkaBootstrap, registryUrl, topics: [topic], onDecoded: (record) => decoded.push(record) });
  assert.ok(report);
  assert.equal(report.records, 4);
  assert.equal(report.decoded, 3);
  assert.deepEqual(report.schemaIds, [serde.schemaId, unknownId]);
  assert.deepEqual(decoded.map((record) => ({ ...(record.value as object) })), [{ sku: 'a' }, { sku: 'b' }, { sku: 'c' }]);
  assert.deepEqual(report.failures.map((failure) => [failure.partition, failure.offset, failure.schemaId]), [[1, 0n, unknownId]]);
  assert.match(report.failures[0]?.reason ?? '', new RegExp(String(unknownId)));
});
