/**
 * The real registry (the stack's Apicurio, Confluent API) agrees that each changed
 * e-commerce schema is BACKWARD compatible with its previous version, so services of
 * this version register over subjects an earlier platform created. The check has teeth:
 * a new required field without a default is refused by the same registry.
 */
import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isKstError } from '../../../common/errors.ts';
import { ecommerceSchema, type EcommerceSchemaName } from '../../../schemas/ecommerce/index.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import { AvroSerde } from '../../../schemas/serdes/avro.ts';
import { flatAvroSerde } from '../../../topologies/ecommerce/serdes.ts';
import type { InventoryCommand } from '../../../topologies/ecommerce/contracts/commands.ts';
import type { AvroSchema } from '../../../schemas/registry/schema-source.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { uniqueName } from '../../support/names.ts';

const previous = (name: EcommerceSchemaName): AvroSchema => JSON.parse(readFileSync(new URL(`./previous/${name}.avsc`, import.meta.url), 'utf8')) as AvroSchema;

test('the registry accepts each changed schema over its previous version under BACKWARD', { timeout: 60_000 }, async () => {
  const registry = new RegistryClient({ url: endpoints(loadStackConfig()).registryUrl, clientId: 'schema-evolution-test' });
  for (const name of ['order-command', 'order-event', 'inventory-event', 'inventory-command'] as const) {
    const subject = `${uniqueName(`kst-evolution-${name}`)}-value`;
    const first = await registry.register(subject, previous(name), { compatibility: 'BACKWARD' });
    const check = await registry.checkCompatibility(subject, ecommerceSchema(name));
    assert.equal(check.compatible, true, `${name}: ${check.messages.join('; ')}`);
    const second = await registry.register(subject, ecommerceSchema(name));
    assert.notEqual(second, first, `${name} is a new version`);
  }
  const subject = `${uniqueName('kst-evolution-refused')}-value`;
  await registry.register(subject, previous('inventory-event'), { compatibility: 'BACKWARD' });
  const withRequired = previous('inventory-event') as { fields: object[] };
  const refused = { ...withRequired, fields: [...withRequired.fields, { name: 'unitPriceCents', type: 'long' }] } as AvroSchema;
  assert.equal((await registry.checkCompatibility(subject, refused)).compatible, false);
  await assert.rejects(registry.register(subject, refused), (error) => isKstError(error) && /incompatible/i.test(`${error.code} ${error.message}`));
});

test('an UpsertProduct written with the schema before description and category still reads once the new version is registered', { timeout: 60_000 }, async () => {
  const registry = new RegistryClient({ url: endpoints(loadStackConfig()).registryUrl, clientId: 'schema-evolution-test' });
  const topic = uniqueName('kst-evolution-upsert');
  const first = await registry.register(`${topic}-value`, previous('inventory-command'), { compatibility: 'BACKWARD' });
  const old = await AvroSerde.create<Record<string, unknown>>(registry, { topic, schema: previous('inventory-command') });
  const oldBytes = old.serialize(topic, { type: 'UpsertProduct', commandId: 'c1', productId: 'p1', issuedAtMs: 5, name: 'Pen', priceCents: 100, restockQuantity: 2 });
  assert.ok(oldBytes !== null);
  assert.equal(oldBytes.readInt32BE(1), first, 'written with the old version');
  const current = await flatAvroSerde<InventoryCommand>(registry, topic, 'inventory-command');
  const newBytes = current.serialize(topic, { type: 'UpsertProduct', commandId: 'c2', productId: 'p1', issuedAtMs: 6, restockQuantity: 0, description: 'A blue pen', category: 'office' });
  assert.ok(newBytes !== null);
  assert.notEqual(newBytes.readInt32BE(1), first, 'the registry took the new schema as a new version of the subject');
  await current.prepare?.(topic, [oldBytes, newBytes]);
  assert.deepEqual(current.deserialize(topic, oldBytes), { type: 'UpsertProduct', commandId: 'c1', productId: 'p1', issuedAtMs: 5, name: 'Pen', priceCents: 100, restockQuantity: 2 });
  assert.deepEqual(current.deserialize(topic, newBytes), { type: 'UpsertProduct', commandId: 'c2', productId: 'p1', issuedAtMs: 6, restockQuantity: 0, description: 'A blue pen', category: 'office' });
});
