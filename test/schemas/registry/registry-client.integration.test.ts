import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { isKstError } from '../../../common/errors.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import { uniqueName } from '../../support/names.ts';

const url = endpoints(loadStackConfig()).registryUrl;

const v1 = { type: 'record', name: 'Shipment', namespace: 'kst.test', fields: [{ name: 'id', type: 'string' }] } as const;
const withDefault = { ...v1, fields: [...v1.fields, { name: 'carrier', type: 'string', default: 'post' }] };
const withoutDefault = { ...v1, fields: [...v1.fields, { name: 'weight', type: 'int' }] };
const typeChanged = { ...v1, fields: [{ name: 'id', type: 'long' }] };

test('a new subject gets BACKWARD before its first version, and re-registering returns the same id', async () => {
  const registry = new RegistryClient({ url });
  const subject = `${uniqueName('kst-client')}-value`;
  assert.equal(await registry.getCompatibility(subject), undefined);
  const id = await registry.register(subject, v1);
  assert.equal(await registry.getCompatibility(subject), 'BACKWARD');
  assert.equal(await registry.register(subject, v1), id);
  assert.equal(await registry.lookupId(subject, v1), id);
  assert.equal(await registry.latestId(subject), id);
});

test('BACKWARD set per subject through PUT /config is enforced by the registry', async () => {
  const registry = new RegistryClient({ url, defaultCompatibility: 'NONE' });
  const subject = `${uniqueName('kst-client')}-value`;
  await registry.register(subject, v1);
  assert.equal(await registry.getCompatibility(subject), 'NONE');
  await registry.setCompatibility(subject, 'BACKWARD');
  assert.equal(await registry.getCompatibility(subject), 'BACKWARD');

  assert.deepEqual(await registry.checkCompatibility(subject, withDefault), { compatible: true, messages: [] });
  assert.equal((await registry.checkCompatibility(subject, withoutDefault)).compatible, false);
  assert.equal((await registry.checkCompatibility(subject, typeChanged)).compatible, false);

  for (const bad of [withoutDefault, typeChanged]) {
    await assert.rejects(registry.register(subject, bad), (error) => {
      assert.ok(isKstError(error, 'KST_SCHEMA_INCOMPATIBLE'));
      assert.equal(error.details['subject'], subject);
      assert.match(String(error.details['registryMessage']), /ncompatib/);
      return true;
    });
  }
  const second = await registry.register(subject, withDefault);
  assert.equal(await registry.latestId(subject), second);
  // An explicit level on register is applied first: NONE lets the type change through.
  await registry.register(subject, typeChanged, { compatibility: 'NONE' });
  assert.equal(await registry.getCompatibility(subject), 'NONE');
});

test('a level set before the subject exists applies to its first versions', async () => {
  const registry = new RegistryClient({ url });
  const subject = `${uniqueName('kst-client')}-value`;
  await registry.setCompatibility(subject, 'FORWARD');
  await registry.register(subject, v1);
  assert.equal(await registry.getCompatibility(subject), 'FORWARD');
  await registry.register(subject, withoutDefault); // forward compatible: old readers skip the new field
  await assert.rejects(registry.register(subject, typeChanged), (error) => isKstError(error, 'KST_SCHEMA_INCOMPATIBLE'));
});

test('schemas by id are fetched once per client, concurrent callers included', async () => {
  const subject = `${uniqueName('kst-client')}-value`;
  const id = await new RegistryClient({ url }).register(subject, v1);
  const reader = new RegistryClient({ url });
  const [a, b] = await Promise.all([reader.getAvroType(id), reader.getAvroType(id)]);
  const c = await reader.getAvroType(id);
  assert.equal(reader.schemaFetches, 1);
  assert.equal(a, b);
  assert.equal(a, c);
  assert.deepEqual({ ...a.fromBuffer(a.toBuffer({ id: 's1' })) }, { id: 's1' });
});

test('unknown ids and subjects are KST_SCHEMA_NOT_FOUND; bad schemas KST_SCHEMA_INVALID', async () => {
  const registry = new RegistryClient({ url });
  await assert.rejects(registry.getAvroType(2_000_000_000), (error) => isKstError(error, 'KST_SCHEMA_NOT_FOUND') && error.details['id'] === 2_000_000_000);
  const subject = `${uniqueName('kst-client')}-value`;
  await assert.rejects(registry.lookupId(subject, v1), (error) => isKstError(error, 'KST_SCHEMA_NOT_FOUND'));
  await assert.rejects(registry.latestId(subject), (error) => isKstError(error, 'KST_SCHEMA_NOT_FOUND'));
  await assert.rejects(registry.register(subject, { type: 'record', name: 'Bad', fields: [{ name: 'x', type: 'nope' }] }), (error) => isKstError(error, 'KST_SCHEMA_INVALID'));
  // The library registers named types only (records, enums, fixed).
  await assert.rejects(registry.register(subject, 'string'), (error) => isKstError(error, 'KST_SCHEMA_INVALID'));
});

test('clients racing to register the first schema of a subject all get its id (the registry\'s rule conflict is retried)', async () => {
  const subject = `${uniqueName('kst-race')}-value`;
  const schema = { type: 'record', name: 'Raced', fields: [{ name: 'a', type: 'string' }] };
  const ids = await Promise.all(Array.from({ length: 20 }, () => new RegistryClient({ url }).register(subject, schema)));
  assert.equal(new Set(ids).size, 1);
  assert.equal(await new RegistryClient({ url }).getCompatibility(subject), 'BACKWARD');
});

test('re-registering a schema its subject already has costs one look-up (a restarting service), a new version the full registration', async (t) => {
  const subject = `${uniqueName('kst-relookup')}-value`;
  const id = await new RegistryClient({ url }).register(subject, v1);
  // A proxy in front of the registry that notes every request.
  const upstream = new URL(url);
  const seen: string[] = [];
  const proxy = createServer((incoming, outgoing) => {
    seen.push(`${incoming.method} ${incoming.url?.replace(upstream.pathname, '')}`);
    const forward = request({ host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));
  const viaProxy = new RegistryClient({ url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}${upstream.pathname}` });

  assert.equal(await viaProxy.register(subject, v1), id);
  assert.deepEqual(seen, [`POST /subjects/${subject}`]);
  seen.length = 0;
  const second = await viaProxy.register(subject, withDefault);
  assert.notEqual(second, id);
  assert.ok(seen.length > 1 && seen.some((line) => line.startsWith(`POST /subjects/${subject}/versions`)), seen.join(', '));
});
