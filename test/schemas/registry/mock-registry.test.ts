import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKstError } from '../../../common/errors.ts';
import { MockSchemaRegistry } from '../../../schemas/registry/mock-registry.ts';

const v1 = { type: 'record', name: 'Item', fields: [{ name: 'sku', type: 'string' }] } as const;
const withDefault = { ...v1, fields: [...v1.fields, { name: 'qty', type: 'int', default: 1 }] };
const withoutDefault = { ...v1, fields: [...v1.fields, { name: 'weight', type: 'int' }] };
const typeChanged = { ...v1, fields: [{ name: 'sku', type: 'int' }] };

test('ids are global: the same schema gets the same id in every subject, once per subject', async () => {
  const registry = new MockSchemaRegistry();
  const a = await registry.register('a-value', v1);
  assert.equal(await registry.register('a-value', v1), a);
  assert.equal(await registry.register('b-value', v1), a);
  assert.deepEqual(registry.versions('a-value'), [a]);
  assert.equal(await registry.lookupId('b-value', v1), a);
  await assert.rejects(registry.lookupId('c-value', v1), (error) => isKstError(error, 'KST_SCHEMA_NOT_FOUND'));
  await assert.rejects(registry.getAvroType(999), (error) => isKstError(error, 'KST_SCHEMA_NOT_FOUND'));
});

test('BACKWARD (the default) accepts a field with a default and rejects one without, or a type change', async () => {
  const registry = new MockSchemaRegistry();
  const first = await registry.register('s', v1);
  const second = await registry.register('s', withDefault);
  assert.notEqual(first, second);
  for (const bad of [withoutDefault, typeChanged]) {
    await assert.rejects(registry.register('s', bad), (error) => isKstError(error, 'KST_SCHEMA_INCOMPATIBLE'));
  }
  assert.deepEqual(registry.versions('s'), [first, second]);
});

test('NONE accepts anything; FORWARD checks that old readers read new data', async () => {
  const registry = new MockSchemaRegistry();
  registry.setCompatibility('n', 'NONE');
  await registry.register('n', v1);
  await registry.register('n', typeChanged);
  registry.setCompatibility('f', 'FORWARD');
  await registry.register('f', v1);
  await registry.register('f', withoutDefault); // old readers ignore the new field
  await assert.rejects(registry.register('f', typeChanged), (error) => isKstError(error, 'KST_SCHEMA_INCOMPATIBLE'));
});
