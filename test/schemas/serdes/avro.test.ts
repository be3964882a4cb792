import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { isKstError, KstError } from '../../../common/errors.ts';
import { MockSchemaRegistry } from '../../../schemas/registry/mock-registry.ts';
import { asAvscSchema, type AvroSchemaSource } from '../../../schemas/registry/schema-source.ts';
import { AvroSerde } from '../../../schemas/serdes/avro.ts';
import { frame } from '../../../schemas/serdes/confluent-wire.ts';
import { isPreparableSerde } from '../../../schemas/serdes/serde.ts';

const v1 = { type: 'record', name: 'Payment', namespace: 'test', fields: [{ name: 'id', type: 'string' }, { name: 'cents', type: 'long' }] } as const;
const v2 = { ...v1, fields: [...v1.fields, { name: 'currency', type: 'string', default: 'EUR' }] };

interface PaymentV1 { id: string; cents: number }
interface PaymentV2 extends PaymentV1 { currency: string }

test('create registers under <topic>-value and serializes synchronously with that id', async () => {
  const registry = new MockSchemaRegistry();
  const serde = await AvroSerde.create<PaymentV1>(registry, { topic: 'payments.events', schema: v1 });
  assert.equal(serde.subject, 'payments.events-value');
  assert.deepEqual(registry.versions('payments.events-value'), [serde.schemaId]);
  const bytes = serde.serialize('payments.events', { id: 'p1', cents: 250 }) as Buffer;
  assert.equal(bytes.readInt32BE(1), serde.schemaId);
  assert.ok(isPreparableSerde(serde));
  // The writer's own id reads without any fetch.
  await serde.prepare('payments.events', [bytes]);
  assert.equal(registry.schemaFetches, 0);
  assert.deepEqual({ ...serde.deserialize('payments.events', bytes) }, { id: 'p1', cents: 250 });
  const keySerde = await AvroSerde.create<PaymentV1>(registry, { topic: 'payments.events', isKey: true, schema: v1 });
  assert.equal(keySerde.subject, 'payments.events-key');
});

test('prepare fetches each new id of a batch once; later batches cost no fetch', async () => {
  const registry = new MockSchemaRegistry();
  const writerV1 = await AvroSerde.create<PaymentV1>(registry, { topic: 'p', schema: v1 });
  const reader = await AvroSerde.create<PaymentV2>(registry, { topic: 'p', schema: v2 });
  const batch = Array.from({ length: 1000 }, (_, i) => writerV1.serialize('p', { id: `p${i}`, cents: i }));
  batch.push(null);
  assert.throws(() => reader.deserialize('p', batch[0] as Buffer), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE') && error.details['schemaId'] === writerV1.schemaId);
  await reader.prepare('p', batch);
  assert.equal(registry.schemaFetches, 1);
  const values = batch.map((bytes) => reader.deserialize('p', bytes));
  assert.deepEqual({ ...values[7] }, { id: 'p7', cents: 7, currency: 'EUR' });
  assert.equal(values[1000], null);
  await reader.prepare('p', batch);
  assert.equal(registry.schemaFetches, 1);
});

test('an id the registry does not have fails only its own records, naming the id', async () => {
  const registry = new MockSchemaRegistry();
  const serde = await AvroSerde.create<PaymentV1>(registry, { topic: 'p', schema: v1 });
  const good = serde.serialize('p', { id: 'ok', cents: 1 }) as Buffer;
  const orphan = frame(4242, Buffer.from([0]));
  await serde.prepare('p', [good, orphan, Buffer.from('not avro')]);
  assert.deepEqual({ ...serde.deserialize('p', good) }, { id: 'ok', cents: 1 });
  assert.throws(() => serde.deserialize('p', orphan), (error) => {
    assert.ok(isKstError(error, 'KST_SERDE_DESERIALIZE'));
    assert.equal(error.details['schemaId'], 4242);
    assert.match(error.message, /4242/);
    return true;
  });
  assert.throws(() => serde.deserialize('p', Buffer.from('not avro')), (error) => isKstError(error, 'KST_SERDE_DESERIALIZE'));
});

test('a registry outage rejects prepare with the retryable registry error, keeping what arrived', async () => {
  const type = avro.Type.forSchema(asAvscSchema(v1));
  let down = true;
  const source: AvroSchemaSource = {
    register: async () => 1,
    lookupId: async () => 1,
    getAvroType: async (id) => {
      if (id === 2 && down) throw new KstError('KST_SCHEMA_REGISTRY', 'connect ECONNREFUSED');
      return type;
    },
  };
  const serde = await AvroSerde.create<PaymentV1>(source, { schema: v1 });
  const bytes = (id: number) => frame(id, type.toBuffer({ id: 'x', cents: 1 }));
  await assert.rejects(serde.prepare('p', [bytes(3), bytes(2)]), (error) => isKstError(error, 'KST_SCHEMA_REGISTRY') && error.canRetry);
  assert.deepEqual({ ...serde.deserialize('p', bytes(3)) }, { id: 'x', cents: 1 });
  down = false;
  await serde.prepare('p', [bytes(2)]);
  assert.deepEqual({ ...serde.deserialize('p', bytes(2)) }, { id: 'x', cents: 1 });
});

test('autoRegister false only looks the id up, and fails when the schema is missing', async () => {
  const registry = new MockSchemaRegistry();
  await assert.rejects(AvroSerde.create(registry, { topic: 'q', schema: v1, autoRegister: false }), (error) => isKstError(error, 'KST_SCHEMA_NOT_FOUND'));
  const id = await registry.register('q-value', v1);
  const serde = await AvroSerde.create(registry, { topic: 'q', schema: v1, autoRegister: false });
  assert.equal(serde.schemaId, id);
});

test('a read-only serde decodes with writer schemas and cannot serialize', async () => {
  const registry = new MockSchemaRegistry();
  const writer = await AvroSerde.create<PaymentV2>(registry, { topic: 'r', schema: v2 });
  const reader = await AvroSerde.create<Record<string, unknown>>(registry);
  const bytes = writer.serialize('r', { id: 'a', cents: 2, currency: 'USD' });
  await reader.prepare('r', [bytes]);
  assert.deepEqual({ ...reader.deserialize('r', bytes) }, { id: 'a', cents: 2, currency: 'USD' });
  assert.throws(() => reader.serialize('r', {}), (error) => isKstError(error, 'KST_SERDE_SERIALIZE'));
});

test('an invalid schema is KST_SCHEMA_INVALID at create', async () => {
  await assert.rejects(AvroSerde.create(new MockSchemaRegistry(), { topic: 't', schema: { type: 'record', name: 'X', fields: [{ name: 'a', type: 'nope' }] } }), (error) => isKstError(error, 'KST_SCHEMA_INVALID'));
});
