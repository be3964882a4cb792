/**
 * A secured schema registry: the stack's real registry behind an HTTPS front that requires
 * credentials — how a registry is commonly exposed (a TLS-terminating proxy with basic or
 * bearer authentication), and what managed registries ask of clients. The front's certificate
 * is signed by a CA of the test's own, so the client must be given that CA. Everything the
 * client sends goes through to the real registry and back.
 */

import '../../support/exit-after-tests.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KstError } from '../../../common/errors.ts';
import { AvroConverter } from '../../../connectors/converters/avro-converter.ts';
import { RegistryClient } from '../../../schemas/registry/registry-client.ts';
import { endpoints, loadStackConfig } from '../../../scripts/stack/config.ts';
import { ensureTlsMaterial } from '../../../scripts/stack/kafka-security.ts';
import { AvroSerde } from '../../../schemas/serdes/avro.ts';
import { uniqueName } from '../../support/names.ts';

const upstream = new URL(endpoints(loadStackConfig()).registryUrl);
const USER_INFO = 'registry-user:s3cret:with:colons';
const TOKEN = 'registry-access-token-0123456789';
const SCHEMA = { type: 'record', name: 'Parcel', namespace: 'test.registry.auth', fields: [{ name: 'id', type: 'string' }, { name: 'grams', type: 'int' }] } as const;

async function body(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The HTTPS front: 401 without the expected Authorization, otherwise the registry's own answer. */
async function startFront(dir: string): Promise<{ url: string; ca: string; seen: string[]; close: () => Promise<void> }> {
  const material = ensureTlsMaterial(dir, '127.0.0.1');
  const seen: string[] = [];
  const accepted = new Set([`Basic ${Buffer.from(USER_INFO).toString('base64')}`, `Bearer ${TOKEN}`]);
  const server = createServer({ key: readFileSync(join(dir, 'tls', 'broker-key.pem')), cert: readFileSync(join(dir, 'tls', 'broker.pem')) }, (request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const authorization = request.headers.authorization ?? '';
      seen.push(authorization.split(' ')[0] ?? '');
      if (!accepted.has(authorization)) {
        response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic realm="registry"' });
        response.end(JSON.stringify({ error_code: 401, message: 'Unauthorized' }));
        return;
      }
      const payload = await body(request);
      const answer = await fetch(new URL(request.url ?? '/', upstream.origin), {
        method: request.method ?? 'GET',
        headers: { accept: request.headers.accept ?? 'application/json', ...(payload.length === 0 ? {} : { 'content-type': request.headers['content-type'] ?? 'application/json' }) },
        ...(payload.length === 0 ? {} : { body: payload }),
      });
      response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    })().catch((error: unknown) => {
      response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `https://127.0.0.1:${port}${upstream.pathname}`, ca: material.ca, seen, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

test('a registry behind TLS with credentials: basic and bearer clients register and read schemas; wrong or missing credentials and an untrusted CA fail with coded errors', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kst-registry-auth-'));
  const front = await startFront(dir);
  t.after(async () => {
    await front.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const subject = `${uniqueName('kst-registry-auth')}-value`;

  // Basic: register (with its compatibility calls) and round-trip a record through the Avro serde.
  const basic = new RegistryClient({ url: front.url, auth: { userInfo: USER_INFO, caFile: front.ca } });
  const id = await basic.register(subject, SCHEMA);
  const serde = await AvroSerde.create<{ id: string; grams: number }>(basic, { subject, schema: SCHEMA });
  assert.equal(serde.schemaId, id);
  const bytes = serde.serialize('parcels', { id: 'p-1', grams: 420 });
  assert.equal(bytes?.readUInt32BE(1), id, 'the record names the registered id');

  // Bearer: a fresh client reads the schema by id (nothing cached) and decodes the record.
  const bearer = new RegistryClient({ url: front.url, auth: { bearerToken: TOKEN, caFile: front.ca } });
  const type = await bearer.getAvroType(id);
  assert.deepEqual({ ...(type.fromBuffer((bytes as Buffer).subarray(5)) as object) }, { id: 'p-1', grams: 420 });

  // Connect's Avro converter with Confluent's keys.
  const converter = new AvroConverter();
  converter.configure({ 'schema.registry.url': front.url, 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': USER_INFO, 'schema.registry.ssl.ca.location': front.ca });
  await converter.prepare('parcels', [bytes as Buffer]);
  assert.deepEqual((converter.toConnectData('parcels', bytes as Buffer) as { value: unknown }).value, { id: 'p-1', grams: 420 });
  assert.ok(front.seen.includes('Basic') && front.seen.includes('Bearer'), `both schemes reached the front: ${front.seen.join(',')}`);

  // No or wrong credentials: the registry's 401 as a coded error naming the settings.
  for (const auth of [{ caFile: front.ca }, { userInfo: 'registry-user:wrong', caFile: front.ca }]) {
    await assert.rejects(new RegistryClient({ url: front.url, auth }).getAvroType(id), (error: unknown) => {
      assert.ok(error instanceof KstError, String(error));
      assert.equal(error.code, 'KST_SCHEMA_REGISTRY_AUTH');
      assert.match(error.message, /basic\.auth\.user\.info/);
      return true;
    });
  }
  await assert.rejects(new RegistryClient({ url: front.url, auth: { userInfo: USER_INFO } }).register(subject, SCHEMA), (error: unknown) => {
    assert.ok(error instanceof KstError, String(error));
    assert.equal(error.code, 'KST_SCHEMA_REGISTRY', 'a certificate from an unknown CA is refused');
    return true;
  });
});
