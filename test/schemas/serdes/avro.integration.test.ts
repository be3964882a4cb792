import { test } from 'node:test';
import assert from 'node:assert/strict';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { isKstError } from '../../../common/errors.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import { AvroSerde } from '../../../schemas/serdes/avro.ts';
import { uniqueName } from '../../support/names.ts';

const url = endpoints(loadStackConfig()).registryUrl;

const v1 = {
  type: 'record', name: 'OrderCreated', namespace: 'kst.test',
  fields: [{ name: 'orderId', type: 'string' }, { name: 'items', type: { type: 'array', items: 'string' } }, { name: 'total', type: 'long' }],
} as const;
const v2 = { ...v1, fields: [...v1.fields, { name: 'currency', type: 'string', default: 'EUR' }] };
const v3WithoutDefault = { ...v1, fields: [...v1.fields, { name: 'customerId', type: 'string' }] };
const v3TypeChanged = { ...v1, fields: [{ name: 'orderId', type: 'long' }, ...v1.fields.slice(1)] };

interface OrderCreatedV1 { orderId: string; items: string[]; total: number }
interface OrderCreatedV2 extends OrderCreatedV1 { currency: string }

test('Avro round trip through the registry: the bytes carry the id the registry returned', async () => {
  const topic = uniqueName('kst.avro');
  const writer = await AvroSerde.create<OrderCreatedV1>(new RegistryClient({ url }), { topic, schema: v1 });
  const registeredId = await new RegistryClient({ url }).lookupId(`${topic}-value`, v1);
  assert.equal(writer.schemaId, registeredId);

  const bytes = writer.serialize(topic, { orderId: 'o-1', items: ['sku-1', 'sku-2'], total: 1999 }) as Buffer;
  assert.equal(bytes[0], 0);
  assert.equal(bytes.readInt32BE(1), registeredId);

  // Another process: a fresh client knows nothing until prepare fetches the id.
  const readerRegistry = new RegistryClient({ url });
  const reader = await AvroSerde.create<OrderCreatedV1>(readerRegistry, { schema: v1 });
  assert.throws(() => reader.deserialize(topic, bytes), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE') && error.details['schemaId'] === registeredId);
  await reader.prepare(topic, [bytes, bytes, null]);
  assert.equal(readerRegistry.schemaFetches, 1);
  assert.deepEqual({ ...reader.deserialize(topic, bytes) }, { orderId: 'o-1', items: ['sku-1', 'sku-2'], total: 1999 });
});

test('a backward-compatible v2 is accepted and reads v1 data with the default', async () => {
  const topic = uniqueName('kst.avro');
  const registry = new RegistryClient({ url });
  const writerV1 = await AvroSerde.create<OrderCreatedV1>(registry, { topic, schema: v1 });
  const oldBytes = writerV1.serialize(topic, { orderId: 'o-2', items: [], total: 5 });
  assert.equal(await registry.getCompatibility(`${topic}-value`), 'BACKWARD');

  const serdeV2 = await AvroSerde.create<OrderCreatedV2>(new RegistryClient({ url }), { topic, schema: v2 });
  assert.notEqual(serdeV2.schemaId, writerV1.schemaId);
  await serdeV2.prepare(topic, [oldBytes]);
  assert.deepEqual({ ...serdeV2.deserialize(topic, oldBytes) }, { orderId: 'o-2', items: [], total: 5, currency: 'EUR' });
  const newBytes = serdeV2.serialize(topic, { orderId: 'o-3', items: ['x'], total: 7, currency: 'USD' }) as Buffer;
  assert.equal(newBytes.readInt32BE(1), serdeV2.schemaId);
});

test('incompatible changes are rejected under BACKWARD with KST_SCHEMA_INCOMPATIBLE', async () => {
  const topic = uniqueName('kst.avro');
  const registry = new RegistryClient({ url });
  await AvroSerde.create<OrderCreatedV1>(registry, { topic, schema: v1 });
  for (const schema of [v3WithoutDefault, v3TypeChanged]) {
    await assert.rejects(AvroSerde.create(registry, { topic, schema }), (error) => {
      assert.ok(isKstError(error, 'KST_SCHEMA_INCOMPATIBLE'));
      assert.equal(error.details['subject'], `${topic}-value`);
      assert.ok(String(error.details['registryMessage']).length > 0);
      return true;
    });
  }
});
