/**
 * Schemas survive a restart of the stack: with its own Kafka and registry (own STACK_HOME,
 * own free ports; the download cache is shared), it registers schemas, writes Avro records with
 * the project's serdes, stops the whole stack (`down`), starts it again (`up`) and decodes
 * every record written before with the registry's schema for its id. Before the registry
 * kept its schemas in Kafka, `up` gave an empty registry: ids 404'd, or re-registration
 * handed out other ids. It restarts servers, hence `serial`.
 *
 * The same acceptance for the real platform: after `npm run stack -- down` and `up`,
 * `node scripts/platform/check-decodes.ts` (with the platform's ECOMMERCE_TOPIC_PREFIX)
 * reads every record of every platform topic and exits 1 naming any that does not decode.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaAdmin, KafkaProducer, kafkaClientConfig } from '../../../processors/kafka/index.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import { AvroSerde } from '../../../schemas/serdes/avro.ts';
import { checkDecodes, type DecodedRecord } from '../../../scripts/platform/check-decodes.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { isAlive } from '../../../scripts/stack/processes.ts';
import { isPortFree } from '../../../scripts/stack/ports.ts';
import { down, up } from '../../../scripts/stack/stack.ts';
import { freeServerPorts } from '../../support/free-ports.ts';

const PORT_KEYS = ['STACK_KAFKA_PORT', 'STACK_KAFKA_CONTROLLER_PORT', 'STACK_KAFKA_SASL_PORT', 'STACK_REGISTRY_PORT', 'STACK_REGISTRY_MANAGEMENT_PORT'] as const;

const orderV1 = { type: 'record', name: 'Order', namespace: 'kst.restart', fields: [{ name: 'id', type: 'string' }, { name: 'total', type: 'long' }] } as const;
const orderV2 = { ...orderV1, fields: [...orderV1.fields, { name: 'currency', type: 'string', default: 'EUR' }] };
const customer = { type: 'record', name: 'Customer', namespace: 'kst.restart', fields: [{ name: 'id', type: 'string' }, { name: 'name', type: 'string' }] } as const;

test('after down and up of its own stack, every Avro record written before decodes with the schema of its id', { timeout: 600_000 }, async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'kstack-registry-restart-'));
  const ports = await freeServerPorts(PORT_KEYS.length);
  const config = loadStackConfig({ ...process.env, STACK_HOME: home, ...Object.fromEntries(PORT_KEYS.map((key, i) => [key, String(ports[i])])) });
  const { kafkaBootstrap, registryUrl } = endpoints(config);
  t.after(async () => {
    await down(config).catch((error: unknown) => t.diagnostic(`down failed: ${String(error)}`));
    rmSync(home, { recursive: true, force: true });
  });
  for (const port of ports) assert.equal(await isPortFree(config.host, port), true, `port ${port} must be free for this test`);

  // `up registry` alone brings the broker up first: the registry keeps its schemas there.
  const first = await up(config, ['registry'], (line) => t.diagnostic(line));
  assert.deepEqual(first.map((result) => [result.service, result.startedNow]).sort(), [['kafka', true], ['registry', true]]);

  const client = kafkaClientConfig.parse({ 'bootstrap.servers': [kafkaBootstrap], 'client.id': 'kst-registry-restart' });
  const admin = new KafkaAdmin(client);
  const producer = new KafkaProducer(client);
  const topics = { orders: 'restart.orders', customers: 'restart.customers' };
  await admin.createTopics([{ name: topics.orders, partitions: 2 }, { name: topics.customers, partitions: 1 }]);
  const registry = new RegistryClient({ url: registryUrl });
  const ordersV1 = await AvroSerde.create<object>(registry, { topic: topics.orders, schema: orderV1 });
  const customers = await AvroSerde.create<object>(registry, { topic: topics.customers, schema: customer });
  const ordersV2 = await AvroSerde.create<object>(registry, { topic: topics.orders, schema: orderV2 });
  const schemaId = (serde: AvroSerde<object>): number => {
    assert.ok(serde.schemaId !== undefined, `${serde.subject} is registered`);
    return serde.schemaId;
  };
  const ids = { orderV1: schemaId(ordersV1), customer: schemaId(customers), orderV2: schemaId(ordersV2) };
  assert.equal(new Set(Object.values(ids)).size, 3, `three schemas, three ids: ${JSON.stringify(ids)}`);

  const written = [
    ...Array.from({ length: 20 }, (_, i) => ({ topic: topics.orders, key: `o-${i}`, serde: i % 2 === 0 ? ordersV1 : ordersV2, value: i % 2 === 0 ? { id: `o-${i}`, total: i * 100 } : { id: `o-${i}`, total: i * 100, currency: 'USD' } })),
    ...Array.from({ length: 5 }, (_, i) => ({ topic: topics.customers, key: `c-${i}`, serde: customers, value: { id: `c-${i}`, name: `Customer ${i}` } })),
  ];
  await producer.send(written.map(({ topic, key, serde, value }) => ({ topic, key: Buffer.from(key), value: serde.serialize(topic, value) as Buffer })));
  await producer.close();
  await admin.close();

  const stopped = await down(config);
  assert.deepEqual(stopped.map((result) => result.service), ['kafka', 'registry', 'opensearch', 'postgres']);
  for (const { service, pid } of stopped.filter((result) => result.service === 'kafka' || result.service === 'registry')) {
    assert.ok(pid !== undefined && !isAlive(pid), `${service} was running and is stopped`);
  }

  const second = await up(config, ['kafka', 'registry'], (line) => t.diagnostic(line));
  assert.ok(second.every((result) => result.startedNow), 'both servers are new processes');
  for (const result of second) assert.notEqual(result.pid, first.find((before) => before.service === result.service)?.pid);

  // A fresh client: nothing cached from before the restart.
  const after = new RegistryClient({ url: registryUrl });
  assert.equal(await after.lookupId(`${topics.orders}-value`, orderV1), ids.orderV1);
  assert.equal(await after.lookupId(`${topics.orders}-value`, orderV2), ids.orderV2);
  assert.equal(await after.lookupId(`${topics.customers}-value`, customer), ids.customer);
  // Registering again (what a restarted service does) hands back the same ids.
  assert.equal(await after.register(`${topics.customers}-value`, customer), ids.customer);

  const decoded: DecodedRecord[] = [];
  const reports = await checkDecodes({ bootstrap: kafkaBootstrap, registryUrl, topics: Object.values(topics), onDecoded: (record) => decoded.push(record) });
  for (const report of reports) assert.deepEqual(report.failures, [], `${report.topic}: every record decodes`);
  assert.deepEqual(reports.map((report) => [report.topic, report.records, report.schemaIds]), [
    [topics.orders, 20, [ids.orderV1, ids.orderV2].sort((a, b) => a - b)],
    [topics.customers, 5, [ids.customer]],
  ]);
  const byId = new Map(decoded.map((record) => [String((record.value as { id: string }).id), record]));
  for (const { key, serde, value } of written) {
    const record = byId.get(key);
    assert.ok(record, `record ${key} was read back`);
    assert.equal(record.schemaId, serde.schemaId, `record ${key} names the id it was written with`);
    assert.deepEqual({ ...(record.value as object) }, value);
  }
});
